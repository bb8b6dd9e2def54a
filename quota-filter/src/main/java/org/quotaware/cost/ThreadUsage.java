package org.quotaware.cost;

/**
 * What the current thread has used so far: its CPU time and the heap bytes it allocated, as the JVM counts them
 * ({@link #jvm()}). A {@link CostMeter} reads it at a segment's start and end; tests give it a reader of their own.
 */
public interface ThreadUsage {

    /** Whether {@link #cpuNanos()} is counted by this JVM (supported and enabled). */
    boolean measuresCpu();

    /** Whether {@link #allocatedBytes()} is counted by this JVM (supported and enabled). */
    boolean measuresAllocated();

    /** The CPU time the current thread has used, in nanoseconds; negative when it is not counted (any more). */
    long cpuNanos();

    /** The heap bytes the current thread has allocated, ever; negative when they are not counted (any more). */
    long allocatedBytes();

    /** The JVM's own counters ({@code ThreadMXBean}). */
    static ThreadUsage jvm() {
        return JvmThreadUsage.INSTANCE;
    }
}
