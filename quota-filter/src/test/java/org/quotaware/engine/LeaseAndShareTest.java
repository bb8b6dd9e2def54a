package org.quotaware.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;
import org.quotaware.testing.LeasedStore;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** What a store shared by several JVMs relies on: leased slots, limit shares, merging counts. */
class LeaseAndShareTest {

    private final MutableClock clock = new MutableClock();

    /** The in-memory store, but with a finite lease as a distributed store has. */
    private final QuotaStore leasing = new LeasedStore(clock, 100, 1_000);

    @Test
    void renewedLeasesKeepTheirSlotsAndAbandonedOnesComeBack() {
        DefaultQuotaManager m = DefaultQuotaManager.builder().store(leasing).tiers(new QuotaTiers(QuotaLimits.builder()
                .maxConcurrentTasks(1).maxQueueSize(0).build())).build();
        QuotaPermit held = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        for (int i = 0; i < 5; i++) {
            clock.advance(Duration.ofMillis(900));
            assertThat(m.renewLeases()).isEqualTo(1);
        }
        assertThat(m.acquire("alice", QuotaRequest.request()).result().violated(Limit.CONCURRENT_TASKS)).isTrue();
        held.close();
        assertThat(m.renewLeases()).isZero();

        // a holder that stops renewing (its member died) loses the slot once the lease runs out
        m.acquire("alice", QuotaRequest.request());
        clock.advance(Duration.ofMillis(999));
        assertThat(m.acquire("alice", QuotaRequest.request()).admitted()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(m.acquire("alice", QuotaRequest.request()).admitted()).isTrue();
    }

    @Test
    void everyWaitingPlaceIsRenewedSoAWaitLongerThanTheLeaseKeepsItsPlaceInLine() throws Exception {
        // a queue wait of 10 s on a lease of 1 s, as quotaware.cluster.slot-lease shorter than max-queue-wait
        DefaultQuotaManager m = DefaultQuotaManager.builder().store(leasing).tiers(new QuotaTiers(QuotaLimits.builder()
                .maxConcurrentTasks(1).maxQueueSize(4).maxQueueWait(Duration.ofSeconds(10)).build()))
                .queuePoll(Duration.ofSeconds(60)).nanoClock(() -> clock.millis() * 1_000_000).build();
        QuotaPermit held = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        List<CompletableFuture<Acquisition>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(m.acquireAsync("alice", QuotaRequest.request()).toCompletableFuture());
        }

        for (int tick = 0; tick < 5; tick++) {
            // what quota-cdi schedules: the renewal every third of the lease, the poll every 100 ms
            clock.advance(Duration.ofMillis(900));
            assertThat(m.renewLeases()).as("the slot and the three places").isEqualTo(4);
            m.pollQueue();
        }

        assertThat(m.usage("alice").queued()).as("places in the store after 4.5 s").isEqualTo(3);
        waiting.add(m.acquireAsync("alice", QuotaRequest.request()).toCompletableFuture()); // a newcomer, last in line
        held.close();
        for (int i = 0; i < waiting.size(); i++) {
            QuotaPermit next = (QuotaPermit) waiting.get(i).getNow(null);
            assertThat(next).as("waiter %d has the slot", i).isNotNull();
            for (CompletableFuture<Acquisition> behind : waiting.subList(i + 1, waiting.size())) {
                assertThat(behind).as("behind waiter %d", i).isNotDone();
            }
            next.close();
        }
        assertThat(m.usage("alice").queued()).isZero();
        m.close();
    }

    @Test
    void queuePlacesAreServedInArrivalOrderAndLapseWithTheirHolder() {
        QuotaLimits one = QuotaLimits.builder().maxConcurrentTasks(1).maxQueueSize(3).build();
        UserState s = new UserState();
        long t = clock.millis();
        QuotaRequest r = QuotaRequest.request();
        assertThat(QuotaEngine.decide(s, r, one, t, true, 1, 1_000).verdict()).isEqualTo(Decision.Verdict.ADMITTED);
        // two requests queue, as if on two members: 2 first, then 3
        assertThat(QuotaEngine.decide(s, r, one, t, true, 2, 1_000).verdict()).isEqualTo(Decision.Verdict.QUEUED);
        assertThat(QuotaEngine.decide(s, r, one, t, true, 3, 1_000).verdict()).isEqualTo(Decision.Verdict.QUEUED);
        assertThat(QuotaEngine.release(s, 1, true, Operations.Charges.NONE, t + 10)).isTrue();
        assertThat(QuotaEngine.claim(s, one, t + 20, 3, 1_000)).as("3 is behind 2").isFalse();
        assertThat(QuotaEngine.claim(s, one, t + 30, 2, 1_000)).isTrue();
        // 2's member dies holding the slot, 3 keeps polling (renewing its place): 3 gets the slot when 2's lease ends
        for (long at = t + 100; at < t + 1_030; at += 100) {
            assertThat(QuotaEngine.claim(s, one, at, 3, 1_000)).isFalse();
        }
        assertThat(QuotaEngine.claim(s, one, t + 1_030, 3, 1_000)).isTrue();
        // a queue place whose holder stopped polling lapses too, so it never blocks newcomers
        assertThat(QuotaEngine.decide(s, r, one, t + 1_040, true, 4, 1_000).verdict()).isEqualTo(Decision.Verdict.QUEUED);
        assertThat(s.queued(t + 2_039)).isEqualTo(1);
        assertThat(s.queued(t + 2_040)).isZero();
        assertThat(QuotaEngine.release(s, 3, true, Operations.Charges.NONE, t + 2_050)).isTrue();
        assertThat(QuotaEngine.decide(s, r, one, t + 2_060, true, 5, 1_000).verdict())
                .isEqualTo(Decision.Verdict.ADMITTED);
    }

    @Test
    void aShareDividesCountLimitsAndNeverReachesZero() {
        QuotaLimits half = QuotaLimits.defaults().share(2);
        assertThat(half.requestsPerMinute()).isEqualTo(15);
        assertThat(half.filesPerHour()).isEqualTo(25);
        assertThat(half.filesPerDay()).isEqualTo(100);
        assertThat(half.maxConcurrentTasks()).isEqualTo(1);
        assertThat(half.maxQueueSize()).isEqualTo(5);
        assertThat(half.maxFileSizeBytes()).isEqualTo(QuotaLimits.defaults().maxFileSizeBytes());
        assertThat(QuotaLimits.builder().maxConcurrentTasks(1).build().share(3).maxConcurrentTasks()).isEqualTo(1);
        assertThat(QuotaLimits.defaults().share(1)).isSameAs(QuotaLimits.defaults());
    }

    @Test
    void mergedCountsJoinTheSameWindows() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(10).off(Limit.CONCURRENT_TASKS).build();
        UserState fallback = new UserState();
        UserState main = new UserState();
        long t = clock.millis();
        for (int i = 0; i < 4; i++) {
            QuotaEngine.decide(fallback, QuotaRequest.upload(1, 1), limits, t, true, 0, QuotaEngine.NO_LEASE);
            QuotaEngine.decide(main, QuotaRequest.upload(1, 1), limits, t + 6_000, true, 0, QuotaEngine.NO_LEASE);
        }
        // merged by age, as the fallback store hands it over: drained (its time then is the drain's), then merged
        UserState drained = new Operations.Drain().apply(fallback, t + 7_000);
        assertThat(new Operations.Merge(drained).apply(main, t + 7_000)).isTrue();
        assertThat(main.used(Windows.LEGACY.rings[0], t + 7_000)).isEqualTo(8);
        assertThat(main.used(Windows.LEGACY.rings[1], t + 7_000)).isEqualTo(8);
        // the fallback's units leave with their own bucket, a bucket before the main store's
        assertThat(main.used(Windows.LEGACY.rings[0], t + 65_000)).isEqualTo(4);
        assertThat(new Operations.Export().apply(main, t)).isNotSameAs(main);
    }

    @Test
    void operationsWithLimitsCanBeGivenAShare() {
        Operations.WithLimits<Decision> op = new Operations.Acquire(QuotaRequest.request(), QuotaLimits.defaults(), 5, 9);
        StateOperation<Decision> shared = op.withLimits(op.limits().share(3));
        assertThat(((Operations.Acquire) shared).limits().requestsPerMinute()).isEqualTo(10);
        assertThat(((Operations.Acquire) shared).token()).isEqualTo(5);
    }
}
