package org.quotaware.scaling;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Objects;

/**
 * One snapshot of a member's load, or of a cluster's when {@link #aggregate aggregated}. Immutable.
 * <p>
 * Loads and used space are <strong>fractions from 0 to 1</strong> (0.7 is 70 %), as OSHI and JMX give them; a value
 * that could not be measured is {@link Double#NaN} ({@link #UNKNOWN}) and counts as <em>no evidence</em>: it never
 * triggers a scale-up, a scale-down or a protection level. Byte counts that are unknown are {@code -1}.
 *
 * @param timestamp                when the snapshot was taken; every decision made from it happens at this instant
 * @param cpuLoad                  CPU busy fraction between the previous sample and this one, 0..1
 * @param memoryUsed               physical memory in use (total minus available) over total, 0..1
 * @param diskUsed                 used space of the working directory's file store, 0..1
 * @param networkInBytesPerSecond  bytes received per second since the previous sample, all non-loopback interfaces
 * @param networkOutBytesPerSecond bytes sent per second since the previous sample
 * @param heapUsedBytes            JVM heap in use, or -1
 * @param heapMaxBytes             the heap's maximum (its committed size when no maximum is set), or -1
 * @param activeTasks              tasks holding a concurrency slot of the quota engine
 * @param queuedTasks              requests waiting in the quota engine's queues
 */
public record SystemMetrics(Instant timestamp, double cpuLoad, double memoryUsed, double diskUsed,
                            double networkInBytesPerSecond, double networkOutBytesPerSecond, long heapUsedBytes,
                            long heapMaxBytes, long activeTasks, long queuedTasks) implements Serializable {

    /** A load that could not be measured. */
    public static final double UNKNOWN = Double.NaN;

    public SystemMetrics {
        Objects.requireNonNull(timestamp, "timestamp");
        requireFraction("cpuLoad", cpuLoad);
        requireFraction("memoryUsed", memoryUsed);
        requireFraction("diskUsed", diskUsed);
        requireRate("networkInBytesPerSecond", networkInBytesPerSecond);
        requireRate("networkOutBytesPerSecond", networkOutBytesPerSecond);
        if (heapUsedBytes < -1 || heapMaxBytes < -1) {
            throw new IllegalArgumentException("heap sizes must be >= 0 or -1 (unknown), were " + heapUsedBytes + "/"
                    + heapMaxBytes);
        }
        if (activeTasks < 0 || queuedTasks < 0) {
            throw new IllegalArgumentException("task counts must be >= 0, were " + activeTasks + "/" + queuedTasks);
        }
    }

    /** Nothing measured yet: every load unknown, no tasks. */
    public static SystemMetrics unknown(Instant timestamp) {
        return new SystemMetrics(timestamp, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, UNKNOWN, -1, -1, 0, 0);
    }

    /** The values the scaling rules read, the others unknown; for tests and for callers with their own sensors. */
    public static SystemMetrics of(Instant timestamp, double cpuLoad, double memoryUsed, long activeTasks,
                                   long queuedTasks) {
        return new SystemMetrics(timestamp, cpuLoad, memoryUsed, UNKNOWN, UNKNOWN, UNKNOWN, -1, -1, activeTasks,
                queuedTasks);
    }

    /** Heap used over its maximum, or NaN. Not used by any rule: before a collection it is routinely near 1. */
    public double heapUsed() {
        return heapUsedBytes < 0 || heapMaxBytes <= 0 ? UNKNOWN : (double) heapUsedBytes / heapMaxBytes;
    }

    /**
     * The cluster's load from its members' snapshots, as the one deciding member sees it: loads and used fractions are
     * the mean of the members that know them (the capacity question is whether the cluster as a whole is busy; one hot
     * member is that member's own {@link LoadProtection} business), rates, heaps and tasks are summed. Snapshots older
     * than {@code maxAge} at {@code now} (a member that stopped reporting) are left out.
     */
    public static SystemMetrics aggregate(Collection<SystemMetrics> members, Instant now, Duration maxAge) {
        Mean cpu = new Mean();
        Mean memory = new Mean();
        Mean disk = new Mean();
        Sum in = new Sum();
        Sum out = new Sum();
        long heapUsed = -1;
        long heapMax = -1;
        long active = 0;
        long queued = 0;
        for (SystemMetrics m : members) {
            if (m.timestamp().isBefore(now.minus(maxAge))) {
                continue;
            }
            cpu.add(m.cpuLoad);
            memory.add(m.memoryUsed);
            disk.add(m.diskUsed);
            in.add(m.networkInBytesPerSecond);
            out.add(m.networkOutBytesPerSecond);
            if (m.heapUsedBytes >= 0 && m.heapMaxBytes >= 0) {
                heapUsed = Math.max(heapUsed, 0) + m.heapUsedBytes;
                heapMax = Math.max(heapMax, 0) + m.heapMaxBytes;
            }
            active += m.activeTasks;
            queued += m.queuedTasks;
        }
        return new SystemMetrics(now, cpu.value(), memory.value(), disk.value(), in.value(), out.value(), heapUsed,
                heapMax, active, queued);
    }

    private static void requireFraction(String field, double value) {
        if (!Double.isNaN(value) && (value < 0 || value > 1)) {
            throw new IllegalArgumentException(field + " must be between 0 and 1 or NaN (unknown), was " + value);
        }
    }

    private static void requireRate(String field, double value) {
        if (!Double.isNaN(value) && (value < 0 || Double.isInfinite(value))) {
            throw new IllegalArgumentException(field + " must be >= 0 or NaN (unknown), was " + value);
        }
    }

    private static final class Mean {
        private double sum;
        private int n;

        void add(double v) {
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }

        double value() {
            // the sum of fractions divided by their count can exceed 1 by a rounding error
            return n == 0 ? UNKNOWN : Math.min(1, sum / n);
        }
    }

    private static final class Sum {
        private double sum;
        private boolean any;

        void add(double v) {
            if (!Double.isNaN(v)) {
                sum += v;
                any = true;
            }
        }

        double value() {
            return any ? sum : UNKNOWN;
        }
    }
}
