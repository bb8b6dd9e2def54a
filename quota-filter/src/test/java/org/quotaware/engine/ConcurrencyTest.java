package org.quotaware.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;

import static org.assertj.core.api.Assertions.assertThat;

/** Many threads, exact counts: every slot and every unit is accounted for. */
class ConcurrencyTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(8);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aStormOfAcquireAndReleaseNeverExceedsNorLosesASlot() throws Exception {
        QuotaManager m = DefaultQuotaManager.builder().tiers(new QuotaTiers(QuotaLimits.builder().maxConcurrentTasks(2)
                .maxQueueSize(0).off(Limit.REQUESTS_PER_MINUTE).off(Limit.FILES_PER_HOUR).off(Limit.FILES_PER_DAY)
                .build())).build();
        String[] users = {"a", "b", "c", "d"};
        ConcurrentHashMap<String, AtomicInteger> inside = new ConcurrentHashMap<>();
        AtomicInteger worst = new AtomicInteger();
        LongAdder admitted = new LongAdder();
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int seed = t;
            futures.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < 3_000; i++) {
                    String user = users[(seed + i) % users.length];
                    if (m.acquire(user, QuotaRequest.upload(1, 1)) instanceof QuotaPermit p) {
                        admitted.increment();
                        AtomicInteger n = inside.computeIfAbsent(user, k -> new AtomicInteger());
                        worst.accumulateAndGet(n.incrementAndGet(), Math::max);
                        n.decrementAndGet();
                        if (i % 3 == 0) {
                            p.failed();
                        }
                        p.close();
                        p.close();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : futures) {
            f.get(120, TimeUnit.SECONDS);
        }
        assertThat(worst.get()).isLessThanOrEqualTo(2);
        assertThat(admitted.sum()).isPositive();
        var stats = m.statistics();
        assertThat(stats.active()).isZero();
        assertThat(stats.allowed()).isEqualTo(admitted.sum());
        assertThat(stats.allowed() + stats.denied()).isEqualTo(8 * 3_000);
        assertThat(stats.completed() + stats.failed()).isEqualTo(admitted.sum());
        for (String u : users) {
            assertThat(m.usage(u).activeTasks()).as(u).isZero();
        }
    }

    @Test
    void withTwoSlotsAndAQueueOfFourExactlySixOfEightGetThrough() throws Exception {
        QuotaManager m = DefaultQuotaManager.builder().tiers(new QuotaTiers(QuotaLimits.builder()
                .maxConcurrentTasks(2).maxQueueSize(4).maxQueueWait(java.time.Duration.ofSeconds(30))
                .requestsPerMinute(1_000).build())).build();
        AtomicInteger holding = new AtomicInteger();
        AtomicInteger worst = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        CountDownLatch everyoneArrived = new CountDownLatch(1);
        List<Future<Acquisition>> futures = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            futures.add(pool.submit(() -> {
                start.await();
                Acquisition a = m.acquire("alice", QuotaRequest.request());
                if (a instanceof QuotaPermit p) {
                    worst.accumulateAndGet(holding.incrementAndGet(), Math::max);
                    if (!p.result().queued()) {
                        everyoneArrived.await(30, TimeUnit.SECONDS); // the first two hold until all have arrived
                    }
                    holding.decrementAndGet();
                    p.close();
                }
                return a;
            }));
        }
        start.countDown();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (m.statistics().queued() < 4 || m.statistics().denied() < 2) {
            assertThat(System.nanoTime()).as("8 arrivals: 2 running, 4 queued, 2 denied").isLessThan(deadline);
            Thread.sleep(2);
        }
        everyoneArrived.countDown();
        int admitted = 0;
        int queuedThenAdmitted = 0;
        int deniedQueueFull = 0;
        for (Future<Acquisition> f : futures) {
            Acquisition a = f.get(60, TimeUnit.SECONDS);
            if (a.admitted()) {
                admitted++;
                queuedThenAdmitted += a.result().queued() ? 1 : 0;
            } else if (a.result().violated(Limit.QUEUE_SIZE)) {
                deniedQueueFull++;
            }
        }
        assertThat(admitted).isEqualTo(6);
        assertThat(queuedThenAdmitted).isEqualTo(4);
        assertThat(deniedQueueFull).isEqualTo(2);
        assertThat(worst.get()).isLessThanOrEqualTo(2);
        assertThat(m.usage("alice").activeTasks()).isZero();
        assertThat(m.usage("alice").queued()).isZero();
        assertThat(m.statistics().queued()).isZero();
        assertThat(m.statistics().active()).isZero();
    }
}
