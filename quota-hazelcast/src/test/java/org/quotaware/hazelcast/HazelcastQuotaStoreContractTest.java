package org.quotaware.hazelcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.partition.PartitionService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreContract;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on member A of a real two-member cluster, and decisions made through both members at once. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HazelcastQuotaStoreContractTest extends QuotaStoreContract {

    private static final AtomicInteger MAPS = new AtomicInteger();
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("contract", 5801, 2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private String mapName;
    /** The map of the last {@link #onBothMembers}. */
    private String bothMap;

    /**
     * The store on member A, with its real 30 s slot lease (the suite renews leases while it moves the clock), on the
     * processor path: member B runs the store on the same map too, as every member of a cluster runs the application.
     */
    @Override
    protected QuotaStore newStore(MutableClock clock, int maxTrackedUsers) {
        mapName = "contract-" + MAPS.incrementAndGet();
        HazelcastQuotaStore store = store(cluster.member(0), mapName, clock, maxTrackedUsers);
        awaitProcessor(store, store(cluster.member(1), mapName, clock, maxTrackedUsers));
        return store;
    }

    private static HazelcastQuotaStore store(HazelcastInstance hz, String map, MutableClock clock, int maxTracked) {
        return HazelcastQuotaStore.builder(hz).mapName(map).clock(clock).maxTrackedUsers(maxTracked).build();
    }

    /** Until each store has heard every member announce that it loads the processor (an event, asynchronous). */
    static void awaitProcessor(HazelcastQuotaStore... stores) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (HazelcastQuotaStore store : stores) {
            while (!store.decidesByProcessor()) {
                assertThat(System.nanoTime()).as("the store takes the processor path").isLessThan(deadline);
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
    }

    /** Two managers, one per member, on one map: as two application instances of a cluster. */
    private List<QuotaManager> onBothMembers(QuotaLimits limits) {
        String map = "both-" + MAPS.incrementAndGet();
        bothMap = map;
        List<QuotaManager> managers = new ArrayList<>();
        List<HazelcastQuotaStore> stores = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            stores.add(store(cluster.member(i), map, clock, 1_000));
            managers.add(DefaultQuotaManager.builder().store(stores.get(i)).tiers(new QuotaTiers(limits)).build());
        }
        awaitProcessor(stores.toArray(HazelcastQuotaStore[]::new));
        return managers;
    }

    @Test
    void decisionsThroughBothMembersAdmitExactlyTheLimit() throws Exception {
        List<QuotaManager> m = onBothMembers(QuotaLimits.builder().requestsPerMinute(40).filesPerHour(25)
                .off(Limit.CONCURRENT_TASKS).build());
        String user = TestCluster.keyOwnedBy(cluster.member(1), "carol-");
        List<Acquisition> results = runOnBoth(m, 200, manager -> {
            Acquisition a = manager.acquire(user, QuotaRequest.upload(1, 10));
            if (a instanceof QuotaPermit p) {
                p.close();
            }
            return a;
        });
        assertThat(results.stream().filter(Acquisition::admitted)).hasSize(25);
        assertThat(results.stream().filter(a -> a.result().violated(Limit.FILES_PER_HOUR))).hasSize(175);
        assertThat(m.get(0).usage(user).filesPerHour()).isEqualTo(25);
        assertThat(m.get(1).usage(user).requestsPerMinute()).isEqualTo(25);

        List<Acquisition> requests = runOnBoth(m, 100, manager -> manager.acquire(user, QuotaRequest.request()));
        assertThat(requests.stream().filter(Acquisition::admitted)).hasSize(40 - 25);
        assertThat(m.get(0).usage(user).requestsPerMinute()).isEqualTo(40);
    }

    @Test
    void slotsTakenThroughBothMembersAreExact() throws Exception {
        List<QuotaManager> m = onBothMembers(QuotaLimits.builder().maxConcurrentTasks(3).maxQueueSize(0)
                .off(Limit.REQUESTS_PER_MINUTE).build());
        String user = TestCluster.keyOwnedBy(cluster.member(0), "dave-");
        CountDownLatch allTried = new CountDownLatch(40);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger maxHeld = new AtomicInteger();
        List<Acquisition> results = runOnBoth(m, 40, manager -> {
            Acquisition a = manager.acquire(user, QuotaRequest.request());
            if (a instanceof QuotaPermit p) {
                maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                allTried.countDown();
                allTried.await(60, TimeUnit.SECONDS); // hold the slot until every thread has tried
                held.decrementAndGet();
                p.close();
            } else {
                allTried.countDown();
            }
            return a;
        });
        assertThat(results.stream().filter(Acquisition::admitted)).hasSize(3);
        assertThat(results.stream().filter(a -> a.result().violated(Limit.CONCURRENT_TASKS))).hasSize(37);
        assertThat(maxHeld.get()).isEqualTo(3);
        assertThat(m.get(1).usage(user).activeTasks()).isZero();
    }

    @Test
    void aReleaseDoesNotWaitForTheEntrysOwner() throws Exception {
        List<QuotaManager> m = onBothMembers(QuotaLimits.builder().maxConcurrentTasks(1).maxQueueSize(0)
                .off(Limit.REQUESTS_PER_MINUTE).build());
        String user = TestCluster.keyOwnedBy(cluster.member(1), "frank-");
        QuotaPermit permit = (QuotaPermit) m.get(0).acquire(user, QuotaRequest.request());
        // the owner's partition thread for the user is busy until the test says so
        CountDownLatch busy = new CountDownLatch(1);
        Blocker.release = new CountDownLatch(1);
        Blocker.running = busy;
        cluster.member(1).<String, byte[]>getMap(bothMap).submitToKey(user, new Blocker());
        assertThat(busy.await(10, TimeUnit.SECONDS)).isTrue();
        ExecutorService caller = Executors.newSingleThreadExecutor();
        try {
            // the release returns while the owner cannot have run it: it waited for no answer
            caller.submit(permit::close).get(10, TimeUnit.SECONDS);
            assertThat(Blocker.release.getCount()).as("the owner is still busy").isEqualTo(1);
            // the next decision, sent after the release, runs after it on the owner: the slot is free for it
            Future<Acquisition> next = caller.submit(() -> m.get(0).acquire(user, QuotaRequest.request()));
            Blocker.release.countDown();
            assertThat(next.get(10, TimeUnit.SECONDS).admitted()).as("the slot the release freed").isTrue();
        } finally {
            Blocker.release.countDown();
            caller.shutdownNow();
        }
        assertThat(m.get(1).usage(user).activeTasks()).isEqualTo(1);
    }

    /** Holds the partition thread of its key until {@link #release} opens; no backup (it writes nothing). */
    static final class Blocker implements com.hazelcast.map.EntryProcessor<String, byte[], Object> {
        static volatile CountDownLatch release;
        static volatile CountDownLatch running;

        @Override
        public Object process(Map.Entry<String, byte[]> entry) {
            running.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return null;
        }

        @Override
        public com.hazelcast.map.EntryProcessor<String, byte[], Object> getBackupProcessor() {
            return null;
        }
    }

    @Test
    void anIdleUserLeavesNoEntryInTheCluster() {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(5).build());
        ((QuotaPermit) m.acquire("erin", QuotaRequest.request())).close();
        assertThat(cluster.member(1).getMap(mapName).size()).isEqualTo(1);
        clock.advance(java.time.Duration.ofSeconds(65));
        m.usage("erin"); // the next operation finds the state idle and removes it
        assertThat(cluster.member(1).getMap(mapName).size()).isZero();
    }

    /**
     * Abandoned entries leave by the map's max-idle, not by a time-to-live written on every operation, and the map
     * keeps no statistics (nothing reads them; the map proxy would time every call). The announcements never expire.
     */
    @Test
    void entriesExpireByTheMapsMaxIdleAndTheMapKeepsNoStatistics() {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(5).build());
        ((QuotaPermit) m.acquire("gail", QuotaRequest.request())).close();
        com.hazelcast.core.EntryView<String, byte[]> entry = cluster.member(1).<String, byte[]>getMap(mapName)
                .getEntryView("gail");
        assertThat(entry.getTtl()).as("no time-to-live of its own").isEqualTo(Long.MAX_VALUE);
        assertThat(entry.getMaxIdle()).isEqualTo(HazelcastQuotaStore.MAX_IDLE_SECONDS * 1000L)
                .isGreaterThanOrEqualTo(org.quotaware.WindowedLimit.LONGEST_COUNT_MILLIS);
        com.hazelcast.config.MapConfig config = cluster.member(1).getConfig().getMapConfig(mapName);
        assertThat(config.isStatisticsEnabled()).isFalse();
        assertThat(config.getBackupCount()).isEqualTo(1);
        com.hazelcast.config.MapConfig paths = cluster.member(1).getConfig()
                .getMapConfig(DecisionPath.mapName(mapName));
        assertThat(paths.isStatisticsEnabled()).isFalse();
        assertThat(paths.getMaxIdleSeconds()).isZero();
        assertThat(paths.getTimeToLiveSeconds()).isZero();
    }

    /** A map the operator configured without a max-idle long enough gets a time-to-live on every write, as before. */
    @Test
    void aMapWithoutALongEnoughMaxIdleGetsATimeToLiveOnEveryWrite() {
        String map = "operators-" + MAPS.incrementAndGet();
        for (int i = 0; i < 2; i++) {
            cluster.member(i).getConfig().addMapConfig(new com.hazelcast.config.MapConfig(map).setMaxIdleSeconds(60));
        }
        assertThat(HazelcastQuotaStore.maxIdleBounds(cluster.member(0), map, 30_000)).isFalse();
        HazelcastQuotaStore own = store(cluster.member(0), map, clock, 1_000);
        awaitProcessor(own, store(cluster.member(1), map, clock, 1_000));
        QuotaManager m = DefaultQuotaManager.builder().store(own)
                .tiers(new QuotaTiers(QuotaLimits.builder().requestsPerMinute(5).build())).build();
        ((QuotaPermit) m.acquire("hal", QuotaRequest.request())).close();
        com.hazelcast.core.EntryView<String, byte[]> entry = cluster.member(1).<String, byte[]>getMap(map)
                .getEntryView("hal");
        assertThat(entry.getTtl()).isEqualTo(org.quotaware.WindowedLimit.LONGEST_COUNT_MILLIS
                + HazelcastQuotaStore.DEFAULT_SLOT_LEASE.toMillis());
        assertThat(HazelcastQuotaStore.maxIdleBounds(cluster.member(0), mapName, 30_000)).isTrue();
        assertThat(HazelcastQuotaStore.maxIdleBounds(cluster.member(0), mapName, 3_600_000)).as("the longest lease")
                .isTrue();
        // an allowance's units count from its expiry, a lease after the entry's last write: 25 h do not bound that
        String day = "one-day-" + MAPS.incrementAndGet();
        cluster.member(0).getConfig().addMapConfig(new com.hazelcast.config.MapConfig(day)
                .setMaxIdleSeconds((int) (org.quotaware.WindowedLimit.LONGEST_COUNT_MILLIS / 1000)));
        assertThat(HazelcastQuotaStore.maxIdleBounds(cluster.member(0), day, 30_000)).isFalse();
    }

    @Test
    void atTheCapASweepReadsTheEntriesOfOnePartitionOnly() {
        store.close();
        store = newStore(clock, 10);
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(5).build());
        PartitionService partitions = cluster.member(0).getPartitionService();
        List<String> inFirst = users(partitions, true);
        List<String> elsewhere = users(partitions, false);
        for (String user : concat(inFirst, elsewhere)) {
            ((QuotaPermit) m.acquire(user, QuotaRequest.request())).close();
        }
        IMap<String, byte[]> map = cluster.member(1).getMap(mapName);
        // what a compare-and-set sweep reads of the map: the first partition's entries, nothing else
        assertThat(map.entrySet(new PartitionSweep(partitions).next())).extracting(Map.Entry::getKey)
                .containsExactlyInAnyOrderElementsOf(inFirst);
        clock.advance(Duration.ofMinutes(2)); // every state is idle now, though no operation has removed it

        QuotaPermit newcomer = (QuotaPermit) m.acquire("ip:newcomer", QuotaRequest.request());

        // the sweep took the first partition's idle states and made room; the rest wait for their partition's turn
        assertThat(newcomer.user()).isEqualTo("ip:newcomer");
        assertThat(map.keySet()).containsExactlyInAnyOrderElementsOf(concat(elsewhere, List.of("ip:newcomer")));
        assertThat(store.trackedUsers()).isEqualTo(6);
    }

    /** Five users whose entries are in partition 0, or five in other partitions. */
    private static List<String> users(PartitionService partitions, boolean inFirstPartition) {
        List<String> users = new ArrayList<>();
        for (int i = 0; users.size() < 5; i++) {
            String user = "ip:10.0." + (i / 256) + "." + (i % 256);
            if ((partitions.getPartition(user).getPartitionId() == 0) == inFirstPartition) {
                users.add(user);
            }
        }
        return users;
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** Runs {@code n} calls at once, alternating between the managers (so between the members). */
    private static <T> List<T> runOnBoth(List<QuotaManager> managers, int n, Call<T> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                QuotaManager m = managers.get(i % managers.size());
                Callable<T> task = () -> {
                    start.await();
                    return call.on(m);
                };
                futures.add(pool.submit(task));
            }
            start.countDown();
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(60, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }

    @FunctionalInterface
    interface Call<T> {
        T on(QuotaManager m) throws Exception;
    }

    @Test
    void anOperationOfTheApplicationsOwnIsDecidedWithoutShippingItsCode() {
        HazelcastQuotaStore processorPath = (HazelcastQuotaStore) store;
        assertThat(processorPath.decidesByProcessor()).isTrue();
        org.quotaware.spi.StateOperation<String> own = (state, now) -> state.idle(now) ? "idle" : "busy";
        assertThat(store.execute("own", own)).isEqualTo("idle");
        assertThat(processorPath.decidesByProcessor()).as("no member failed to load it").isTrue();
    }
}
