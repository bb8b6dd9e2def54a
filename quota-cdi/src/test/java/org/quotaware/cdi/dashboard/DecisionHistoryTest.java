package org.quotaware.cdi.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.ArrayList;

import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.Violation;
import org.quotaware.testing.MutableClock;

class DecisionHistoryTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-01-05T00:00:00Z"));
    private final DecisionHistory history = new DecisionHistory(clock, Duration.ofSeconds(5), 4, 2);

    private static QuotaCheckResult allowed(String tier) {
        return QuotaCheckResult.allowed(tier, false, List.of());
    }

    private static QuotaCheckResult denied(String tier, Limit... limits) {
        List<Violation> v = new ArrayList<>();
        for (Limit l : limits) {
            v.add(new Violation(l, 1, 1, 1));
        }
        return QuotaCheckResult.denied(tier, v, List.of());
    }

    @Test
    void countsAdmittedAndDeniedPerTierAndDenialsPerLimitInTheCurrentBucket() {
        history.record("default", allowed("default"));
        history.record("default", allowed("default"));
        history.record("premium", allowed("premium"));
        history.record("default", denied("default", Limit.REQUESTS_PER_MINUTE, Limit.FILES_PER_HOUR));

        DecisionHistory.Bucket now = last(history.buckets());

        assertThat(now.start()).isEqualTo(Instant.parse("2026-01-05T00:00:00Z"));
        assertThat(now.allowed()).isEqualTo(Map.of("default", 2L, "premium", 1L));
        assertThat(now.denied()).isEqualTo(Map.of("default", 1L));
        assertThat(now.byReason()).isEqualTo(Map.of("rpm", 1L, "files-hour", 1L));
        assertThat(now.allowedTotal()).isEqualTo(3);
        assertThat(now.deniedTotal()).isEqualTo(1);
    }

    @Test
    void eachBucketKeepsItsOwnCountsOldestFirst() {
        history.record("default", allowed("default"));
        clock.advance(Duration.ofSeconds(5));
        history.record("default", denied("default", Limit.CONCURRENT_TASKS));
        clock.advance(Duration.ofSeconds(6));
        history.record("default", allowed("default"));
        history.record("default", allowed("default"));

        List<DecisionHistory.Bucket> buckets = history.buckets();

        assertThat(buckets).extracting(DecisionHistory.Bucket::start).containsExactly(
                Instant.parse("2026-01-04T23:59:55Z"), Instant.parse("2026-01-05T00:00:00Z"),
                Instant.parse("2026-01-05T00:00:05Z"), Instant.parse("2026-01-05T00:00:10Z"));
        assertThat(buckets).extracting(DecisionHistory.Bucket::allowedTotal).containsExactly(0L, 1L, 0L, 2L);
        assertThat(buckets).extracting(DecisionHistory.Bucket::deniedTotal).containsExactly(0L, 0L, 1L, 0L);
        assertThat(buckets.get(2).byReason()).isEqualTo(Map.of("tasks", 1L));
    }

    @Test
    void aBucketComingRoundAgainStartsFromZeroAndOlderOnesAreForgotten() {
        history.record("default", allowed("default"));
        clock.advance(Duration.ofSeconds(20)); // four buckets later: the same slot of the ring
        history.record("default", denied("default", Limit.QUEUE_SIZE));

        List<DecisionHistory.Bucket> buckets = history.buckets();

        assertThat(buckets).hasSize(4);
        assertThat(buckets).extracting(DecisionHistory.Bucket::allowedTotal).containsOnly(0L);
        assertThat(last(buckets).denied()).isEqualTo(Map.of("default", 1L));
        clock.advance(Duration.ofMinutes(10));
        assertThat(history.buckets()).allSatisfy(b -> {
            assertThat(b.allowed()).isEmpty();
            assertThat(b.denied()).isEmpty();
        });
    }

    @Test
    void tiersBeyondTheBoundCountUnderOther() {
        history.record("a", allowed("a"));
        history.record("b", allowed("b"));
        history.record("c", allowed("c"));
        history.record("d", denied("d", Limit.LOAD_SHED));
        history.record(null, allowed(null));

        DecisionHistory.Bucket now = last(history.buckets());

        assertThat(now.allowed()).isEqualTo(Map.of("a", 1L, "b", 1L, "other", 2L));
        assertThat(now.denied()).isEqualTo(Map.of("other", 1L));
    }

    @Test
    void aClockSetBackAddsToTheNewerBucketInsteadOfClearingIt() {
        history.record("default", allowed("default"));
        clock.advance(Duration.ofSeconds(20));
        history.record("default", allowed("default"));
        clock.advance(Duration.ofSeconds(-20));
        history.record("default", allowed("default"));
        clock.advance(Duration.ofSeconds(20));

        assertThat(last(history.buckets()).allowedTotal()).isEqualTo(2);
    }

    @Test
    void concurrentDecisionsAreCountedExactly() throws Exception {
        int threads = 8;
        int each = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            boolean deny = t % 2 == 0;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < each; i++) {
                    history.record("default", deny ? denied("default", Limit.REQUESTS_PER_MINUTE) : allowed("default"));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get();
        }
        pool.shutdown();

        DecisionHistory.Bucket now = last(history.buckets());
        assertThat(now.allowedTotal()).isEqualTo(4L * each);
        assertThat(now.deniedTotal()).isEqualTo(4L * each);
        assertThat(now.byReason()).isEqualTo(Map.of("rpm", 4L * each));
    }

    @Test
    void aRingOutOfRangeIsRefusedWithTheRange() {
        assertThatThrownBy(() -> new DecisionHistory(clock, Duration.ofSeconds(5), 1, 4))
                .isInstanceOf(InvalidQuotaConfigException.class).hasMessageContaining("buckets")
                .hasMessageContaining("2").hasMessageContaining("3600");
    }

    private static DecisionHistory.Bucket last(List<DecisionHistory.Bucket> buckets) {
        return buckets.get(buckets.size() - 1);
    }
}
