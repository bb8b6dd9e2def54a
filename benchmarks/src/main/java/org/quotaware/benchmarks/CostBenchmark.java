package org.quotaware.benchmarks;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.quotaware.Counted;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaPermit;
import org.quotaware.cost.CostMeter;
import org.quotaware.cost.ThreadUsage;

/**
 * What measuring a request's cost adds to it: one segment ({@link CostMeter#start()} and
 * {@link CostMeter.Segment#charge}) on the JVM's own counters, as the filter runs it once per request (and once more
 * per {@code ASYNC} dispatch), for each set of units a budget may count. {@code none} is what every request pays when
 * no limit counts CPU or allocation. Run with {@code -prof gc} for the bytes allocated per segment.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class CostBenchmark {

    @Param({"none", "cpu", "allocated", "both"})
    public String measured;

    private CostMeter meter;
    private QuotaPermit permit;

    @Setup
    public void setUp() {
        Set<Counted> units = switch (measured) {
            case "none" -> Set.of();
            case "cpu" -> EnumSet.of(Counted.CPU);
            case "allocated" -> EnumSet.of(Counted.ALLOCATED);
            case "both" -> EnumSet.of(Counted.CPU, Counted.ALLOCATED);
            default -> throw new IllegalArgumentException("unknown units " + measured);
        };
        ThreadUsage jvm = ThreadUsage.jvm();
        if (!jvm.measuresCpu() || !jvm.measuresAllocated()) {
            throw new IllegalStateException("this JVM does not count thread CPU time and allocation: nothing to measure");
        }
        meter = new CostMeter(() -> units, jvm);
        permit = new QuotaPermit("alice", 1, QuotaCheckResult.allowed("default", false, List.of()), (p, ok) -> { });
    }

    /** One segment of one thread, charged to a permit that stays open (charges add up, saturating). */
    @Benchmark
    public void segment() {
        meter.start().charge(permit);
    }
}
