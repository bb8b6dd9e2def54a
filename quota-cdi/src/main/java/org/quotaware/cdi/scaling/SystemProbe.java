package org.quotaware.cdi.scaling;

/**
 * The raw host counters {@link SystemMonitor} turns into rates and fractions: the seam that lets its arithmetic be
 * tested with plain numbers. Any method may throw; the monitor then reports that value as unknown.
 */
interface SystemProbe {

    /** Cumulative CPU ticks since boot, all cores: {@code {busy, total}}; idle and I/O wait are not busy. */
    long[] cpuTicks();

    /** Physical memory in use (total minus available) over total, 0..1. */
    double memoryUsed();

    /** Used space of the monitored file store, 0..1. */
    double diskUsed();

    /** Cumulative bytes {@code {received, sent}} over every non-loopback interface. */
    long[] networkBytes();

    /** Where the host's values come from, for the log line at start. */
    default String source() {
        return "OSHI";
    }
}
