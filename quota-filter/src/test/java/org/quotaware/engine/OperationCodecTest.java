package org.quotaware.engine;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.spi.StateOperation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OperationCodecTest {

    private static final QuotaLimits EVERY_LIMIT_OFF = QuotaLimits.builder().off(Limit.REQUESTS_PER_MINUTE)
            .off(Limit.FILES_PER_HOUR).off(Limit.FILES_PER_DAY).off(Limit.CONCURRENT_TASKS).off(Limit.QUEUE_SIZE)
            .off(Limit.FILE_SIZE).maxQueueWait(Duration.ZERO).build();
    private static final QuotaLimits AT_THE_MAXIMA = QuotaLimits.builder().requestsPerMinute(QuotaLimits.MAX_RATE)
            .filesPerHour(QuotaLimits.MAX_RATE).filesPerDay(QuotaLimits.MAX_FILES_PER_DAY)
            .maxConcurrentTasks(QuotaLimits.MAX_CONCURRENT_TASKS).maxQueueSize(QuotaLimits.MAX_QUEUE_SIZE)
            .maxFileSizeBytes(QuotaLimits.MAX_FILE_SIZE)
            .maxQueueWait(Duration.ofMillis(QuotaLimits.MAX_QUEUE_WAIT_MILLIS)).build();
    private static final QuotaRequest UPLOAD = new QuotaRequest(7, 1L << 40, false, "prémium", false, false);

    @Test
    void everyOperationWithRequestAndLimitsSurvivesItsBytes() {
        for (QuotaLimits limits : List.of(QuotaLimits.defaults(), EVERY_LIMIT_OFF, AT_THE_MAXIMA,
                QuotaLimits.builder().maxQueueSize(0).build())) {
            for (QuotaRequest request : List.of(QuotaRequest.request(), UPLOAD, QuotaRequest.upload(0, -1))) {
                assertRoundTrip(new Operations.Acquire(request, limits, Long.MIN_VALUE, 30_000));
                assertRoundTrip(new Operations.Acquire(request, limits, 0, QuotaEngine.NO_LEASE));
                assertRoundTrip(new Operations.Acquire(request, limits, 5, 30_000, true));
                assertRoundTrip(new Operations.Check(request, limits));
                assertRoundTrip(new Operations.Unqueue(request, -42, 1_767_571_200_000L, limits));
                assertRoundTrip(new Operations.Unqueue(request, Long.MAX_VALUE, 0, limits));
                assertRoundTrip(new Operations.Unqueue(request, Long.MAX_VALUE, StateCodec.MAX_TIME, limits));
            }
            assertRoundTrip(new Operations.Claim(limits, Long.MAX_VALUE, 30_000));
            assertRoundTrip(new Operations.Claim(limits, Long.MIN_VALUE, QuotaEngine.NO_LEASE));
            assertRoundTrip(new Operations.Inspect(limits));
        }
    }

    @Test
    void theOperationsOfAllowancesSurviveTheirBytes() {
        Allotments.Usage usage = new Allotments.Usage(new long[] {0, 7, Integer.MAX_VALUE}, 3, 12, 1);
        Allotments.Want want = new Allotments.Want(new long[] {100, 0, 1}, 4);
        for (QuotaLimits limits : List.of(QuotaLimits.defaults(), EVERY_LIMIT_OFF, AT_THE_MAXIMA)) {
            Operations.Acquire acquire = new Operations.Acquire(UPLOAD, limits, Long.MIN_VALUE, 30_000, true);
            assertRoundTripByValue(new Allotments.Allot(acquire, 0, -9, usage, want, 2));
            assertRoundTripByValue(new Allotments.Allot(acquire, Long.MAX_VALUE, 1, Allotments.Usage.NONE,
                    Allotments.Want.NONE, 100_000));
            assertRoundTripByValue(new Allotments.Settle(limits, 5, Long.MIN_VALUE, usage, want, 3, 6_000));
            assertRoundTripByValue(new Allotments.Settle(limits, 0, 8, usage, Allotments.Want.NONE, 1,
                    QuotaEngine.NO_LEASE));
        }
    }

    @Test
    void leasesTimesAndCountsOutsideTheirRangeAreRefusedBeforeAnythingIsAllocated() {
        assertThatThrownBy(() -> roundTrip(new Operations.Claim(QuotaLimits.defaults(), 1, -30_000)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("a lease of -30000 ms");
        assertThatThrownBy(() -> roundTrip(new Operations.Acquire(UPLOAD, QuotaLimits.defaults(), 1, 0)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("a lease of 0 ms");
        assertThatThrownBy(() -> roundTrip(new Operations.Unqueue(UPLOAD, 1, -1, QuotaLimits.defaults())))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("a time of -1");
        assertThatThrownBy(() -> roundTrip(new Operations.Renew(new long[] {1}, -5)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("a lease of -5 ms");
        assertThatThrownBy(() -> roundTrip(new Allotments.Settle(QuotaLimits.defaults(), 1, 2,
                Allotments.Usage.NONE, Allotments.Want.NONE, 0, 6_000)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("members of 0");
        // a renewal claiming a billion tokens in a few bytes: refused by its length, not after allocating 8 GB
        byte[] renew = new ByteWriter().putByte(OperationCodec.VERSION_1).putByte(6).putVarint(1_000_000_000)
                .putLong(1).toBytes();
        assertThat(StateCodecTest.refusal(() -> OperationCodec.decode(renew)))
                .hasMessageContaining("a count of 1000000000 where at most 1 fits");
    }

    @Test
    void offLimitsComeBackOffAndTheQueueWaitExactly() {
        Operations.Inspect back = (Operations.Inspect) roundTrip(new Operations.Inspect(EVERY_LIMIT_OFF));
        for (Limit limit : List.of(Limit.REQUESTS_PER_MINUTE, Limit.FILES_PER_HOUR, Limit.FILES_PER_DAY,
                Limit.CONCURRENT_TASKS, Limit.QUEUE_SIZE, Limit.FILE_SIZE)) {
            assertThat(back.limits().enabled(limit)).as(limit.name()).isFalse();
        }
        assertThat(back.limits().maxQueueWait()).isEqualTo(Duration.ZERO);
        assertThat(((Operations.Inspect) roundTrip(new Operations.Inspect(AT_THE_MAXIMA))).limits().maxQueueWait())
                .isEqualTo(Duration.ofHours(1));
    }

    @Test
    void operationsWithoutLimitsSurviveTheirBytes() {
        assertRoundTrip(new Operations.Release(-1, true));
        assertRoundTrip(new Operations.Release(Long.MIN_VALUE, false));
        assertRoundTrip(new Operations.Export());
        assertRoundTrip(new Operations.Drain());

        Operations.Renew renew = (Operations.Renew) roundTrip(
                new Operations.Renew(new long[] {Long.MIN_VALUE, 0, -1, Long.MAX_VALUE}, 30_000));
        assertThat(renew.tokens()).containsExactly(Long.MIN_VALUE, 0, -1, Long.MAX_VALUE);
        assertThat(renew.leaseMillis()).isEqualTo(30_000);
        assertThat(((Operations.Renew) roundTrip(new Operations.Renew(new long[0], 1))).tokens()).isEmpty();
    }

    @Test
    void aMergeCarriesTheStateByteForByte() {
        UserState counted = new UserState();
        QuotaEngine.decide(counted, UPLOAD, QuotaLimits.defaults(), 1_767_571_200_000L, true, 99, 30_000);
        UserState back = ((Operations.Merge) roundTrip(new Operations.Merge(counted))).counted();
        assertThat(back.toBytes()).isEqualTo(counted.toBytes());
    }

    @Test
    void aDecisionTravelsInTensOfBytes() {
        byte[] acquire = OperationCodec.encode(new Operations.Acquire(QuotaRequest.request(), QuotaLimits.defaults(),
                -8_123_456_789_012_345_678L, 30_000));
        assertThat(acquire.length).isLessThanOrEqualTo(32);
    }

    @Test
    void anOperationOfTheUsersOwnHasNoCompactFormAndIsNeverSerialized() {
        StateOperation<String> own = new Greeting("hello");
        assertThat(OperationCodec.compact(own)).isFalse();
        assertThat(OperationCodec.compact(new Operations.Release(1, true))).isTrue();
        assertThatThrownBy(() -> OperationCodec.encode(own)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(Greeting.class.getName());
    }

    @Test
    void everyOperationStartsWithItsFormatVersionAndTheFormatsBeforeAreStillRead() {
        Operations.Release release = new Operations.Release(-5, true);
        byte[] bytes = OperationCodec.encode(release);
        // what members of the version before read: written in their format, so a rolling upgrade keeps working
        assertThat(bytes[0]).isEqualTo((byte) OperationCodec.VERSION_1);
        byte[] unversioned = java.util.Arrays.copyOfRange(bytes, 1, bytes.length); // as written before the version
        assertThat(OperationCodec.decode(unversioned)).isEqualTo(release);
        byte[] settle = OperationCodec.encode(new Allotments.Settle(QuotaLimits.defaults(), 0, 1,
                Allotments.Usage.NONE, Allotments.Want.NONE, 1, 6_000));
        assertThat(settle[0]).isEqualTo((byte) OperationCodec.VERSION_2);
        byte[] declared = OperationCodec.encode(new Allotments.Settle(QuotaLimits.builder().limit(
                new org.quotaware.WindowedLimit("uploads", org.quotaware.Counted.FILES, 60_000, 30, null)).build(),
                0, 1, Allotments.Usage.NONE, Allotments.Want.NONE, 1, 6_000));
        assertThat(declared[0]).isEqualTo((byte) OperationCodec.VERSION);
        bytes[0] = (byte) (OperationCodec.VERSION + 1);
        assertThatThrownBy(() -> OperationCodec.decode(bytes)).isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("format version " + (OperationCodec.VERSION + 1 - 0x20)
                        + ", this member reads up to version " + (OperationCodec.VERSION - 0x20))
                .hasMessageContaining("upgrade every member");
    }

    @Test
    void javaSerializedBytesAreNeverDeserialized() throws Exception {
        java.io.ByteArrayOutputStream serialized = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(serialized)) {
            out.writeObject(new Gadget());
        }
        byte[] bytes = new ByteWriter().putByte(OperationCodec.VERSION).putByte(11)
                .putBytes(serialized.toByteArray()).toBytes(); // the Java-serialized tag of before
        Gadget.READ.set(false);
        assertThatThrownBy(() -> OperationCodec.decode(bytes)).isExactlyInstanceOf(IllegalArgumentException.class);
        assertThat(Gadget.READ).as("a class outside the codec was instantiated").isFalse();
    }

    /** Any serializable class on the class path: reading it runs its code. */
    static final class Gadget implements java.io.Serializable {
        static final java.util.concurrent.atomic.AtomicBoolean READ = new java.util.concurrent.atomic.AtomicBoolean();

        private void readObject(java.io.ObjectInputStream in) throws java.io.IOException, ClassNotFoundException {
            in.defaultReadObject();
            READ.set(true);
        }
    }

    @Test
    void malformedBytesAreRefusedClearly() {
        byte[] acquire = OperationCodec.encode(new Operations.Check(UPLOAD, QuotaLimits.defaults()));
        assertThatThrownBy(() -> OperationCodec.decode(new byte[0]))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("end early");
        assertThatThrownBy(() -> OperationCodec.decode(new byte[] {OperationCodec.VERSION, 99}))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown operation tag 99");
        assertThatThrownBy(() -> OperationCodec.decode(java.util.Arrays.copyOf(acquire, acquire.length - 1)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("end early");
        assertThatThrownBy(() -> OperationCodec.decode(java.util.Arrays.copyOf(acquire, acquire.length + 1)))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("1 unread bytes");
        assertThatThrownBy(() -> OperationCodec.decode(new byte[] {5, 0, 0, 0, 0, 0, 0, 0, 0, 2}))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("a boolean of 2");
        assertThatThrownBy(() -> OperationCodec.decode(new byte[] {OperationCodec.VERSION, 13, 1, 0}))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown operation tag 13");
    }

    private static void assertRoundTrip(StateOperation<?> operation) {
        assertThat(roundTrip(operation)).isEqualTo(operation);
    }

    /** For operations holding arrays, which records compare by identity. */
    private static void assertRoundTripByValue(StateOperation<?> operation) {
        assertThat(roundTrip(operation)).usingRecursiveComparison().ignoringFieldsMatchingRegexes(".*derived").isEqualTo(operation);
    }

    private static StateOperation<?> roundTrip(StateOperation<?> operation) {
        return OperationCodec.decode(OperationCodec.encode(operation));
    }

    private record Greeting(String text) implements StateOperation<String> {
        @Override
        public String apply(UserState state, long nowMillis) {
            return text;
        }
    }
}
