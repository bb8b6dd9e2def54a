package org.quotaware.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;

/** The statuses a decision reads as numbers and makes into objects only when asked: exactly those built at once. */
class StatusesTest {

    private static final long T0 = 1_767_571_200_000L; // a bucket boundary of every window
    private static final QuotaLimits ALL = QuotaLimits.builder().requestsPerMinute(4).filesPerHour(3).filesPerDay(5)
            .maxConcurrentTasks(2).build();
    private static final List<QuotaLimits> LIMITS = List.of(ALL, ALL.toBuilder().off(Limit.CONCURRENT_TASKS)
            .off(Limit.FILES_PER_DAY).build(), ALL.toBuilder().off(Limit.REQUESTS_PER_MINUTE).build(),
            ALL.toBuilder().off(Limit.REQUESTS_PER_MINUTE).off(Limit.FILES_PER_HOUR).off(Limit.FILES_PER_DAY)
                    .off(Limit.CONCURRENT_TASKS).build());

    @Test
    void statusesReadWhenAskedForEqualThoseBuiltAtOnce() {
        Random random = new Random(11);
        UserState s = new UserState();
        long now = T0;
        for (int i = 0; i < 5_000; i++) {
            now += random.nextInt(400_000);
            s.advance(now);
            SlidingWindow w = Windows.LEGACY.rings[random.nextInt(3)];
            w.add(s, now, 1 + random.nextInt(3));
            if (random.nextInt(5) == 0) {
                s.slots = Leases.add(s.slots, i + 1, now + random.nextInt(10_000));
            }
            long later = now + random.nextInt(4_000_000);
            for (QuotaLimits limits : LIMITS) {
                List<LimitStatus> lazy = Statuses.of(s.in(Windows.of(limits)), limits, Windows.of(limits), later, null);
                List<LimitStatus> built = QuotaEngine.statuses(s, limits, later);
                assertThat(lazy).isEqualTo(built);
                assertThat(List.copyOf(lazy)).containsExactlyElementsOf(built);
                assertThat(lazy.hashCode()).isEqualTo(built.hashCode());
                assertThat(lazy).hasSameSizeAs(built);
            }
        }
    }
}
