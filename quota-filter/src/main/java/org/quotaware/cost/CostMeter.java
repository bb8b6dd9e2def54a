package org.quotaware.cost;

import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.quotaware.Counted;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.spi.ChargeListener;

/**
 * Measures what a request costs on the threads that run it: the CPU time and the heap bytes a thread used in a
 * {@linkplain #start() segment} of the request (the request thread from admission to the chain's return, an
 * {@code ASYNC} dispatch, a {@code @Quota} method's body), charged to the request's permit before the permit closes:
 * <pre>{@code
 * CostMeter.Segment segment = meter.start();
 * try { ... } finally { segment.charge(permit); permit.close(); }
 * }</pre>
 * Only the units some limit counts are measured ({@link QuotaManager#chargedAtEnd()}, asked at every start: a tier
 * changed at run time may add or drop one); with none, {@link #start()} answers a shared segment that does nothing.
 * A unit the JVM does not count is not measured, with one warning in the log.
 * <p>
 * What a thread of the application's own does for the request (an executor it hands work to, a
 * {@code CompletableFuture.supplyAsync}) is not measured: a thread's counters cannot say for which request it worked.
 */
public final class CostMeter {

    private static final Logger LOG = Logger.getLogger(CostMeter.class.getName());
    /** One warning per unit and JVM, however many meters and requests ask for it. */
    private static final AtomicBoolean[] WARNED = {new AtomicBoolean(), new AtomicBoolean()};
    private static final ChargeListener[] NO_LISTENERS = {};

    private final Supplier<Set<Counted>> units;
    private final ThreadUsage usage;
    private volatile ChargeListener[] listeners = NO_LISTENERS;

    /** A meter of what {@code manager}'s limits count, read from the JVM's counters. */
    public CostMeter(QuotaManager manager) {
        this(manager::chargedAtEnd, ThreadUsage.jvm());
    }

    /**
     * @param units what to measure now: of {@link Counted#CPU} and {@link Counted#ALLOCATED}, others are ignored
     * @param usage where the current thread's counters are read
     */
    public CostMeter(Supplier<Set<Counted>> units, ThreadUsage usage) {
        this.units = Objects.requireNonNull(units, "units");
        this.usage = Objects.requireNonNull(usage, "usage");
    }

    /** Adds a listener told of every charge this meter makes. */
    public synchronized void listen(ChargeListener listener) {
        ChargeListener[] more = Arrays.copyOf(listeners, listeners.length + 1);
        more[listeners.length] = Objects.requireNonNull(listener, "listener");
        listeners = more;
    }

    /** Starts a segment on the current thread; {@link Segment#charge} ends it on the same thread. */
    public Segment start() {
        Set<Counted> wanted = units.get();
        if (wanted.isEmpty()) {
            return Segment.NONE;
        }
        boolean cpu = wanted.contains(Counted.CPU) && measured(Counted.CPU, usage.measuresCpu());
        boolean allocated = wanted.contains(Counted.ALLOCATED) && measured(Counted.ALLOCATED,
                usage.measuresAllocated());
        if (!cpu && !allocated) {
            return Segment.NONE;
        }
        return new Segment(this, Thread.currentThread(), cpu ? usage.cpuNanos() : -1,
                allocated ? usage.allocatedBytes() : -1);
    }

    private static boolean measured(Counted unit, boolean counted) {
        AtomicBoolean warned = WARNED[unit == Counted.CPU ? 0 : 1];
        if (!counted && !warned.get() && !warned.getAndSet(true)) {
            LOG.warning(() -> "quotaware: a limit counts " + unit + " but this JVM does not measure "
                    + (unit == Counted.CPU ? "thread CPU time (ThreadMXBean.isThreadCpuTimeSupported/Enabled)"
                    : "thread allocation (com.sun.management.ThreadMXBean.isThreadAllocatedMemorySupported/Enabled)")
                    + ": requests are not charged for it, so that limit never refuses anyone");
        }
        return counted;
    }

    /**
     * What one thread used from {@link CostMeter#start()} on. Not thread-safe: it is started and charged by the
     * thread it measures; charged from another thread, it charges nothing (that thread's counters say nothing of it).
     */
    public static final class Segment {

        /** The segment of a meter that measures nothing. */
        public static final Segment NONE = new Segment(null, null, -1, -1);

        private final CostMeter meter;
        private final Thread thread;
        /** The counters at the start; negative for a unit not measured. */
        private final long cpuStart;
        private final long allocatedStart;

        private Segment(CostMeter meter, Thread thread, long cpuStart, long allocatedStart) {
            this.meter = meter;
            this.thread = thread;
            this.cpuStart = cpuStart;
            this.allocatedStart = allocatedStart;
        }

        /**
         * Charges {@code permit} with what the thread used since the start, and tells the meter's listeners. Call it
         * once, before the permit closes (a closed permit ignores charges); a null permit is charged nothing.
         */
        public void charge(QuotaPermit permit) {
            if (meter == null || permit == null || thread != Thread.currentThread() || permit.isClosed()) {
                return;
            }
            long cpu = used(cpuStart, cpuStart < 0 ? -1 : meter.usage.cpuNanos());
            long allocated = used(allocatedStart, allocatedStart < 0 ? -1 : meter.usage.allocatedBytes());
            if (cpu == 0 && allocated == 0) {
                return;
            }
            permit.charge(Counted.CPU, cpu);
            permit.charge(Counted.ALLOCATED, allocated);
            for (ChargeListener listener : meter.listeners) {
                try {
                    listener.charged(permit, cpu, allocated);
                } catch (RuntimeException e) {
                    // a listener's failure must never keep the caller from closing the permit
                    LOG.log(Level.FINE, "quotaware: a charge listener failed", e);
                }
            }
        }

        /** The difference, 0 when either end was not read (or the counter was switched off in between). */
        private static long used(long start, long end) {
            return start < 0 || end < start ? 0 : end - start;
        }
    }
}
