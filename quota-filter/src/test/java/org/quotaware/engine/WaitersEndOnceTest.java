package org.quotaware.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaStatistics;
import org.quotaware.QuotaTiers;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every waiter ends exactly once, whatever the store throws at whichever step of its wait: a permit handed over is
 * delivered (never left leased and unowned), a wait past its deadline is denied, a blocked thread returns, and the
 * manager's counters come back to zero. The store throws on the Nth operation of one kind ({@link FailingStore});
 * time is the test's, and the queue is polled by hand.
 */
class WaitersEndOnceTest {

    private static final long LEASE_MILLIS = 30_000;
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final QuotaLimits TWO_SLOTS = QuotaLimits.builder().requestsPerMinute(1_000).maxConcurrentTasks(2)
            .maxQueueSize(5).maxQueueWait(WAIT).build();

    private final MutableClock clock = new MutableClock();
    private final AtomicLong nanos = new AtomicLong();
    private final FailingStore store = new FailingStore(clock, LEASE_MILLIS);
    // the poll is the test's (pollQueue): the manager's own would run only after a minute
    private final DefaultQuotaManager manager = DefaultQuotaManager.builder().store(store)
            .tiers(new QuotaTiers(TWO_SLOTS)).queuePoll(Duration.ofSeconds(60)).nanoClock(nanos::get).build();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws InterruptedException {
        manager.close();
        threads.shutdownNow();
        assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aClaimThatThrowsInAHandOverStillDeliversThePermitsItAdmittedAndTheNextPollTheRest() throws Exception {
        long[] elsewhere = holdBothSlotsOnAnotherMember();
        Future<Acquisition> blocked = threads.submit(() -> manager.acquire("alice", QuotaRequest.request()));
        awaitQueued(1);
        CompletableFuture<Acquisition> second = waitAsync();
        CompletableFuture<Acquisition> third = waitAsync();
        releaseOnTheOtherMember(elsewhere);
        store.failOn(Operations.Claim.class, 2);

        manager.pollQueue(); // admits the first waiter, then the claim for the second throws

        QuotaPermit first = (QuotaPermit) blocked.get(5, TimeUnit.SECONDS);
        assertThat(second).isNotDone();
        manager.pollQueue();
        QuotaPermit secondPermit = (QuotaPermit) second.getNow(null);
        assertThat(secondPermit).as("the second free slot, at the next poll").isNotNull();
        assertThat(manager.renewLeases()).as("the leases of two permits and one waiting place").isEqualTo(3);
        first.close();
        QuotaPermit thirdPermit = (QuotaPermit) third.get(5, TimeUnit.SECONDS);
        secondPermit.close();
        thirdPermit.close();

        assertNothingHeld();
    }

    @Test
    void anExpiryWhoseUnqueueThrowsStillDeniesEveryWaiterOnceAndThePlaceLapses() throws Exception {
        holdBothSlotsOnAnotherMember();
        CompletableFuture<Acquisition> first = waitAsync();
        Future<Acquisition> blocked = threads.submit(() -> manager.acquire("alice", QuotaRequest.request()));
        awaitQueued(2);
        CompletableFuture<Acquisition> third = waitAsync();
        store.failOn(Operations.Unqueue.class, 1);
        pass(WAIT.plusSeconds(1));

        manager.pollQueue();

        for (Acquisition a : List.of(first.getNow(null), blocked.get(5, TimeUnit.SECONDS), third.getNow(null))) {
            assertThat(a).isNotNull();
            assertThat(a.admitted()).isFalse();
            assertThat(a.result().violated(Limit.QUEUE_WAIT)).isTrue();
        }
        assertStatisticsAtZero();
        // the one place the store was not told about lapses with its lease: nobody renews it
        assertThat(manager.renewLeases()).isZero();
        clock.advance(Duration.ofMillis(LEASE_MILLIS));
        assertThat(manager.usage("alice").queued()).isZero();
    }

    @Test
    void aClaimThatThrowsWhenAWaiterArrivesLeavesItWaitingForTheNextFreedSlot() throws Exception {
        QuotaPermit one = (QuotaPermit) manager.acquire("alice", QuotaRequest.request());
        QuotaPermit two = (QuotaPermit) manager.acquire("alice", QuotaRequest.request());
        store.failOn(Operations.Claim.class, 1);

        CompletableFuture<Acquisition> waiter = waitAsync(); // the claim on its way in throws

        assertThat(waiter).isNotDone();
        one.close();
        QuotaPermit handedOver = (QuotaPermit) waiter.get(5, TimeUnit.SECONDS);
        two.close();
        handedOver.close();

        assertNothingHeld();
    }

    @Test
    void aClaimThatThrowsOnTheReleaseOfASlotLeavesTheWaiterToTheNextPoll() throws Exception {
        QuotaPermit one = (QuotaPermit) manager.acquire("alice", QuotaRequest.request());
        QuotaPermit two = (QuotaPermit) manager.acquire("alice", QuotaRequest.request());
        CompletableFuture<Acquisition> waiter = waitAsync();
        store.failOn(Operations.Claim.class, 1);

        one.close(); // the slot is given back; handing it over throws, and must not be the releasing caller's problem

        assertThat(waiter).isNotDone();
        manager.pollQueue();
        QuotaPermit handedOver = (QuotaPermit) waiter.getNow(null);
        assertThat(handedOver).isNotNull();
        two.close();
        handedOver.close();

        assertNothingHeld();
    }

    @Test
    void anAcquireThatThrowsTakesNoSlotAndNoPlace() {
        QuotaPermit one = (QuotaPermit) manager.acquire("alice", QuotaRequest.request());
        store.failOn(Operations.Acquire.class, 1);

        assertThatThrownBy(() -> manager.acquireAsync("alice", QuotaRequest.request()))
                .isInstanceOf(FailingStore.InjectedFailure.class);

        one.close();
        assertNothingHeld();
    }

    @Test
    void aReleaseThatThrowsLeavesTheWaiterToItsDeadlineAndTheSlotToItsLease() throws Exception {
        QuotaPermit one = (QuotaPermit) manager.acquire("alice", QuotaRequest.request());
        QuotaPermit two = (QuotaPermit) manager.acquire("alice", QuotaRequest.request());
        CompletableFuture<Acquisition> waiter = waitAsync();
        store.failOn(Operations.Release.class, 1);

        assertThatThrownBy(one::close).isInstanceOf(FailingStore.InjectedFailure.class);
        pass(WAIT.plusSeconds(1));
        manager.pollQueue();

        assertThat(waiter.getNow(null).result().violated(Limit.QUEUE_WAIT)).isTrue();
        two.close();
        assertStatisticsAtZero();
        assertThat(manager.renewLeases()).as("the failed release's slot is not renewed").isZero();
        clock.advance(Duration.ofMillis(LEASE_MILLIS));
        assertThat(manager.usage("alice").activeTasks()).isZero();
    }

    /** Both of alice's slots taken by permits of another member (straight in the store, as its manager would). */
    private long[] holdBothSlotsOnAnotherMember() {
        long[] tokens = {101, 102};
        for (long token : tokens) {
            Decision d = store.execute("alice", new Operations.Acquire(QuotaRequest.request(), TWO_SLOTS, token,
                    LEASE_MILLIS));
            assertThat(d.verdict()).isEqualTo(Decision.Verdict.ADMITTED);
        }
        return tokens;
    }

    private void releaseOnTheOtherMember(long[] tokens) {
        for (long token : tokens) {
            store.execute("alice", new Operations.Release(token, true));
        }
    }

    private CompletableFuture<Acquisition> waitAsync() {
        CompletableFuture<Acquisition> f = manager.acquireAsync("alice", QuotaRequest.request()).toCompletableFuture();
        assertThat(f).as("queued").isNotDone();
        return f;
    }

    private void pass(Duration d) {
        clock.advance(d);
        nanos.addAndGet(d.toNanos());
    }

    /** Waits until {@code n} requests wait and the blocked one's thread waits in the room (past its entry). */
    private void awaitQueued(long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (manager.statistics().queued() != n || !aThreadAwaits()) {
            assertThat(System.nanoTime()).as("queued never reached %d", n).isLessThan(deadline);
            Thread.sleep(2);
        }
    }

    private static boolean aThreadAwaits() {
        return Thread.getAllStackTraces().values().stream().anyMatch(stack -> {
            boolean awaits = false;
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().equals(WaitingRoom.class.getName())) {
                    if (!frame.getMethodName().equals("await")) {
                        return false; // still entering, or handed a slot
                    }
                    awaits = true;
                }
            }
            return awaits;
        });
    }

    private void assertStatisticsAtZero() {
        QuotaStatistics s = manager.statistics();
        assertThat(s.active()).as("active").isZero();
        assertThat(s.queued()).as("queued").isZero();
        assertThat(s.blocked()).as("blocked").isZero();
    }

    private void assertNothingHeld() {
        assertStatisticsAtZero();
        assertThat(manager.renewLeases()).as("leases renewed").isZero();
        assertThat(manager.usage("alice").activeTasks()).isZero();
        assertThat(manager.usage("alice").queued()).isZero();
    }
}
