package org.quotaware.cdi.scaling;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.quotaware.QuotaManager;
import org.quotaware.QuotaStatistics;
import org.quotaware.scaling.SystemMetrics;

/**
 * This member's load as {@link SystemMetrics}: host CPU (from cumulative ticks between two samples), physical memory,
 * the working directory's file store, network throughput (from byte counters between two samples), the JVM heap and
 * the quota engine's running and waiting tasks. The host's values come from {@code /proc} and the JDK
 * ({@link HostProbe}), or from OSHI where the application ships it.
 * <p>
 * {@link #sample()} measures; the caller runs it on a schedule (every few seconds, on the container's managed
 * scheduled executor). {@link #current()} returns the last snapshot from a volatile field: a request never measures,
 * never waits. The monitor starts no thread of its own.
 * <p>
 * A value that cannot be read (a platform without {@code /proc}, a closed file store, a counter that went backwards)
 * is reported as unknown ({@code NaN}), which the decisions take as no evidence of load. In a container with a CPU
 * or memory limit, those two are the container's, read from its cgroup ({@link CgroupProbe}); everything else is the
 * host's (see {@code docs/scaling.md}).
 */
public final class SystemMonitor {

    private static final Logger LOG = Logger.getLogger(SystemMonitor.class.getName());

    /** The engine's task counts, read once per sample. */
    @FunctionalInterface
    public interface TaskCounts {
        /** {@code {active, queued}}. */
        long[] read();
    }

    private final SystemProbe probe;
    private final InstantSource clock;
    private final TaskCounts tasks;
    private final MemoryMXBean heap = ManagementFactory.getMemoryMXBean();

    private long[] lastTicks;
    private long[] lastBytes;
    private long lastMillis;
    private boolean warned;
    private volatile SystemMetrics current;

    /** Monitors the host (or its container's limits) and the working directory's file store; the engine's counts come from the suppliers. */
    public SystemMonitor(LongSupplier activeTasks, LongSupplier queuedTasks) {
        this(probe(), InstantSource.system(),
                () -> new long[] {activeTasks.getAsLong(), queuedTasks.getAsLong()});
    }

    /** Monitors the host and this manager's tasks ({@link QuotaManager#statistics()} once per sample). */
    public static SystemMonitor of(QuotaManager manager) {
        Objects.requireNonNull(manager, "manager");
        return new SystemMonitor(probe(), InstantSource.system(), () -> {
            QuotaStatistics s = manager.statistics();
            return new long[] {s.active(), s.queued()};
        });
    }

    SystemMonitor(SystemProbe probe, InstantSource clock, TaskCounts tasks) {
        this.probe = Objects.requireNonNull(probe, "probe");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.tasks = Objects.requireNonNull(tasks, "tasks");
        // the first sample() then already has an interval to measure rates over
        this.lastTicks = read(probe::cpuTicks);
        this.lastBytes = read(probe::networkBytes);
        this.lastMillis = clock.millis();
        this.current = SystemMetrics.unknown(Instant.ofEpochMilli(lastMillis));
    }

    /** The last snapshot; before the first {@link #sample()}, every load unknown. Cheap, never blocks. */
    public SystemMetrics current() {
        return current;
    }

    /** Measures now, keeps the snapshot for {@link #current()} and returns it. Runs on the sampling schedule. */
    public synchronized SystemMetrics sample() {
        long now = clock.millis();
        long[] ticks = read(probe::cpuTicks);
        long[] bytes = read(probe::networkBytes);
        double cpu = ticks == null || lastTicks == null ? Double.NaN
                : fraction(ticks[0] - lastTicks[0], ticks[1] - lastTicks[1]);
        double seconds = (now - lastMillis) / 1000.0;
        double in = rate(bytes, lastBytes, 0, seconds);
        double out = rate(bytes, lastBytes, 1, seconds);
        lastTicks = ticks;
        lastBytes = bytes;
        lastMillis = now;

        MemoryUsage h = heapUsage();
        long heapUsed = h == null ? -1 : h.getUsed();
        long heapMax = h == null ? -1 : h.getMax() >= 0 ? h.getMax() : h.getCommitted();
        long[] t = tasks.read();
        SystemMetrics m = new SystemMetrics(Instant.ofEpochMilli(now), cpu, unit(probe::memoryUsed),
                unit(probe::diskUsed), in, out, heapUsed, heapMax, Math.max(0, t[0]), Math.max(0, t[1]));
        current = m;
        return m;
    }

    /** busy / total over the interval, NaN when no tick passed or a counter went backwards. */
    private static double fraction(long busy, long total) {
        if (total <= 0 || busy < 0) {
            return Double.NaN;
        }
        return Math.min(1, (double) busy / total);
    }

    private static double rate(long[] now, long[] before, int i, double seconds) {
        if (now == null || before == null || seconds <= 0 || now[i] < before[i]) {
            return Double.NaN; // an interface left, or a counter wrapped: skip one interval rather than report nonsense
        }
        return (now[i] - before[i]) / seconds;
    }

    private double unit(DoubleSupplier value) {
        try {
            double v = value.getAsDouble();
            return v >= 0 && v <= 1 ? v : Double.NaN;
        } catch (RuntimeException e) {
            warnOnce(e);
            return Double.NaN;
        }
    }

    private long[] read(Supplier<long[]> counters) {
        try {
            return counters.get();
        } catch (RuntimeException e) {
            warnOnce(e);
            return null;
        }
    }

    private MemoryUsage heapUsage() {
        try {
            return heap.getHeapMemoryUsage();
        } catch (RuntimeException e) {
            // the JDK may throw IllegalArgumentException while a pool's sizes are inconsistent during a collection
            return null;
        }
    }

    private void warnOnce(RuntimeException e) {
        if (!warned) {
            warned = true;
            LOG.log(Level.WARNING, "quotaware: a system metric cannot be read and is reported as unknown", e);
        }
    }

    /**
     * The container's cgroup for CPU and memory where it sets limits; the rest from OSHI when the application ships it
     * ({@code com.github.oshi:oshi-core}, optional), else from {@code /proc} and the JDK ({@link HostProbe}).
     */
    static SystemProbe probe() {
        Path disk = Path.of("").toAbsolutePath();
        return CgroupProbe.detect(Path.of("/"), oshiPresent() ? oshiOrHost(disk) : host(disk), System::nanoTime);
    }

    static SystemProbe host(Path disk) {
        return new HostProbe(Path.of("/proc"), disk, System::nanoTime);
    }


    private static boolean oshiPresent() {
        try {
            Class.forName("oshi.SystemInfo", false, SystemMonitor.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /** OSHI, or {@link HostProbe} when OSHI cannot load on this platform (its JNA binding, for one). */
    static SystemProbe oshiOrHost(Path disk) {
        try {
            return new OshiProbe(disk);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "quotaware: OSHI is on the class path but cannot load here; reading /proc and the "
                    + "JDK instead", e);
            return host(disk);
        }
    }
}
