package org.quotaware.hazelcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreContract;
import org.quotaware.store.AllowanceStore;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Allowances over a real two-member Hazelcast cluster, on the processor path: the store contract on one member, and
 * requests through both members at once that never admit more than a limit, and admit all of it once the members
 * have given back what they held unused.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AllowancesOnHazelcastTest {

    private static final AtomicInteger MAPS = new AtomicInteger();
    private static TestCluster cluster;

    private final MutableClock clock = new MutableClock();
    private final List<AllowanceStore> stores = new ArrayList<>();
    private final ExecutorService pool = Executors.newFixedThreadPool(32);

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("allowances", 5861, 2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        stores.forEach(AllowanceStore::close);
    }

    private static HazelcastQuotaStore hazelcast(HazelcastInstance hz, String map, MutableClock clock, int max) {
        return HazelcastQuotaStore.builder(hz).mapName(map).clock(clock).maxTrackedUsers(max).build();
    }

    private static AllowanceStore allowances(HazelcastQuotaStore remote, MutableClock clock) {
        return AllowanceStore.builder(remote).members(remote::members).manualTick()
                .nanoClock(() -> clock.millis() * 1_000_000L).build();
    }

    /** One allowance store per member on one map, each under its own manager: two instances of an application. */
    private List<DefaultQuotaManager> onBothMembers(QuotaLimits limits) {
        String map = "allowed-" + MAPS.incrementAndGet();
        List<HazelcastQuotaStore> remotes = new ArrayList<>();
        List<DefaultQuotaManager> managers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            remotes.add(hazelcast(cluster.member(i), map, clock, 1_000));
        }
        HazelcastQuotaStoreContractTest.awaitProcessor(remotes.toArray(HazelcastQuotaStore[]::new));
        for (HazelcastQuotaStore remote : remotes) {
            AllowanceStore store = allowances(remote, clock);
            stores.add(store);
            managers.add(DefaultQuotaManager.builder().store(store).tiers(new QuotaTiers(limits)).build());
        }
        return managers;
    }

    private <T> List<T> runOnBoth(List<DefaultQuotaManager> m, int n, Function<DefaultQuotaManager, T> task)
            throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            DefaultQuotaManager manager = m.get(i % 2);
            Callable<T> call = () -> {
                start.await();
                return task.apply(manager);
            };
            futures.add(pool.submit(call));
        }
        start.countDown();
        List<T> out = new ArrayList<>();
        for (Future<T> f : futures) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    /** Gives back every unused allowance: the linger passes and each member runs its upkeep. */
    private void linger() {
        clock.advance(Duration.ofSeconds(1));
        stores.forEach(AllowanceStore::maintain);
    }

    private static Acquisition upload(DefaultQuotaManager m, String user) {
        Acquisition a = m.acquire(user, QuotaRequest.upload(1, 10).withAnonymous(false));
        if (a instanceof QuotaPermit p) {
            p.close();
        }
        return a;
    }

    @Test
    void uploadsThroughBothMembersNeverPassTheLimitAndReachItOnceAllowancesAreBack() throws Exception {
        List<DefaultQuotaManager> m = onBothMembers(QuotaLimits.builder().requestsPerMinute(10_000).filesPerHour(300)
                .filesPerDay(1_000).maxConcurrentTasks(1_000).build());
        String user = TestCluster.keyOwnedBy(cluster.member(1), "erin-");
        int admitted = 0;
        for (int wave = 0; wave < 6; wave++) {
            List<Acquisition> results = runOnBoth(m, 100, manager -> upload(manager, user));
            admitted += (int) results.stream().filter(Acquisition::admitted).count();
            assertThat(admitted).as("after wave %d", wave).isLessThanOrEqualTo(300);
        }
        long local = stores.stream().mapToLong(AllowanceStore::localDecisions).sum();
        assertThat(local).as("uploads decided on allowances").isPositive();
        int beforeLinger = admitted;
        linger();
        for (int i = 0; i < 40; i++) {
            if (upload(m.get(i % 2), user).admitted()) {
                admitted++;
            }
        }
        assertThat(admitted).as("%d before the allowances went back", beforeLinger).isEqualTo(300);
        linger();
        assertThat(m.get(0).usage(user).filesPerHour()).isEqualTo(300);
    }

    @Test
    void slotsTakenThroughBothMembersNeverPassTheLimit() throws Exception {
        List<DefaultQuotaManager> m = onBothMembers(QuotaLimits.builder().requestsPerMinute(100_000)
                .maxConcurrentTasks(24).maxQueueSize(0).build());
        String user = TestCluster.keyOwnedBy(cluster.member(0), "frank-");
        // demand first, so the members hold allowances of slots when the burst comes
        for (int i = 0; i < 10; i++) {
            ((QuotaPermit) m.get(i % 2).acquire(user, QuotaRequest.request().withAnonymous(false))).close();
        }
        int threads = 32;
        CountDownLatch allTried = new CountDownLatch(threads);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger maxHeld = new AtomicInteger();
        List<Acquisition> results = runOnBoth(m, threads, manager -> {
            Acquisition a = manager.acquire(user, QuotaRequest.request().withAnonymous(false));
            if (a instanceof QuotaPermit p) {
                maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
            }
            allTried.countDown();
            try {
                allTried.await(60, TimeUnit.SECONDS); // every slot held until every thread has tried
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            if (a instanceof QuotaPermit p) {
                held.decrementAndGet();
                p.close();
            }
            return a;
        });
        long admitted = results.stream().filter(Acquisition::admitted).count();
        assertThat(maxHeld.get()).isLessThanOrEqualTo(24);
        assertThat(admitted).isLessThanOrEqualTo(24).isGreaterThan(12);
        assertThat(results.stream().filter(a -> !a.admitted()))
                .allSatisfy(a -> assertThat(a.result().violated(Limit.CONCURRENT_TASKS)).isTrue());
        linger();
        assertThat(m.get(1).usage(user).activeTasks()).as("every slot back once the allowances are").isZero();
    }

    /** The store contract on member A's allowance store, member B running the store on the same map. */
    @Nested
    class Contract extends QuotaStoreContract {
        @Override
        protected QuotaStore newStore(MutableClock clock, int maxTrackedUsers) {
            String map = "allowed-contract-" + MAPS.incrementAndGet();
            HazelcastQuotaStore remote = hazelcast(cluster.member(0), map, clock, maxTrackedUsers);
            HazelcastQuotaStoreContractTest.awaitProcessor(remote, hazelcast(cluster.member(1), map, clock,
                    maxTrackedUsers));
            return allowances(remote, clock);
        }
    }
}
