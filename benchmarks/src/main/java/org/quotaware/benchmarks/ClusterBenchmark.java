package org.quotaware.benchmarks;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import com.hazelcast.map.IMap;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.grid.hazelcast.Bucket4jHazelcast;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.quotaware.benchmarks.contenders.Bucket4j;
import org.quotaware.benchmarks.contenders.Quotaware;
import org.quotaware.hazelcast.HazelcastQuotaStore;
import org.quotaware.store.AllowanceStore;

/**
 * One distributed decision on a two-member cluster ({@link TwoMemberCluster}), always for a user whose entry lives on
 * the other member, success path (nothing denied), the same 1 000 users for every contender:
 * <ul>
 * <li>{@code quotaware-decision}: ours, windows and file size, no concurrency slot: one {@code executeOnKey}.</li>
 * <li>{@code quotaware-slot}: ours with the concurrency slot too: acquire and release, two {@code executeOnKey}.</li>
 * <li>{@code quotaware-allowance}: the same as {@code quotaware-slot} through an {@code AllowanceStore}: the calling
 * member decides each user's requests within the allowances the owner grants it, and settles now and then.</li>
 * <li>{@code bucket4j-1}, {@code bucket4j-3}: bucket4j's Hazelcast {@code EntryProcessor} proxy, {@code tryConsume(1)}
 * on one or three bandwidths.</li>
 * </ul>
 * Clocks are real: ours takes Hazelcast's cluster time, bucket4j the caller's {@code currentTimeMillis}.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ClusterBenchmark {

    public static final int USERS = 1_000;

    @Param({"quotaware-decision", "quotaware-slot", "quotaware-allowance", "bucket4j-1", "bucket4j-3"})
    public String limiter;

    private TwoMemberCluster cluster;
    private String[] keys;
    private Contender contender;

    @Setup(Level.Trial)
    public void setUp() {
        cluster = new TwoMemberCluster();
        keys = cluster.remoteKeys(USERS);
        contender = create(limiter, cluster);
        for (String key : keys) {
            if (!contender.decide(key)) {
                throw new IllegalStateException(limiter + " denied " + key + " on the success path");
            }
        }
    }

    static Contender create(String limiter, TwoMemberCluster cluster) {
        return switch (limiter) {
            case "quotaware-decision", "quotaware-slot" -> {
                // the owner runs the store too, as every member of an application's cluster does: the caller takes the
                // one-round-trip processor path only once every member has announced that it loads the processor
                HazelcastQuotaStore.builder(cluster.owner()).mapName(TwoMemberCluster.QUOTAWARE_MAP).build();
                yield Quotaware.on(HazelcastQuotaStore.builder(cluster.caller()).mapName(TwoMemberCluster.QUOTAWARE_MAP)
                        .maxTrackedUsers(1_000_000).build(), Scenario.SUCCESS, limiter.endsWith("slot"));
            }
            case "quotaware-allowance" -> {
                HazelcastQuotaStore.builder(cluster.owner()).mapName(TwoMemberCluster.QUOTAWARE_MAP).build();
                HazelcastQuotaStore remote = HazelcastQuotaStore.builder(cluster.caller())
                        .mapName(TwoMemberCluster.QUOTAWARE_MAP).maxTrackedUsers(1_000_000).build();
                yield Quotaware.on(AllowanceStore.builder(remote).members(remote::members).build(), Scenario.SUCCESS,
                        true);
            }
            case "bucket4j-1" -> bucket4j(cluster, 1);
            case "bucket4j-3" -> bucket4j(cluster, 3);
            default -> throw new IllegalArgumentException("unknown limiter " + limiter);
        };
    }

    private static Contender bucket4j(TwoMemberCluster cluster, int bandwidths) {
        IMap<String, byte[]> map = cluster.caller().getMap(TwoMemberCluster.BUCKET4J_MAP);
        ProxyManager<String> proxies = Bucket4jHazelcast.entryProcessorBasedBuilder(map).build();
        var configuration = Bucket4j.configuration(Scenario.SUCCESS, bandwidths);
        java.util.concurrent.ConcurrentHashMap<String, BucketProxy> buckets = new java.util.concurrent.ConcurrentHashMap<>();
        return user -> buckets.computeIfAbsent(user, k -> proxies.builder().build(k, () -> configuration))
                .tryConsume(1);
    }

    /** Each thread's position among the users. */
    @State(Scope.Thread)
    public static class Cursor {
        int next = ThreadLocalRandom.current().nextInt(1 << 20);
        long denied;

        @TearDown(Level.Trial)
        public void verify(ClusterBenchmark b) {
            if (denied > 0) {
                throw new IllegalStateException(b.limiter + " denied " + denied + " calls on the success path");
            }
        }
    }

    @Benchmark
    @BenchmarkMode({Mode.Throughput, Mode.SampleTime})
    public boolean decide(Cursor c) {
        int i = c.next;
        c.next = i + Users.STRIDE;
        boolean ok = contender.decide(keys[Math.floorMod(i, USERS)]);
        if (!ok) {
            c.denied++;
        }
        return ok;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        cluster.close();
    }
}
