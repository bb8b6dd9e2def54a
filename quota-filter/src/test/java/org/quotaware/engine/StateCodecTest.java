package org.quotaware.engine;

import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StateCodecTest {

    private static final long T0 = 1_767_571_200_000L;

    @Test
    void aStateSurvivesItsBytesExactly() {
        SplittableRandom random = new SplittableRandom(7);
        UserState s = new UserState();
        QuotaLimits limits = QuotaLimits.builder().maxConcurrentTasks(3).maxQueueSize(2).build();
        long now = T0;
        for (int i = 0; i < 200; i++) {
            now += random.nextLong(60_000);
            QuotaEngine.decide(s, QuotaRequest.upload(1, 5), limits, now, true, random.nextLong(1, Long.MAX_VALUE),
                    30_000);
        }
        QuotaEngine.release(s, 0, false, Operations.Charges.NONE, now);
        UserState back = UserState.fromBytes(s.toBytes());
        assertThat(back.toBytes()).isEqualTo(s.toBytes());
        assertThat(back.advancedTo).isEqualTo(s.advancedTo);
        for (SlidingWindow w : Windows.LEGACY.rings) {
            for (int i = w.offset; i < w.offset + w.slots; i++) {
                assertThat(back.count(i)).as("counter %d", i).isEqualTo(s.count(i));
            }
        }
        for (SlidingWindow w : Windows.LEGACY.rings) {
            assertThat(back.total(w)).isEqualTo(s.total(w));
        }
        assertThat(back.slots).isEqualTo(s.slots);
        assertThat(back.waiting).isEqualTo(s.waiting);
        assertThat(back.failed).isEqualTo(1);
        assertThat(back.lastActivity).isEqualTo(s.lastActivity);
    }

    @Test
    void anActiveUsersStateIsSmall() {
        UserState s = new UserState();
        QuotaLimits limits = QuotaLimits.defaults();
        for (int i = 0; i < 30; i++) {
            QuotaEngine.decide(s, QuotaRequest.upload(1, 5).withConcurrent(false), limits, T0 + i * 1_000L, true, 0,
                    QuotaEngine.NO_LEASE);
        }
        // 51 window counters, most of them zero (one byte each), plus the header and the counters
        assertThat(s.toBytes().length).isLessThanOrEqualTo(80);
    }

    @Test
    void foreignBytesAreRefused() {
        assertThatThrownBy(() -> UserState.fromBytes(new byte[] {9, 1, 2})).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aStateWithoutAllowancesIsWrittenInTheFormatEarlierMembersReadAndOneWithThemInTheNext() {
        UserState s = new UserState();
        QuotaEngine.decide(s, QuotaRequest.upload(1, 5), QuotaLimits.defaults(), T0, true, 11, 30_000);
        assertThat(s.toBytes()[0]).isEqualTo((byte) 1);
        s.allowances = Allowances.add(Allowances.add(s.allowances, 7, T0 + 30_000, 2, 6), -3, T0 + 1, 0, 6);
        s.allowances[Allowances.UNITS] = 12;
        s.allowances[6 + Allowances.UNITS + 2] = Integer.MAX_VALUE;
        byte[] bytes = s.toBytes();
        assertThat(bytes[0]).isEqualTo((byte) 2);
        UserState back = UserState.fromBytes(bytes);
        assertThat(back.allowances).containsExactly(s.allowances);
        assertThat(back.toBytes()).isEqualTo(bytes);
        assertThat(back.slots).isEqualTo(s.slots);
    }

    /** Item 12 of issue 20: bytes from another member are checked before anything is allocated for them. */
    @Test
    void aStateClaimingAMillionLeasesInAFewBytesIsRefusedWithoutAllocatingForThem() {
        ByteWriter forged = new ByteWriter().putByte(1).putLong(T0);
        for (int i = 0; i < Windows.LEGACY.counters; i++) {
            forged.putVarint(0);
        }
        byte[] bytes = forged.putVarint(1_000_000).putLong(1).putLong(T0).toBytes();
        assertThat(refusal(() -> UserState.fromBytes(bytes))).hasMessageContaining("a count of 1000000");
    }

    @Test
    void impossibleTimesTokensAndLeasesAreRefused() {
        UserState s = new UserState();
        QuotaEngine.decide(s, QuotaRequest.request(), QuotaLimits.defaults(), T0, true, 11, 30_000);
        byte[] good = s.toBytes();
        int slot = good.length - 8 - 1 - 1 - 1 - 16; // the one slot: before waiting, completed, failed, lastActivity
        assertThat(java.nio.ByteBuffer.wrap(good, slot, 8).getLong()).isEqualTo(11);
        byte[] zeroToken = good.clone();
        java.nio.ByteBuffer.wrap(zeroToken, slot, 8).putLong(0);
        assertThat(refusal(() -> UserState.fromBytes(zeroToken))).hasMessageContaining("a token of 0");
        byte[] pastExpiry = good.clone();
        java.nio.ByteBuffer.wrap(pastExpiry, slot + 8, 8).putLong(-5);
        assertThat(refusal(() -> UserState.fromBytes(pastExpiry))).hasMessageContaining("a lease expiry of -5");
        byte[] negativeTime = good.clone();
        java.nio.ByteBuffer.wrap(negativeTime, 1, 8).putLong(-1);
        assertThat(refusal(() -> UserState.fromBytes(negativeTime))).hasMessageContaining("the state's time of -1");
    }

    /**
     * The exception {@code decode} refuses its bytes with, asserting its second run allocated less than 64 KiB on the
     * way (the exception and its stack trace included): a count is checked against the bytes left before anything is
     * made.
     */
    static IllegalArgumentException refusal(Runnable decode) {
        try {
            decode.run(); // once unmeasured: the first run loads classes and links string concatenation
        } catch (IllegalArgumentException expected) {
            // measured below
        }
        long before = allocated();
        try {
            decode.run();
        } catch (IllegalArgumentException e) {
            assertThat(allocated() - before).as("bytes allocated to refuse it").isLessThan(64 * 1024);
            return e;
        }
        throw new AssertionError("decoded without complaint");
    }

    private static long allocated() {
        return ((com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean())
                .getThreadAllocatedBytes(Thread.currentThread().getId());
    }
}
