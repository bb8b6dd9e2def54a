package org.quotaware.hazelcast;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.engine.Operations;
import org.quotaware.engine.UserState;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.testing.MutableClock;
import org.quotaware.store.FallbackQuotaStore;
import org.quotaware.store.StoreMode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The class-loading trap for real: member B runs Hazelcast from a class loader that has Hazelcast but none of the
 * quota classes, as a Payara Micro member without the application (or with it under another name) does.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MissingClassesTest {

    private final MutableClock clock = new MutableClock();
    private HazelcastInstance a;
    private Object b;
    private Class<?> bInstanceType;

    @AfterEach
    void stop() throws Exception {
        if (b != null) {
            Object lifecycle = bInstanceType.getMethod("getLifecycleService").invoke(b);
            lifecycle.getClass().getMethod("terminate").invoke(lifecycle);
        }
        if (a != null) {
            a.getLifecycleService().terminate();
        }
    }

    @Test
    void aMemberWithoutTheQuotaClassesIsDetectedAndDecisionsStayExactByCompareAndSet() throws Exception {
        TestCluster plan = TestCluster.plan("trap", 5831, 2);
        a = Hazelcast.newHazelcastInstance(plan.config(5831));
        b = startIsolated(plan.config(5832));
        String user = keyNotOwnedBy(a);
        HazelcastQuotaStore store = HazelcastQuotaStore.builder(a).mapName("trap").clock(clock).build();
        FallbackQuotaStore fallback = FallbackQuotaStore.builder(store).local(new InMemoryQuotaStore(clock, 10)).build();
        QuotaManager m = DefaultQuotaManager.builder().store(fallback)
                .tiers(new QuotaTiers(QuotaLimits.builder().requestsPerMinute(6).off(Limit.CONCURRENT_TASKS).build()))
                .build();

        // B never announced that it loads the processor (it has no store): nothing of ours is ever sent to it, and
        // decisions are made by compare-and-set: the whole limit, exactly, in the cluster
        assertThat(store.decidesByProcessor()).isFalse();
        long admitted = java.util.stream.IntStream.range(0, 10)
                .filter(i -> m.acquire(user, QuotaRequest.request().withConcurrent(false)).admitted()).count();
        assertThat(admitted).isEqualTo(6);
        assertThat(fallback.mode()).isEqualTo(StoreMode.DISTRIBUTED);
        assertThat(m.usage(user).requestsPerMinute()).isEqualTo(6);
        // the entry lives on B as plain bytes, which B reads without our classes
        assertThat(a.getMap("trap").get(user)).isInstanceOf(byte[].class);
    }

    @Test
    void concurrentCompareAndSetDecisionsThroughBothSidesAdmitExactlyTheLimit() throws Exception {
        TestCluster plan = TestCluster.plan("trap2", 5841, 2);
        a = Hazelcast.newHazelcastInstance(plan.config(5841));
        b = startIsolated(plan.config(5842));
        String user = keyNotOwnedBy(a);
        HazelcastQuotaStore store = HazelcastQuotaStore.builder(a).mapName("trap2").clock(clock).build();
        QuotaManager m = DefaultQuotaManager.builder().store(store)
                .tiers(new QuotaTiers(QuotaLimits.builder().requestsPerMinute(25).off(Limit.CONCURRENT_TASKS).build()))
                .build();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.List<java.util.concurrent.Future<Boolean>> calls = new java.util.ArrayList<>();
            for (int i = 0; i < 100; i++) {
                calls.add(pool.submit(() -> m.acquire(user, QuotaRequest.request().withConcurrent(false)).admitted()));
            }
            int admitted = 0;
            for (java.util.concurrent.Future<Boolean> c : calls) {
                admitted += c.get(60, TimeUnit.SECONDS) ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(25);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The trap as Payara set it when the backup was a class of ours: A owns the entry, so a processor would run on A
     * itself and only its backup would go to B, which could not read it. The backup failure came back to A as an error after the
     * processor had run, A decided again by compare-and-set, and each request counted twice (3 admitted of 6), while
     * B held no usable backup. Now A never runs the processor with B in the cluster: each request counts once, and
     * B's backup holds every count when A dies.
     */
    @Test
    void anEntryOwnedByTheMemberWithTheClassesCountsOnceAndIsBackedUpOnTheOther() throws Exception {
        TestCluster plan = TestCluster.plan("trap3", 5851, 2);
        a = Hazelcast.newHazelcastInstance(plan.config(5851));
        b = startIsolated(plan.config(5852));
        awaitSettled(a);
        String user = TestCluster.keyOwnedBy(a, "owned-");
        HazelcastQuotaStore store = HazelcastQuotaStore.builder(a).mapName("trap3").clock(clock).build();
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(6).off(Limit.CONCURRENT_TASKS).build();
        QuotaManager m = DefaultQuotaManager.builder().store(store).tiers(new QuotaTiers(limits)).build();

        long admitted = java.util.stream.IntStream.range(0, 10)
                .filter(i -> m.acquire(user, QuotaRequest.request().withConcurrent(false)).admitted()).count();
        assertThat(admitted).isEqualTo(6);
        assertThat(m.usage(user).requestsPerMinute()).isEqualTo(6);

        a.getLifecycleService().terminate();
        a = null;
        Object map = bInstanceType.getMethod("getMap", String.class).invoke(b, "trap3");
        byte[] backup = (byte[]) map.getClass().getMethod("get", Object.class).invoke(map, user);
        assertThat(new Operations.Inspect(limits).apply(UserState.fromBytes(backup), clock.millis())
                .requestsPerMinute()).as("requests counted in B's copy").isEqualTo(6);
    }

    /**
     * A member whose Hazelcast cannot load the quota classes (its configured class loader does not see them, as
     * Payara's) chooses compare-and-set at start and says so; a member that could run the processor follows it for
     * good, and decisions through both stay exact.
     */
    @Test
    void aMemberWhoseHazelcastCannotLoadTheClassesTakesTheWholeClusterToCompareAndSet() throws Exception {
        TestCluster plan = TestCluster.plan("trap4", 5861, 2);
        HazelcastInstance capable = Hazelcast.newHazelcastInstance(plan.config(5861));
        a = capable;
        HazelcastInstance blind = Hazelcast.newHazelcastInstance(plan.config(5862).setClassLoader(
                new ClassLoader(MissingClassesTest.class.getClassLoader()) {
                    @Override
                    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                        if (name.startsWith("org.quotaware.")) {
                            throw new ClassNotFoundException(name);
                        }
                        return super.loadClass(name, resolve);
                    }
                }));
        List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger log = java.util.logging.Logger.getLogger(DecisionPath.class.getName());
        java.util.logging.Handler handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord r) {
                said.add(r.getLevel() + " " + r.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        log.addHandler(handler);
        try {
            HazelcastQuotaStore first = HazelcastQuotaStore.builder(capable).mapName("trap4").clock(clock).build();
            HazelcastQuotaStore second = HazelcastQuotaStore.builder(blind).mapName("trap4").clock(clock).build();
            assertThat(second.decidesByProcessor()).isFalse();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (capable.getMap("trap4.paths").values().stream().anyMatch(p -> !p.equals("compare-and-set"))
                    || capable.getMap("trap4.paths").size() < 2) {
                assertThat(System.nanoTime()).as("both members announce compare-and-set").isLessThan(deadline);
                Thread.sleep(10);
            }
            assertThat(first.decidesByProcessor()).isFalse();

            QuotaTiers tiers = new QuotaTiers(QuotaLimits.builder().requestsPerMinute(6)
                    .off(Limit.CONCURRENT_TASKS).build());
            List<QuotaManager> both = List.of(DefaultQuotaManager.builder().store(first).tiers(tiers).build(),
                    DefaultQuotaManager.builder().store(second).tiers(tiers).build());
            awaitSettled(capable);
            String user = TestCluster.keyOwnedBy(capable, "mixed-");
            long admitted = java.util.stream.IntStream.range(0, 10).filter(i -> both.get(i % 2)
                    .acquire(user, QuotaRequest.request().withConcurrent(false)).admitted()).count();
            assertThat(admitted).isEqualTo(6);
            assertThat(both.get(1).usage(user).requestsPerMinute()).isEqualTo(6);
            assertThat(first.decidesByProcessor()).as("sticky").isFalse();

            // the blind member's application starts again (a redeployment): it keeps its choice and says nothing more
            HazelcastQuotaStore again = HazelcastQuotaStore.builder(blind).mapName("trap4").clock(clock).build();
            assertThat(again.decidesByProcessor()).isFalse();
            assertThat(said).hasSize(3);
            assertThat(said.get(0)).startsWith("INFO quotaware: deciding with the StateProcessor");
            assertThat(said).filteredOn(m -> m.startsWith("INFO quotaware: deciding by compare-and-set on the "
                    + "entry's bytes: this member's Hazelcast cannot read back org.quotaware.hazelcast.StateProcessor"))
                    .hasSize(1);
            assertThat(said).filteredOn(m -> m.startsWith("WARNING quotaware: deciding by compare-and-set on the "
                    + "entry's bytes: member ") && m.contains(" cannot load the quota classes")).hasSize(1);
        } finally {
            log.removeHandler(handler);
            blind.getLifecycleService().terminate();
        }
    }

    /** Starts a member whose classes come from the Hazelcast jar alone (and the JDK). */
    private Object startIsolated(Config shape) throws Exception {
        URL hazelcastJar = HazelcastInstance.class.getProtectionDomain().getCodeSource().getLocation();
        URLClassLoader loader = new URLClassLoader(new URL[] {hazelcastJar}, ClassLoader.getPlatformClassLoader());
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader); // the member's threads inherit it
        try {
            Class<?> configType = loader.loadClass("com.hazelcast.config.Config");
            Object config = loader.loadClass("com.hazelcast.config.InMemoryXmlConfig").getConstructor(String.class)
                    .newInstance(TestCluster.xml(shape));
            bInstanceType = loader.loadClass("com.hazelcast.core.HazelcastInstance");
            return loader.loadClass("com.hazelcast.core.Hazelcast").getMethod("newHazelcastInstance", configType)
                    .invoke(null, config);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /** Until both members are in the cluster and its partitions have settled, so an entry's owner stays put. */
    private static void awaitSettled(HazelcastInstance member) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (member.getCluster().getMembers().size() < 2 || !member.getPartitionService().isClusterSafe()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static String keyNotOwnedBy(HazelcastInstance member) {
        awaitSettled(member);
        for (int i = 0; ; i++) {
            String key = "grace-" + i;
            if (!member.getPartitionService().getPartition(key).getOwner().localMember()) {
                return key;
            }
        }
    }
}
