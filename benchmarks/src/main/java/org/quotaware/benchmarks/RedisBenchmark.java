package org.quotaware.benchmarks;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.metrics.CommandLatencyRecorder;
import io.lettuce.core.protocol.ProtocolKeyword;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
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
import org.quotaware.config.ConfigSource;
import org.quotaware.redis.RedisStoreProvider;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StoreContext;

/**
 * One decision on Redis, the same redis-server (Debian's, started here on a free port, no persistence) and the same
 * 1 000 users for every contender, success path (nothing denied):
 * <ul>
 * <li>{@code quotaware-decision}: quota-redis's store, windows and file size, no concurrency slot: one
 * {@code EVALSHA} (the store remembers the states it wrote).</li>
 * <li>{@code quotaware-slot}: the same with a concurrency slot: acquire and release, two {@code EVALSHA}.</li>
 * <li>{@code bucket4j-1}, {@code bucket4j-3}: bucket4j's Lettuce compare-and-swap proxy manager,
 * {@code tryConsume(1)} on one or three bandwidths.</li>
 * </ul>
 * Both run on Lettuce with one connection; every command either sends is counted by a Lettuce command recorder, and
 * each iteration prints the commands per decision (its round trips: Lettuce sends one command per round trip here).
 * Clocks are real: ours takes Redis's (an offset read once a second), bucket4j the caller's.
 * <p>
 * {@code java -cp ... org.openjdk.jmh.Main RedisBenchmark -t 1} (and {@code -t 2}); see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
public class RedisBenchmark {

    public static final int USERS = 1_000;

    @Param({"quotaware-decision", "quotaware-slot", "bucket4j-1", "bucket4j-3"})
    public String limiter;

    private Process redis;
    private Path dir;
    private ClientResources resources;
    private AutoCloseable closing;
    private String[] keys;
    private Contender contender;
    private static final LongAdder COMMANDS = new LongAdder();
    private static final LongAdder DECISIONS = new LongAdder();

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        dir = Files.createTempDirectory("quotaware-bench-redis");
        redis = new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir",
                dir.toString(), "--save", "", "--appendonly", "no", "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        resources = DefaultClientResources.builder().commandLatencyRecorder(new Counting()).build();
        String uri = "redis://127.0.0.1:" + port;
        awaitRedis(uri);
        keys = new String[USERS];
        for (int i = 0; i < USERS; i++) {
            keys[i] = "user:" + i;
        }
        contender = create(limiter, uri);
        for (String key : keys) {
            if (!contender.decide(key)) {
                throw new IllegalStateException(limiter + " denied " + key + " on the success path");
            }
        }
    }

    private void awaitRedis(String uri) throws InterruptedException {
        RedisClient probe = RedisClient.create(resources);
        try {
            for (int i = 0; ; i++) {
                try (StatefulRedisConnection<String, String> c = probe.connect(RedisURI.create(uri))) {
                    c.sync().ping();
                    return;
                } catch (RuntimeException notYet) {
                    if (i > 200) {
                        throw notYet;
                    }
                    Thread.sleep(50);
                }
            }
        } finally {
            probe.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private Contender create(String limiter, String uri) {
        return switch (limiter) {
            case "quotaware-decision", "quotaware-slot" -> {
                QuotaStore store = RedisStoreProvider.create(uri, new StoreContext("bench", ConfigSource.of("bench",
                        Map.of()), 1_000_000, Duration.ofSeconds(30)), resources);
                closing = store;
                yield Quotaware.on(store, Scenario.SUCCESS, limiter.endsWith("slot"));
            }
            case "bucket4j-1" -> bucket4j(uri, 1);
            case "bucket4j-3" -> bucket4j(uri, 3);
            default -> throw new IllegalArgumentException("unknown limiter " + limiter);
        };
    }

    private Contender bucket4j(String uri, int bandwidths) {
        RedisClient client = RedisClient.create(resources, uri);
        StatefulRedisConnection<String, byte[]> connection = client.connect(RedisCodec.of(StringCodec.UTF8,
                ByteArrayCodec.INSTANCE));
        closing = () -> {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        };
        ProxyManager<String> proxies = Bucket4jLettuce.casBasedBuilder(connection).build();
        BucketConfiguration configuration = Bucket4j.configuration(Scenario.SUCCESS, bandwidths);
        ConcurrentHashMap<String, BucketProxy> buckets = new ConcurrentHashMap<>();
        return user -> buckets.computeIfAbsent(user, k -> proxies.builder().build(k, () -> configuration))
                .tryConsume(1);
    }

    /** Counts every command Lettuce completes, whichever client sent it. */
    static final class Counting implements CommandLatencyRecorder {
        @Override
        public void recordCommandLatency(SocketAddress local, SocketAddress remote, ProtocolKeyword type,
                long firstResponseLatency, long completionLatency) {
            COMMANDS.increment();
        }
    }

    @Setup(Level.Iteration)
    public void startCounting() {
        COMMANDS.reset();
        DECISIONS.reset();
    }

    @TearDown(Level.Iteration)
    public void printRoundTrips() {
        long decisions = DECISIONS.sum();
        System.out.printf("%n[round trips] %s: %d commands for %d decisions = %.3f per decision%n", limiter,
                COMMANDS.sum(), decisions, decisions == 0 ? 0.0 : (double) COMMANDS.sum() / decisions);
    }

    /** Each thread's position among the users. */
    @State(Scope.Thread)
    public static class Cursor {
        int next = ThreadLocalRandom.current().nextInt(1 << 20);
        long denied;

        @TearDown(Level.Trial)
        public void verify(RedisBenchmark b) {
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
        DECISIONS.increment();
        if (!ok) {
            c.denied++;
        }
        return ok;
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (closing != null) {
            closing.close();
        }
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        redis.destroy();
        redis.waitFor(10, TimeUnit.SECONDS);
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
