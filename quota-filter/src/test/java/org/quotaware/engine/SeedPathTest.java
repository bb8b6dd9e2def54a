package org.quotaware.engine;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.quotaware.Counted;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.WindowedLimit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's three windows have a path of their own ({@link Windows#seed}: its rings named as constants, their
 * arithmetic by identity): it must decide exactly as the general path over the same windows.
 */
class SeedPathTest {

    private static final long T0 = 1_767_571_200_000L; // a bucket boundary of every window

    @Test
    void theSeedsPathDecidesAndReportsExactlyAsTheGeneralOne() {
        // the seed's limits (the seed's path); the same with a row that never binds (the general loops over the
        // seed's rings); the minute as a rule's ring and the hour and day at other places (the general arithmetic)
        QuotaLimits seed = QuotaLimits.builder().requestsPerMinute(30).filesPerHour(50).filesPerDay(200)
                .maxConcurrentTasks(3).build();
        QuotaLimits looped = seed.toBuilder()
                .limit(new WindowedLimit("spare", Counted.COST, Duration.ofHours(2), QuotaLimits.MAX_RATE)).build();
        QuotaLimits general = QuotaLimits.builder().off(org.quotaware.Limit.REQUESTS_PER_MINUTE).filesPerHour(50)
                .filesPerDay(200).maxConcurrentTasks(3)
                .limit(new WindowedLimit("rpm", Counted.REQUESTS, 60_000, 30, "all")).build();
        assertThat(Windows.of(seed).seedRows).isTrue();
        assertThat(Windows.of(looped).seed).isFalse();
        assertThat(Windows.of(general).rings).doesNotContain(SlidingWindow.MINUTE, SlidingWindow.HOUR,
                SlidingWindow.DAY);
        for (long run = 1; run <= 4; run++) {
            SplittableRandom random = new SplittableRandom(run);
            UserState a = new UserState();
            UserState b = new UserState();
            UserState c = new UserState();
            long now = T0 + random.nextLong(3_600_000);
            long admitted = 0;
            long denied = 0;
            for (int i = 0; i < 20_000; i++) {
                int kind = random.nextInt(100);
                now += kind < 80 ? random.nextLong(2_000) : kind < 98 ? random.nextLong(600_000)
                        : random.nextLong(7_200_000);
                QuotaRequest r = new QuotaRequest(random.nextInt(4), 1, random.nextBoolean(), null,
                        random.nextInt(5) != 0, false, null).withRules(Set.of("all"));
                long token = i + 1;
                Decision x = QuotaEngine.decide(a, r, seed, now, true, token, 30_000);
                Decision y = QuotaEngine.decide(b, r, looped, now, true, token, 30_000);
                Decision z = QuotaEngine.decide(c, r, general, now, true, token, 30_000);
                assertThat(y.verdict()).isEqualTo(x.verdict());
                assertThat(z.verdict()).isEqualTo(x.verdict());
                assertThat(numbers(y.limits().subList(0, 3))).isEqualTo(numbers(x.limits().subList(0, 3)));
                assertThat(numbers(z.limits().subList(0, 2))).isEqualTo(numbers(x.limits().subList(1, 3)));
                assertThat(numbers(z.limits().subList(2, 3))).isEqualTo(numbers(x.limits().subList(0, 1)));
                assertThat(a.idle(now + 1)).isEqualTo(b.idle(now + 1)).isEqualTo(c.idle(now + 1));
                if (x.verdict() == Decision.Verdict.ADMITTED) {
                    admitted++;
                } else {
                    denied++;
                }
                if (random.nextInt(3) != 0) { // most tasks end before the next request
                    QuotaEngine.release(a, token, true, Operations.Charges.NONE, now);
                    QuotaEngine.release(b, token, true, Operations.Charges.NONE, now);
                    QuotaEngine.release(c, token, true, Operations.Charges.NONE, now);
                }
            }
            assertThat(admitted).as("run %d admitted", run).isGreaterThan(1_000);
            assertThat(denied).as("run %d denied", run).isGreaterThan(1_000);
        }
    }

    /** What a status says of its window, without its name. */
    private static List<List<Long>> numbers(List<LimitStatus> statuses) {
        return statuses.stream().map(s -> List.of(s.max(), s.used(), s.remaining(), s.resetSeconds(),
                s.windowSeconds())).toList();
    }
}
