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
        QuotaEngine.release(s, 0, false, now);
        UserState back = UserState.fromBytes(s.toBytes());
        assertThat(back.toBytes()).isEqualTo(s.toBytes());
        assertThat(back.advancedTo).isEqualTo(s.advancedTo);
        for (int i = 0; i < SlidingWindow.TOTAL_SLOTS; i++) {
            assertThat(back.count(i)).as("counter %d", i).isEqualTo(s.count(i));
        }
        for (SlidingWindow w : SlidingWindow.all()) {
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
}
