package org.quotaware.store;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.Allotments;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreContract;
import org.quotaware.spi.StateOperation;
import org.quotaware.testing.LeasedStore;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Allowances between members of one cluster, modelled as stores over one shared store whose slots are leases, on a
 * clock the test moves. The random exploration of their interleavings is {@link AllowanceModelTest}'s.
 */
class AllowanceStoreTest {

    private static final long LEASE = 30_000;
    /** Requests a second each member makes, far from the limits, in the steady-state tests. */
    private static final int RATE = 200;

    private final MutableClock clock = new MutableClock();
    private final Shared shared = new Shared(clock);
    private final List<AllowanceStore> members = new ArrayList<>();

    @AfterEach
    void closeMembers() {
        members.forEach(AllowanceStore::close);
    }

    /** The store every member decides on: in memory, its slots leases of {@link #LEASE}, its calls counted. */
    static final class Shared extends LeasedStore {
        final AtomicInteger calls = new AtomicInteger();
        final List<StateOperation<?>> seen = new ArrayList<>();
        volatile boolean down;

        Shared(MutableClock clock) {
            super(clock, 1_000, LEASE);
        }

        @Override
        protected void before(String user, StateOperation<?> operation) {
            if (down) {
                throw new IllegalStateException("the cluster does not answer");
            }
            calls.incrementAndGet();
            synchronized (seen) {
                seen.add(operation);
            }
        }

        long count(Class<?> type) {
            synchronized (seen) {
                return seen.stream().filter(type::isInstance).count();
            }
        }
    }

    private AllowanceStore member() {
        AllowanceStore m = AllowanceStore.builder(shared).members(() -> 2).manualTick()
                .nanoClock(() -> clock.millis() * 1_000_000L).build();
        members.add(m);
        return m;
    }

    private static DefaultQuotaManager manager(QuotaStore store, QuotaLimits limits) {
        return DefaultQuotaManager.builder().store(store).tiers(new QuotaTiers(limits)).build();
    }

    private static final QuotaRequest GET = new QuotaRequest(0, -1, true, null, true, false);

    /** Far from its limits, a user's steady stream on two members costs the owner well under 0.1 calls a request. */
    @Test
    void aSteadyUserFarFromItsLimitsIsDecidedLocallyAlmostAlways() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(1_000_000).maxConcurrentTasks(10_000)
                .maxQueueSize(0).build();
        AllowanceStore a = member();
        AllowanceStore b = member();
        DefaultQuotaManager ma = manager(a, limits);
        DefaultQuotaManager mb = manager(b, limits);
        int requests = 0;
        for (int ms = 0; ms < 60_000; ms += 10) { // a minute: 100 ticks of the clock a second, each member RATE/s
            clock.advance(Duration.ofMillis(10));
            for (DefaultQuotaManager m : List.of(ma, mb)) {
                for (int i = 0; i < RATE / 100; i++) {
                    ((QuotaPermit) m.acquire("bob", GET)).close();
                    requests++;
                }
            }
            if (ms % 250 == 0) {
                a.maintain();
                b.maintain();
            }
            if (ms % 10_000 == 0) {
                ma.renewLeases();
                mb.renewLeases();
            }
        }
        double perRequest = (double) shared.calls.get() / requests;
        assertThat(perRequest).as("owner calls per request (%d of %d)", shared.calls.get(), requests)
                .isLessThan(0.01);
        assertThat(a.localDecisions() + b.localDecisions()).isGreaterThan(requests * 99L / 100);
        // every unit is counted at the owner (used or still granted), never fewer than were admitted
        assertThat(ma.usage("bob").requestsPerMinute()).isGreaterThanOrEqualTo(requests);
    }

    @Test
    void aSlotOfTheAllowanceIsReleasedWithoutCallingTheOwner() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(10_000).maxConcurrentTasks(100).build();
        AllowanceStore a = member();
        DefaultQuotaManager m = manager(a, limits);
        for (int i = 0; i < 3; i++) {
            ((QuotaPermit) m.acquire("bob", GET)).close(); // demand: the third asks for an allowance
        }
        int before = shared.calls.get();
        long localBefore = a.localDecisions();
        QuotaPermit local = (QuotaPermit) m.acquire("bob", GET);
        local.close();
        assertThat(shared.calls.get()).as("calls for a decision and a release on the allowance").isEqualTo(before);
        assertThat(a.localDecisions()).isEqualTo(localBefore + 1);
    }

    @Test
    void aLocallyDecidedRequestShowsTheMembersViewOfTheLimits() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(1_000).maxConcurrentTasks(100).build();
        AllowanceStore a = member();
        DefaultQuotaManager m = manager(a, limits);
        QuotaPermit zeroth = (QuotaPermit) m.acquire("bob", GET); // the owner decides the first ones, then grants
        long previous = remaining(zeroth);
        zeroth.close();
        for (int i = 0; i < 4; i++) {
            QuotaPermit p = (QuotaPermit) m.acquire("bob", GET);
            assertThat(remaining(p)).as("request %d", i + 2).isEqualTo(previous - 1);
            previous = remaining(p);
            p.close();
        }
        assertThat(a.localDecisions()).as("some of them decided locally").isPositive();
        long localBefore = a.localDecisions();
        QuotaPermit first = (QuotaPermit) m.acquire("bob", GET);
        QuotaPermit second = (QuotaPermit) m.acquire("bob", GET);
        assertThat(a.localDecisions()).isEqualTo(localBefore + 2);
        assertThat(remaining(second)).isEqualTo(remaining(first) - 1);
        LimitStatus slots = second.result().status(Limit.CONCURRENT_TASKS);
        assertThat(slots.used()).as("this member's tasks, not its spare slots").isEqualTo(2);
        first.close();
        second.close();
    }

    private static long remaining(Acquisition a) {
        return a.result().status(Limit.REQUESTS_PER_MINUTE).remaining();
    }

    @Test
    void everyDenialComesFromTheOwnerWithItsReasons() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(40).maxConcurrentTasks(20).maxQueueSize(0)
                .build();
        AllowanceStore a = member();
        AllowanceStore b = member();
        DefaultQuotaManager ma = manager(a, limits);
        DefaultQuotaManager mb = manager(b, limits);
        int admitted = 0;
        Acquisition denied = null;
        for (int i = 0; i < 100 && denied == null; i++) {
            Acquisition x = (i % 2 == 0 ? ma : mb).acquire("bob", GET);
            if (x instanceof QuotaPermit p) {
                admitted++;
                p.close();
            } else {
                denied = x;
            }
        }
        assertThat(a.localDecisions() + b.localDecisions()).isPositive();
        assertThat(denied).isNotNull();
        assertThat(denied.result().violations()).extracting(v -> v.limit()).containsExactly(Limit.REQUESTS_PER_MINUTE);
        assertThat(denied.result().retryAfterSeconds()).isPositive();
        // units parked on a member are given back and then admit: the minute holds exactly its limit
        clock.advance(Duration.ofSeconds(2));
        a.maintain();
        b.maintain();
        for (int i = 0; i < 100; i++) {
            Acquisition x = (i % 2 == 0 ? ma : mb).acquire("bob", GET);
            if (x instanceof QuotaPermit p) {
                admitted++;
                p.close();
            }
        }
        assertThat(admitted).isEqualTo(40);
    }

    @Test
    void anUnusedAllowanceGoesBackAfterItsLingerAndTheOwnerCountsOnlyWhatWasUsed() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(1_000).maxConcurrentTasks(100).build();
        AllowanceStore a = member();
        DefaultQuotaManager m = manager(a, limits);
        for (int i = 0; i < 10; i++) {
            ((QuotaPermit) m.acquire("bob", GET)).close();
        }
        assertThat(a.localDecisions()).isPositive();
        assertThat(m.usage("bob").requestsPerMinute()).as("counting the allowance").isGreaterThan(10);
        clock.advance(Duration.ofMillis(999));
        a.maintain();
        assertThat(shared.count(Allotments.Settle.class)).as("before the linger").isZero();
        clock.advance(Duration.ofMillis(1));
        a.maintain();
        assertThat(shared.count(Allotments.Settle.class)).isEqualTo(1);
        assertThat(m.usage("bob").requestsPerMinute()).isEqualTo(10);
        assertThat(m.usage("bob").activeTasks()).isZero();
    }

    @Test
    void theSlotsOfADeadMembersAllowanceComeBackWhenItExpiresAndItsUnitsCountAWindowFromThen() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(1_000).maxConcurrentTasks(100).build();
        AllowanceStore dead = member();
        DefaultQuotaManager md = manager(dead, limits);
        for (int i = 0; i < 3; i++) {
            ((QuotaPermit) md.acquire("bob", GET)).close();
        }
        List<QuotaPermit> running = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            running.add((QuotaPermit) md.acquire("bob", GET));
        }
        assertThat(dead.localDecisions()).isEqualTo(3);
        members.remove(dead); // it dies: no release, no settlement, ever again
        DefaultQuotaManager survivor = manager(member(), limits);
        long held = survivor.usage("bob").activeTasks();
        long counted = survivor.usage("bob").requestsPerMinute();
        assertThat(held).as("its tasks' slots and its spare ones").isGreaterThanOrEqualTo(3);
        clock.advance(Duration.ofMillis(LEASE - 1));
        assertThat(survivor.usage("bob").activeTasks()).as("a millisecond before the expiry").isEqualTo(held);
        clock.advance(Duration.ofMillis(1));
        assertThat(survivor.usage("bob").activeTasks()).isZero();
        // its units: all counted as used at the expiry (it may have used them all), so counted a window from then
        assertThat(survivor.usage("bob").requestsPerMinute()).isEqualTo(counted);
        clock.advance(Duration.ofSeconds(35)); // the units the owner counted before have left the minute
        long granted = survivor.usage("bob").requestsPerMinute();
        assertThat(granted).isPositive().isLessThan(counted);
        clock.advance(Duration.ofSeconds(24));
        assertThat(survivor.usage("bob").requestsPerMinute()).as("59 s after the expiry").isEqualTo(granted);
        clock.advance(Duration.ofSeconds(6));
        assertThat(survivor.usage("bob").requestsPerMinute()).as("65 s after the expiry").isZero();
        assertThat(running).hasSize(3);
    }

    @Test
    void aDenialRememberedOnTheOwnerEndsWhenADeadMembersAllowanceExpires() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(10_000).maxConcurrentTasks(8).maxQueueSize(0)
                .build();
        AllowanceStore dead = member();
        DefaultQuotaManager md = manager(dead, limits);
        for (int i = 0; i < 3; i++) {
            ((QuotaPermit) md.acquire("bob", GET)).close();
        }
        List<QuotaPermit> running = new ArrayList<>();
        Acquisition a;
        while ((a = md.acquire("bob", GET)) instanceof QuotaPermit p) {
            running.add(p); // every slot: some on its grant, the others leases of the owner's
        }
        members.remove(dead);
        DefaultQuotaManager owner = manager(shared, limits);
        for (int i = 0; i < 3; i++) {
            assertThat(owner.acquire("bob", GET).result().violated(Limit.CONCURRENT_TASKS)).isTrue(); // remembered
        }
        clock.advance(Duration.ofMillis(LEASE));
        Acquisition after = owner.acquire("bob", GET);
        assertThat(after.admitted()).as("a slot of the expired allowance, " + running.size() + " held before").isTrue();
        ((QuotaPermit) after).close();
    }

    @Test
    void nothingIsGrantedNearALimitWhileAnyoneQueuesOrInShadowMode() {
        AllowanceStore a = member();
        DefaultQuotaManager near = manager(a, QuotaLimits.builder().requestsPerMinute(30).maxConcurrentTasks(3)
                .maxQueueSize(10).build());
        for (int i = 0; i < 6; i++) {
            ((QuotaPermit) near.acquire("alice", GET)).close();
        }
        assertThat(a.localDecisions()).as("3 slots between 2 members leave no spare one to grant").isZero();

        DefaultQuotaManager shadow = manager(a, QuotaLimits.builder().requestsPerMinute(1_000)
                .maxConcurrentTasks(100).shadow(List.of(Limit.REQUESTS_PER_MINUTE)).build());
        for (int i = 0; i < 6; i++) {
            ((QuotaPermit) shadow.acquire("carol", GET)).close();
        }
        assertThat(a.localDecisions()).isZero();
    }

    @Test
    void aMemberWhoseRequestQueuedStopsDecidingLocallyAndGivesItsAllowanceBack() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(1_000).maxConcurrentTasks(12).maxQueueSize(5)
                .build();
        AllowanceStore a = member();
        DefaultQuotaManager m = manager(a, limits);
        for (int i = 0; i < 3; i++) {
            ((QuotaPermit) m.acquire("bob", GET)).close();
        }
        List<QuotaPermit> running = new ArrayList<>();
        java.util.concurrent.CompletableFuture<Acquisition> queued;
        while (true) {
            queued = m.acquireAsync("bob", GET).toCompletableFuture();
            if (!queued.isDone()) {
                break; // this member's grant and the owner's free slots are all taken: it waits at the owner
            }
            running.add((QuotaPermit) queued.getNow(null));
        }
        assertThat(a.localDecisions()).as("decided on the allowance first").isPositive();
        running.remove(running.size() - 1).close(); // a slot comes free: of its own grant, or handed to the queue
        long localBefore = a.localDecisions();
        var second = m.acquireAsync("bob", GET).toCompletableFuture();
        assertThat(a.localDecisions()).as("not decided locally while its requests queue").isEqualTo(localBefore);
        a.maintain();
        m.pollQueue();
        List<java.util.concurrent.CompletableFuture<Acquisition>> waits = List.of(queued, second);
        long admittedWaits = waits.stream().filter(java.util.concurrent.CompletableFuture::isDone).count();
        assertThat(admittedWaits).as("the free slot goes to the first in line").isEqualTo(1);
        assertThat(queued.isDone()).isTrue();
        assertThat(m.usage("bob").activeTasks()).as("at the owner, once given back: only the slots tasks hold")
                .isEqualTo(running.size() + admittedWaits);
        running.forEach(QuotaPermit::close);
        m.pollQueue();
        for (var w : waits) {
            assertThat(w.getNow(null)).isInstanceOf(QuotaPermit.class);
            ((QuotaPermit) w.getNow(null)).close();
        }
        // the slots its tasks held on its grant, ended here, are spare ones of the grant until it lingers back
        clock.advance(Duration.ofSeconds(1));
        a.maintain();
        assertThat(m.usage("bob").activeTasks()).isZero();
    }

    @Test
    void anExchangeWithoutAnswerLosesNothingAndTheNextOneSettlesIt() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(50).maxConcurrentTasks(100).build();
        AllowanceStore a = member();
        DefaultQuotaManager m = manager(a, limits);
        int admitted = 0;
        for (int i = 0; i < 5; i++) {
            if (m.acquire("bob", GET) instanceof QuotaPermit p) {
                admitted++;
                p.close();
            }
        }
        shared.down = true;
        assertThatThrownBy(() -> {
            for (int i = 0; i < 100; i++) {
                if (m.acquire("bob", GET) instanceof QuotaPermit p) {
                    p.close();
                }
            }
        }).hasMessageContaining("does not answer");
        admitted += (int) a.localDecisions() - 3; // those decided on the allowance before the owner was needed
        shared.down = false;
        for (int i = 0; i < 200; i++) {
            if (m.acquire("bob", GET) instanceof QuotaPermit p) {
                admitted++;
                p.close();
            }
        }
        assertThat(admitted).isLessThanOrEqualTo(50);
        assertThat(m.usage("bob").requestsPerMinute()).isEqualTo(50);
    }

    @Test
    void beyondItsCapOfHoldingsAMemberSendsNewUsersToTheOwnerAndAFloodOfAddressesLeavesHalfToIdentifiedCallers() {
        AllowanceStore a = AllowanceStore.builder(shared).manualTick().maxHoldings(4)
                .nanoClock(() -> clock.millis() * 1_000_000L).build();
        members.add(a);
        DefaultQuotaManager m = manager(a, QuotaLimits.builder().requestsPerMinute(1_000).maxConcurrentTasks(100)
                .build());
        for (int i = 0; i < 100; i++) {
            ((QuotaPermit) m.acquire("ip:10.0.0." + i, QuotaRequest.request())).close();
        }
        assertThat(a.holdings()).as("anonymous callers: half the cap").isEqualTo(2);
        for (String user : List.of("bob", "carol", "dave")) {
            for (int i = 0; i < 5; i++) {
                ((QuotaPermit) m.acquire(user, GET)).close();
            }
        }
        assertThat(a.holdings()).isEqualTo(4);
        assertThat(a.localDecisions()).as("bob and carol decided on allowances, dave by the owner").isPositive();
    }

    @Test
    void closingGivesEveryAllowanceBack() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(1_000).maxConcurrentTasks(100).build();
        AllowanceStore a = member();
        DefaultQuotaManager m = manager(a, limits);
        for (int i = 0; i < 6; i++) {
            ((QuotaPermit) m.acquire("bob", GET)).close();
        }
        members.remove(a);
        a.close();
        assertThat(manager(shared, limits).usage("bob").requestsPerMinute()).isEqualTo(6);
    }

    @Test
    void aStoreWhoseSlotsNeverExpireIsRefused() {
        assertThatThrownBy(() -> AllowanceStore.builder(new InMemoryQuotaStore()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("leases");
    }

    /** The store contract, with one member deciding on allowances over a store whose slots are leases. */
    @Nested
    class Contract extends QuotaStoreContract {
        @Override
        protected QuotaStore newStore(MutableClock clock, int maxTrackedUsers) {
            return AllowanceStore.builder(new LeasedStore(clock, maxTrackedUsers, LEASE)).manualTick()
                    .nanoClock(() -> clock.millis() * 1_000_000L).build();
        }
    }
}
