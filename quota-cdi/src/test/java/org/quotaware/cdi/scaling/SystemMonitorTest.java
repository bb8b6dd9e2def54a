package org.quotaware.cdi.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.quotaware.QuotaManager;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.scaling.SystemMetrics;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class SystemMonitorTest {

    /** Counters set by hand. */
    private static final class FakeProbe implements SystemProbe {
        long busy;
        long total;
        long received;
        long sent;
        double memory = 0.5;
        boolean broken;

        @Override
        public long[] cpuTicks() {
            if (broken) {
                throw new IllegalStateException("no /proc/stat");
            }
            return new long[] {busy, total};
        }

        @Override
        public double memoryUsed() {
            return memory;
        }

        @Override
        public double diskUsed() {
            return 0.25;
        }

        @Override
        public long[] networkBytes() {
            return new long[] {received, sent};
        }
    }

    private final FakeProbe probe = new FakeProbe();
    private final MutableClock clock = new MutableClock();
    private final AtomicLong active = new AtomicLong();
    private final AtomicLong queued = new AtomicLong();
    private final SystemMonitor monitor = new SystemMonitor(probe, clock,
            () -> new long[] {active.get(), queued.get()});

    @Test
    void beforeTheFirstSampleEverythingIsUnknown() {
        SystemMetrics m = monitor.current();
        assertThat(m.cpuLoad()).isNaN();
        assertThat(m.memoryUsed()).isNaN();
        assertThat(m.timestamp()).isEqualTo(clock.instant());
    }

    @Test
    void cpuAndNetworkAreRatesBetweenTwoSamples() {
        probe.busy = 300;
        probe.total = 400;
        probe.received = 10_000;
        probe.sent = 2_000;
        active.set(3);
        queued.set(7);
        clock.advance(Duration.ofSeconds(2));

        SystemMetrics m = monitor.sample();

        assertThat(m.cpuLoad()).isEqualTo(0.75);
        assertThat(m.networkInBytesPerSecond()).isEqualTo(5_000);
        assertThat(m.networkOutBytesPerSecond()).isEqualTo(1_000);
        assertThat(m.memoryUsed()).isEqualTo(0.5);
        assertThat(m.diskUsed()).isEqualTo(0.25);
        assertThat(m.activeTasks()).isEqualTo(3);
        assertThat(m.queuedTasks()).isEqualTo(7);
        assertThat(m.timestamp()).isEqualTo(clock.instant());
        assertThat(monitor.current()).isSameAs(m);

        probe.busy += 10;
        probe.total += 100;
        clock.advance(Duration.ofSeconds(1));
        assertThat(monitor.sample().cpuLoad()).as("only the second interval counts").isEqualTo(0.1);
    }

    @Test
    void noTickOrACounterGoingBackIsUnknownNotZero() {
        clock.advance(Duration.ofSeconds(1));
        SystemMetrics idle = monitor.sample();
        assertThat(idle.cpuLoad()).isNaN();
        probe.received = 5_000;
        monitor.sample();
        probe.received = 100; // an interface went away
        clock.advance(Duration.ofSeconds(1));
        assertThat(monitor.sample().networkInBytesPerSecond()).isNaN();
        probe.received = 1_100;
        clock.advance(Duration.ofSeconds(1));
        assertThat(monitor.sample().networkInBytesPerSecond()).isEqualTo(1_000);
    }

    @Test
    void aFailingProbeGivesUnknownValuesNotAnException() {
        probe.broken = true;
        probe.memory = 7; // nonsense from the platform
        clock.advance(Duration.ofSeconds(1));
        SystemMetrics m = monitor.sample();
        assertThat(m.cpuLoad()).isNaN();
        assertThat(m.memoryUsed()).isNaN();
        assertThat(m.diskUsed()).isEqualTo(0.25);
    }

    /** The real thing on this machine: its /proc (or OSHI, on the test class path), the JVM heap and a manager's counts. */
    @Test
    void samplesThisMachine() {
        try (QuotaManager manager = DefaultQuotaManager.builder().build()) {
            SystemMonitor real = SystemMonitor.of(manager);
            Instant before = Instant.now();
            busyUntilTheTicksMove();
            SystemMetrics first = real.sample();
            busyUntilTheTicksMove();
            SystemMetrics second = real.sample();

            for (SystemMetrics m : new SystemMetrics[] {first, second}) {
                assertThat(m.cpuLoad()).isBetween(0.0, 1.0);
                assertThat(m.memoryUsed()).isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
                assertThat(m.diskUsed()).isBetween(0.0, 1.0);
                assertThat(m.networkInBytesPerSecond()).isGreaterThanOrEqualTo(0.0);
                assertThat(m.networkOutBytesPerSecond()).isGreaterThanOrEqualTo(0.0);
                assertThat(m.heapUsedBytes()).isPositive().isLessThanOrEqualTo(m.heapMaxBytes());
                assertThat(m.heapUsed()).isBetween(0.0, 1.0);
                assertThat(m.activeTasks()).isZero();
                assertThat(m.queuedTasks()).isZero();
                assertThat(m.timestamp()).isAfterOrEqualTo(before.minusMillis(1));
            }
            assertThat(second.timestamp()).isAfter(first.timestamp());
            assertThat(real.current()).isSameAs(second);
        }
    }

    @Test
    void samplingIsCheapEnoughForASchedule() {
        SystemMonitor real = new SystemMonitor(() -> 0, () -> 0);
        real.sample();
        long start = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            real.sample();
        }
        long perSampleMillis = (System.nanoTime() - start) / 20 / 1_000_000;
        assertThat(perSampleMillis).as("ms per sample").isLessThan(200);
        long reads = System.nanoTime();
        for (int i = 0; i < 1_000_000; i++) {
            real.current();
        }
        assertThat((System.nanoTime() - reads) / 1_000_000).as("ms for a million current()").isLessThan(500);
    }

    /** CPU ticks move every 10 ms of each core's time; spin (no sleep) until they do, at most 2 s. */
    private static void busyUntilTheTicksMove() {
        SystemProbe p = SystemMonitor.probe(); // what SystemMonitor.of samples (OSHI caches its ticks briefly)
        long start = p.cpuTicks()[1];
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (p.cpuTicks()[1] == start && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        assertThat(p.cpuTicks()[1]).isGreaterThan(start);
    }
}
