package org.quotaware.hazelcast;

import java.net.URL;
import java.net.URLClassLoader;
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
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.testing.MutableClock;

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
        QuotaManager m = QuotaManager.builder().store(fallback)
                .tiers(new QuotaTiers(QuotaLimits.builder().requestsPerMinute(6).off(Limit.CONCURRENT_TASKS).build()))
                .build();

        // the first decision finds the processor missing on B (a ClassNotFoundException there, never an NPE here)
        // and is decided again by compare-and-set: the whole limit, exactly, in the cluster
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
        QuotaManager m = QuotaManager.builder().store(store)
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

    private static String keyNotOwnedBy(HazelcastInstance member) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (member.getCluster().getMembers().size() < 2 || !member.getPartitionService().isClusterSafe()) {
            assertThat(System.nanoTime()).isLessThan(deadline);
            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
        for (int i = 0; ; i++) {
            String key = "grace-" + i;
            if (!member.getPartitionService().getPartition(key).getOwner().localMember()) {
                return key;
            }
        }
    }
}
