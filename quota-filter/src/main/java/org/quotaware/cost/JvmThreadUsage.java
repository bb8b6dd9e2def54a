package org.quotaware.cost;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * The current thread's counters from the platform's {@link ThreadMXBean}: CPU time where the JVM supports and enables
 * it (HotSpot on Linux reads the thread's CPU clock), allocated bytes where the bean is HotSpot's
 * {@code com.sun.management.ThreadMXBean} (a read of the thread's allocation counter, no system call).
 */
final class JvmThreadUsage implements ThreadUsage {

    static final JvmThreadUsage INSTANCE = new JvmThreadUsage();

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    /** HotSpot's bean, or null on a JVM without {@code com.sun.management} (or whose bean is not one). */
    private final com.sun.management.ThreadMXBean hotspot = hotspot(threads);
    private final boolean cpu;
    private final boolean allocated;

    private JvmThreadUsage() {
        cpu = threads.isCurrentThreadCpuTimeSupported() && threads.isThreadCpuTimeEnabled();
        allocated = hotspot != null && hotspot.isThreadAllocatedMemorySupported()
                && hotspot.isThreadAllocatedMemoryEnabled();
    }

    private static com.sun.management.ThreadMXBean hotspot(ThreadMXBean threads) {
        try {
            return threads instanceof com.sun.management.ThreadMXBean h ? h : null;
        } catch (LinkageError noJdkManagement) {
            return null; // a runtime image without the jdk.management module
        }
    }

    @Override
    public boolean measuresCpu() {
        return cpu;
    }

    @Override
    public boolean measuresAllocated() {
        return allocated;
    }

    @Override
    public long cpuNanos() {
        return threads.getCurrentThreadCpuTime();
    }

    @Override
    public long allocatedBytes() {
        return hotspot.getCurrentThreadAllocatedBytes();
    }
}
