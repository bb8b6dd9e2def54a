package org.quotaware.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.Violation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Waiting without a thread: {@link DefaultQuotaManager#acquireAsync} parks a request as a future, handed its slot by a
 * release or ended by the poll. Time is the test's: the deadline clock is injected and the poll is run by hand.
 */
class WaitingRoomTest {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    /** Records that the manager asked for its poll, and never runs it: the test calls {@code pollQueue()}. */
    private final ScheduledThreadPoolExecutor noPoll = new ScheduledThreadPoolExecutor(1) {
        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                         TimeUnit unit) {
            return null;
        }
    };
    private final ExecutorService pool = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        noPoll.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    private DefaultQuotaManager manager(QuotaTiers tiers, SystemLimits system) {
        return DefaultQuotaManager.builder().tiers(tiers).systemLimits(system).nanoClock(nanos::get)
                .scheduler(noPoll).build();
    }

    private DefaultQuotaManager manager(int slots, int queue, Duration wait) {
        return manager(new QuotaTiers(limits(slots, queue, wait)), SystemLimits.DEFAULTS);
    }

    private static QuotaLimits limits(int slots, int queue, Duration wait) {
        return QuotaLimits.builder().maxConcurrentTasks(slots).maxQueueSize(queue).maxQueueWait(wait)
                .requestsPerMinute(100_000).build();
    }

    private static QuotaPermit permit(CompletableFuture<Acquisition> f) {
        assertThat(f).isDone();
        return (QuotaPermit) f.join();
    }

    private static CompletableFuture<Acquisition> async(DefaultQuotaManager m, String user) {
        return m.acquireAsync(user, QuotaRequest.request()).toCompletableFuture();
    }

    @Test
    void hundredsOfWaitsHoldNoThreadAndAreHandedOverInArrivalOrder() {
        DefaultQuotaManager m = manager(1, 500, Duration.ofSeconds(30));
        QuotaPermit held = permit(async(m, "alice"));
        List<CompletableFuture<Acquisition>> waits = new ArrayList<>();
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            int id = i;
            CompletableFuture<Acquisition> f = async(m, "alice");
            f.thenAccept(a -> order.add(id));
            waits.add(f);
        }
        // every one of them waits, on this one thread
        assertThat(waits).noneMatch(CompletableFuture::isDone);
        assertThat(m.statistics().queued()).isEqualTo(500);
        assertThat(m.statistics().blocked()).isZero();
        assertThat(m.usage("alice").queued()).isEqualTo(500);

        held.close();
        for (int i = 0; i < 500; i++) {
            QuotaPermit p = permit(waits.get(i));
            assertThat(p.result().queued()).isTrue();
            if (i + 1 < 500) {
                assertThat(waits.get(i + 1)).as("one slot, one waiter at a time").isNotDone();
            }
            p.close(); // hands the slot to the next in line, on this thread
        }
        assertThat(order).hasSize(500).isSorted();
        assertThat(m.statistics().queued()).isZero();
        assertThat(m.statistics().active()).isZero();
        assertThat(m.usage("alice").activeTasks()).isZero();
        assertThat(m.usage("alice").queued()).isZero();
    }

    @Test
    void aWaitEndsAtItsDeadlineStaysCountedAndFreesItsPlace() {
        DefaultQuotaManager m = manager(1, 1, Duration.ofSeconds(30));
        QuotaPermit held = permit(async(m, "alice"));
        CompletableFuture<Acquisition> late = m.acquireAsync("alice", QuotaRequest.upload(1, 10))
                .toCompletableFuture();

        nanos.addAndGet(Duration.ofSeconds(30).toNanos() - 1);
        m.pollQueue();
        assertThat(late).as("one nanosecond before its deadline").isNotDone();

        nanos.addAndGet(1);
        m.pollQueue();
        assertThat(late.join().result().violations()).singleElement().satisfies(v -> {
            assertThat(v.limit()).isEqualTo(Limit.QUEUE_WAIT);
            assertThat(v.max()).isEqualTo(30_000);
            assertThat(v.current()).isEqualTo(30_000);
        });
        var usage = m.usage("alice");
        assertThat(usage.requestsPerMinute()).as("the wait was a request: it stays counted").isEqualTo(2);
        assertThat(usage.filesPerHour()).as("its file was never uploaded").isZero();
        assertThat(usage.queued()).isZero();
        assertThat(m.statistics().queued()).isZero();
        // its place is free again: the next request may queue
        assertThat(async(m, "alice")).isNotDone();
        held.close();
    }

    @Test
    void aCancelledWaitLeavesAtOnceAndASlotHandedToItIsGivenBack() {
        DefaultQuotaManager m = manager(1, 2, Duration.ofSeconds(30));
        QuotaPermit held = permit(async(m, "alice"));
        CompletableFuture<Acquisition> gone = async(m, "alice");
        CompletableFuture<Acquisition> next = async(m, "alice");

        assertThat(gone.cancel(false)).isTrue();
        assertThat(m.statistics().queued()).isEqualTo(1);
        assertThat(m.usage("alice").queued()).isEqualTo(1);

        held.close();
        permit(next).close();
        assertThat(m.statistics().active()).isZero();
        assertThat(m.usage("alice").activeTasks()).isZero();
        assertThat(m.usage("alice").queued()).isZero();
    }

    @Test
    void blockedWaitsAreCappedAndAsyncWaitsAreNot() throws Exception {
        DefaultQuotaManager m = manager(new QuotaTiers(limits(1, 10, Duration.ofSeconds(30))),
                new SystemLimits(QuotaLimits.OFF, 10, 1));
        QuotaPermit held = permit(async(m, "alice"));
        Future<Acquisition> blocking = pool.submit(() -> m.acquire("alice", QuotaRequest.request()));
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (m.statistics().blocked() != 1) {
            assertThat(System.nanoTime()).as("the blocking wait never started").isLessThan(until);
            Thread.onSpinWait();
        }

        Acquisition refused = m.acquire("alice", QuotaRequest.request());
        assertThat(refused.result().violations()).singleElement().isEqualTo(
                new Violation(Limit.SYSTEM_BLOCKED_WAITS, 1, 1, 1));
        assertThat(m.usage("alice").requestsPerMinute()).as("denied before it waited: not counted").isEqualTo(2);
        CompletableFuture<Acquisition> parked = async(m, "alice");
        assertThat(parked).isNotDone();
        assertThat(m.statistics().queued()).isEqualTo(2);

        held.close();
        ((QuotaPermit) blocking.get(10, TimeUnit.SECONDS)).close();
        permit(parked).close();
        assertThat(m.statistics().blocked()).isZero();
        assertThat(m.statistics().queued()).isZero();
        assertThat(m.statistics().active()).isZero();
    }

    @Test
    void whenThisInstanceIsShortOfSlotsTheHighestTierWaitingGetsTheFreedOneFirst() {
        QuotaTiers tiers = new QuotaTiers(limits(2, 5, Duration.ofSeconds(30)))
                .define("anonymous", limits(1, 5, Duration.ofSeconds(30)))
                .define("premium", limits(1, 5, Duration.ofSeconds(30)));
        DefaultQuotaManager m = manager(tiers, new SystemLimits(4, 100));
        QuotaRequest anonymous = QuotaRequest.request().withTier("anonymous");
        QuotaRequest premium = QuotaRequest.request().withTier("premium");
        QuotaPermit x1 = permit(async(m, "x"));
        QuotaPermit x2 = permit(async(m, "x"));
        QuotaPermit a1 = (QuotaPermit) m.acquireAsync("203.0.113.7", anonymous).toCompletableFuture().join();
        QuotaPermit p1 = (QuotaPermit) m.acquireAsync("bob", premium).toCompletableFuture().join();
        CompletableFuture<Acquisition> anonymousWait = m.acquireAsync("203.0.113.7", anonymous).toCompletableFuture();
        CompletableFuture<Acquisition> premiumWait = m.acquireAsync("bob", premium).toCompletableFuture();

        // the instance shrinks (the scaler lowered it): both users' own slots free up, the instance's do not
        m.systemLimits(new SystemLimits(2, 100));
        a1.close();
        p1.close();
        assertThat(anonymousWait).isNotDone();
        assertThat(premiumWait).isNotDone();

        x1.close();
        assertThat(premiumWait).as("premium arrived later but ranks higher").isDone();
        assertThat(anonymousWait).isNotDone();
        x2.close();
        permit(anonymousWait).close();
        permit(premiumWait).close();
        assertThat(m.statistics().active()).isZero();
        assertThat(m.statistics().queued()).isZero();
    }

    /**
     * The hand-over and the deadline race for the same waiter: whichever wins, the waiter has exactly one outcome and
     * no slot or place is left behind.
     */
    @Test
    void aHandOverRacingTheDeadlineGivesOneOutcomeAndLeaksNothing() throws Exception {
        DefaultQuotaManager m = manager(1, 2, Duration.ofSeconds(5));
        int admitted = 0;
        int expired = 0;
        for (int round = 0; round < 500; round++) {
            QuotaPermit held = permit(async(m, "alice"));
            CompletableFuture<Acquisition> wait = async(m, "alice");
            nanos.addAndGet(Duration.ofSeconds(5).toNanos());
            CountDownLatch go = new CountDownLatch(1);
            Future<?> release = pool.submit(() -> {
                go.await();
                held.close();
                return null;
            });
            Future<?> poll = pool.submit(() -> {
                go.await();
                m.pollQueue();
                return null;
            });
            go.countDown();
            release.get(10, TimeUnit.SECONDS);
            poll.get(10, TimeUnit.SECONDS);
            Acquisition outcome = wait.get(10, TimeUnit.SECONDS);
            if (outcome instanceof QuotaPermit p) {
                admitted++;
                p.close();
            } else {
                expired++;
                assertThat(outcome.result().violations()).extracting(Violation::limit)
                        .containsExactly(Limit.QUEUE_WAIT);
            }
            assertThat(m.statistics().active()).as("round %d", round).isZero();
            assertThat(m.statistics().queued()).as("round %d", round).isZero();
            assertThat(m.usage("alice").activeTasks()).as("round %d", round).isZero();
            assertThat(m.usage("alice").queued()).as("round %d", round).isZero();
        }
        assertThat(admitted + expired).isEqualTo(500);
    }

    @Test
    void closingDeniesEveryParkedWait() {
        DefaultQuotaManager m = manager(1, 3, Duration.ofSeconds(30));
        QuotaPermit held = permit(async(m, "alice"));
        List<CompletableFuture<Acquisition>> waits = List.of(async(m, "alice"), async(m, "alice"));
        m.close();
        assertThat(waits).allSatisfy(w -> assertThat(w.join().admitted()).isFalse());
        held.close();
        assertThat(m.statistics().active()).isZero();
        assertThat(m.statistics().queued()).isZero();
    }
}
