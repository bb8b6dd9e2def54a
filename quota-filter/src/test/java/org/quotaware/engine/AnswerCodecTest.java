package org.quotaware.engine;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.Violation;
import org.quotaware.engine.Decision.Verdict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AnswerCodecTest {

    private static final long T0 = 1_767_571_200_000L;
    private static final List<LimitStatus> STATUSES = List.of(new LimitStatus(Limit.REQUESTS_PER_MINUTE, 30, 30, 0, 12),
            new LimitStatus(Limit.LOAD_SHED, Long.MAX_VALUE, -1, Long.MIN_VALUE, 0));

    @Test
    void decisionsSurviveTheirBytes() {
        assertRoundTrip(new Decision(Verdict.ADMITTED, List.of(), List.of(), T0));
        assertRoundTrip(new Decision(Verdict.QUEUED, List.of(), STATUSES, -1));
        assertRoundTrip(new Decision(Verdict.DENIED, List.of(new Violation(Limit.FILE_SIZE, 10, 11, Violation.NEVER),
                new Violation(Limit.QUEUE_WAIT, 0, -5, 1)), STATUSES, Long.MIN_VALUE));
        assertRoundTrip(Operations.noRoom(T0));
    }

    @Test
    void theEnginesOwnAnswersSurviveTheirBytes() {
        UserState s = new UserState();
        QuotaLimits limits = QuotaLimits.builder().maxConcurrentTasks(1).build();
        assertRoundTrip(new Operations.Acquire(QuotaRequest.upload(1, 5), limits, 7, 30_000).apply(s, T0));
        assertRoundTrip(new Operations.Acquire(QuotaRequest.upload(1, 5), limits, 8, 30_000).apply(s, T0 + 1));
        assertRoundTrip(new Operations.Inspect(limits).apply(s, T0 + 2));
        assertRoundTrip(new Operations.Unqueue(QuotaRequest.request(), 8, T0 + 1, limits).apply(s, T0 + 3));
    }

    @Test
    void listsBooleansIntegersAndNullSurviveTheirBytes() {
        assertRoundTrip(STATUSES);
        assertRoundTrip(List.of());
        assertRoundTrip(true);
        assertRoundTrip(false);
        for (int i : new int[] {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE}) {
            assertRoundTrip(i);
        }
        assertRoundTrip(null);
    }

    @Test
    void snapshotsSurviveTheirBytes() {
        assertRoundTrip(new Operations.Snapshot(0, 0, 0, 0, 0, 0, 0, 0, List.of()));
        assertRoundTrip(new Operations.Snapshot(30, 50, 200, 3, 10, Long.MAX_VALUE, Long.MIN_VALUE, T0, STATUSES));
    }

    @Test
    void aStateComesBackByteForByte() {
        UserState s = new UserState();
        QuotaEngine.decide(s, QuotaRequest.upload(2, 5), QuotaLimits.defaults(), T0, true, -3, 30_000);
        assertThat(((UserState) roundTrip(s)).toBytes()).isEqualTo(s.toBytes());
    }

    @Test
    void anotherAnswerHasNoCompactFormAndIsNeverSerialized() {
        assertThatThrownBy(() -> AnswerCodec.write(new ByteWriter(), new ArrayList<>(List.of("a", "b"))))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("no compact form");
    }

    @Test
    void anAnswerThatCannotTravelIsRefused() {
        assertThatThrownBy(() -> AnswerCodec.write(new ByteWriter(), new Object()))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("java.lang.Object");
    }

    @Test
    void malformedBytesAreRefusedClearly() {
        assertThatThrownBy(() -> read(new byte[] {42}))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown answer tag 42");
        assertThatThrownBy(() -> read(new byte[] {2, 1, 99, 0, 0, 0, 0}))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("no Limit numbered 99");
        assertThatThrownBy(() -> read(new byte[] {1, 0, 5}))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("a count of 5");
        assertThatThrownBy(() -> read(new byte[] {5, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, 0x7F}))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("an integer of");
        assertThatThrownBy(() -> read(new byte[] {5, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80,
                (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 1}))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageContaining("longer than 10 bytes");
    }

    private static void assertRoundTrip(Object answer) {
        assertThat(roundTrip(answer)).isEqualTo(answer);
    }

    private static Object roundTrip(Object answer) {
        ByteWriter out = new ByteWriter();
        AnswerCodec.write(out, answer);
        return read(out.toBytes());
    }

    private static Object read(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        Object answer = AnswerCodec.read(in);
        in.requireEnd();
        return answer;
    }
}
