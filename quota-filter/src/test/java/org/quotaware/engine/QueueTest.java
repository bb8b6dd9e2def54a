package org.quotaware.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.Violation;

import static org.assertj.core.api.Assertions.assertThat;

/** The bounded per-user queue. Waits here are for a slot (real threads), never for a time window. */
class QueueTest {

    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private static QuotaManager manager(int slots, int queue, Duration wait) {
        return DefaultQuotaManager.builder().tiers(new QuotaTiers(QuotaLimits.builder().maxConcurrentTasks(slots)
                .maxQueueSize(queue).maxQueueWait(wait).requestsPerMinute(1_000).build())).build();
    }

    /** Waits until the manager reports {@code n} waiting requests, so the test controls arrival order. */
    private static void awaitQueued(QuotaManager m, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (m.statistics().queued() != n) {
            assertThat(System.nanoTime()).as("queued never reached %d", n).isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    @Test
    void slotsAreHandedOverInArrivalOrder() throws Exception {
        QuotaManager m = manager(1, 5, Duration.ofSeconds(20));
        QuotaPermit held = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        List<Future<Acquisition>> waiting = new ArrayList<>();
        List<Integer> order = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < 4; i++) {
            int id = i;
            waiting.add(pool.submit(() -> {
                Acquisition a = m.acquire("alice", QuotaRequest.request());
                order.add(id);
                if (a instanceof QuotaPermit p) {
                    assertThat(p.result().queued()).isTrue();
                    p.close();
                }
                return a;
            }));
            awaitQueued(m, i + 1);
        }
        assertThat(m.usage("alice").queued()).isEqualTo(4);
        held.close();
        for (Future<Acquisition> f : waiting) {
            assertThat(f.get(10, TimeUnit.SECONDS).admitted()).isTrue();
        }
        assertThat(order).containsExactly(0, 1, 2, 3);
        assertThat(m.statistics().queued()).isZero();
        assertThat(m.usage("alice").activeTasks()).isZero();
        assertThat(m.usage("alice").queued()).isZero();
    }

    @Test
    void aFullQueueDeniesAtOnceWithItsOwnReason() throws Exception {
        QuotaManager m = manager(1, 1, Duration.ofSeconds(20));
        QuotaPermit held = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        Future<Acquisition> waiter = pool.submit(() -> m.acquire("alice", QuotaRequest.request()));
        awaitQueued(m, 1);
        Acquisition denied = m.acquire("alice", QuotaRequest.request());
        assertThat(denied.result().violations()).extracting(Violation::limit)
                .containsExactly(Limit.CONCURRENT_TASKS, Limit.QUEUE_SIZE);
        held.close();
        ((QuotaPermit) waiter.get(10, TimeUnit.SECONDS)).close();
    }

    @Test
    void aRequestThatWaitsTooLongIsDeniedAndStaysCountedButGetsItsFilesBack() {
        QuotaManager m = manager(1, 3, Duration.ofMillis(150));
        QuotaPermit held = (QuotaPermit) m.acquire("alice", QuotaRequest.upload(1, 1));
        Acquisition late = m.acquire("alice", QuotaRequest.upload(1, 1));
        assertThat(late.result().violations()).singleElement().satisfies(v -> {
            assertThat(v.limit()).isEqualTo(Limit.QUEUE_WAIT);
            assertThat(v.max()).isEqualTo(150);
            assertThat(v.current()).isGreaterThanOrEqualTo(150);
        });
        var usage = m.usage("alice");
        assertThat(usage.requestsPerMinute()).as("a request that waited was a request").isEqualTo(2);
        assertThat(usage.filesPerHour()).as("its file was never uploaded").isEqualTo(1);
        assertThat(usage.queued()).isZero();
        assertThat(m.statistics().queued()).isZero();
        held.close();
    }

    @Test
    void waitingForOneUserNeverBlocksAnother() throws Exception {
        QuotaManager m = manager(1, 2, Duration.ofSeconds(20));
        QuotaPermit held = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        Future<Acquisition> waiter = pool.submit(() -> m.acquire("alice", QuotaRequest.request()));
        awaitQueued(m, 1);
        Future<Acquisition> bob = pool.submit(() -> m.acquire("bob", QuotaRequest.request()));
        QuotaPermit bobs = (QuotaPermit) bob.get(2, TimeUnit.SECONDS);
        assertThat(bobs.result().queued()).isFalse();
        bobs.close();
        held.close();
        ((QuotaPermit) waiter.get(10, TimeUnit.SECONDS)).close();
    }

    @Test
    void aNewcomerNeverOvertakesTheQueue() throws Exception {
        QuotaManager m = manager(1, 2, Duration.ofSeconds(20));
        QuotaPermit held = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        Future<Acquisition> first = pool.submit(() -> m.acquire("alice", QuotaRequest.request()));
        awaitQueued(m, 1);
        // while one request waits, even a free slot goes to the queue first
        assertThat(m.check("alice", QuotaRequest.request()).queued()).isTrue();
        held.close();
        QuotaPermit firsts = (QuotaPermit) first.get(10, TimeUnit.SECONDS);
        assertThat(m.check("alice", QuotaRequest.request()).queued()).isTrue();
        firsts.close();
        assertThat(m.check("alice", QuotaRequest.request()).queued()).isFalse();
    }

    @Test
    void theSystemQueueBoundsWaitersOfAllUsers() throws Exception {
        QuotaManager m = manager(1, 5, Duration.ofSeconds(20));
        m.systemLimits(new SystemLimits(QuotaLimits.OFF, 1));
        QuotaPermit a = (QuotaPermit) m.acquire("a", QuotaRequest.request());
        QuotaPermit b = (QuotaPermit) m.acquire("b", QuotaRequest.request());
        Future<Acquisition> waiter = pool.submit(() -> m.acquire("a", QuotaRequest.request()));
        awaitQueued(m, 1);
        Acquisition denied = m.acquire("b", QuotaRequest.request());
        assertThat(denied.result().violations()).extracting(Violation::limit).containsExactly(Limit.SYSTEM_QUEUE_SIZE);
        assertThat(m.usage("b").queued()).isZero();
        a.close();
        b.close();
        ((QuotaPermit) waiter.get(10, TimeUnit.SECONDS)).close();
        assertThat(m.statistics().active()).isZero();
    }

    @Test
    void closingTheManagerDeniesWaiters() throws Exception {
        QuotaManager m = manager(1, 2, Duration.ofSeconds(30));
        QuotaPermit held = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        Future<Acquisition> waiter = pool.submit(() -> m.acquire("alice", QuotaRequest.request()));
        awaitQueued(m, 1);
        m.close();
        assertThat(waiter.get(10, TimeUnit.SECONDS).admitted()).isFalse();
        held.close();
        assertThat(m.statistics().active()).isZero();
    }

    /**
     * A request that passed the closed check just before {@code close()} and queues just after it is still denied at
     * once, not left waiting for its whole queue wait. The waiter is counted before it is registered, so each round
     * closes the manager inside that gap or near it.
     */
    @Test
    void aWaiterQueueingWhileTheManagerClosesIsDenied() throws Exception {
        for (int round = 0; round < 200; round++) {
            QuotaManager m = manager(1, 2, Duration.ofSeconds(60));
            QuotaPermit held = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
            Future<Acquisition> waiter = pool.submit(() -> m.acquire("alice", QuotaRequest.request()));
            while (m.statistics().queued() == 0 && !waiter.isDone()) {
                Thread.onSpinWait();
            }
            m.close();
            assertThat(waiter.get(10, TimeUnit.SECONDS).admitted()).as("round %d", round).isFalse();
            held.close();
            assertThat(m.statistics().active()).isZero();
            assertThat(m.statistics().queued()).isZero();
        }
    }
}
