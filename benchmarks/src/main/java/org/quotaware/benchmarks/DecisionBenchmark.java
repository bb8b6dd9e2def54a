package org.quotaware.benchmarks;

import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

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
import org.quotaware.benchmarks.contenders.Guava;
import org.quotaware.benchmarks.contenders.Quotaware;
import org.quotaware.benchmarks.contenders.Resilience4j;

/**
 * One decision inside the JVM: ours with every limit on (acquire and release) against bucket4j (lock-free, one and
 * three bandwidths), resilience4j ({@code AtomicRateLimiter} and a {@code Bulkhead}) and Guava's {@code RateLimiter}.
 * Each thread walks the users from its own offset with a prime stride, so with 100 000 users consecutive calls touch
 * different users as real traffic does. Thread counts come from the command line ({@code -t}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 4, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DecisionBenchmark {

    @Param({"quotaware", "bucket4j-1", "bucket4j-3", "resilience4j", "guava"})
    public String limiter;

    @Param({"1", "100000"})
    public int users;

    @Param({"SUCCESS", "REJECTION"})
    public Scenario path;

    private Contender contender;
    private String[] keys;

    @Setup(Level.Trial)
    public void setUp() {
        keys = Users.names(users);
        contender = create(limiter, path, users);
        for (String key : keys) { // every user known before measuring; on the rejection path, every user spent
            contender.decide(key);
        }
    }

    /**
     * One full collection before every iteration, for every contender: the users' states then start each iteration
     * compacted, as in a server that has run for a while. Without it, whether a collection had happened to move
     * 100 000 states together changed those rows by up to a factor of two between iterations.
     */
    @Setup(Level.Iteration)
    public void compact() {
        System.gc();
    }

    static Contender create(String limiter, Scenario path, int users) {
        Clocks clock = path.clock(users);
        return switch (limiter) {
            case "quotaware" -> Quotaware.inMemory(path, clock, users);
            case "quotaware-6w" -> Quotaware.inMemorySixWindows(path, clock, users); // by -p only: not in old code
            case "bucket4j-1" -> new Bucket4j(path, clock, 1);
            case "bucket4j-3" -> new Bucket4j(path, clock, 3);
            case "resilience4j" -> new Resilience4j(path, clock);
            case "guava" -> new Guava(path);
            default -> throw new IllegalArgumentException("unknown limiter " + limiter);
        };
    }

    /** Each thread's position among the users, and what it saw: a path that did not do what it says fails the run. */
    @State(Scope.Thread)
    public static class Cursor {
        int next;
        long admitted;
        long decided;

        @Setup(Level.Trial)
        public void start() {
            next = ThreadLocalRandom.current().nextInt(1 << 20);
        }

        int advance(int users) {
            int i = next;
            next = i + Users.STRIDE;
            return Math.floorMod(i, users);
        }

        @TearDown(Level.Trial)
        public void verify(DecisionBenchmark b) {
            long expected = b.path == Scenario.SUCCESS ? decided : 0;
            if (admitted != expected) {
                throw new IllegalStateException(b.limiter + " on the " + b.path + " path admitted " + admitted + " of "
                        + decided + " calls, expected " + expected);
            }
        }
    }

    @Benchmark
    public boolean decide(Cursor c) {
        boolean ok = contender.decide(keys[c.advance(users)]);
        c.decided++;
        if (ok) {
            c.admitted++;
        }
        return ok;
    }
}
