package org.quotaware.store;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

/**
 * The tracked-user cap of a store shared by several JVMs, and its sweep. This member's estimate of how many users the
 * whole store tracks is an exact count at most once a second plus the states this member's own operations created or
 * removed since; what it misses is what the other members created since the last count, so the store can exceed the
 * cap by at most the new users the other members admit within a second. At the cap, one slice of the states (never
 * all of them) is swept of idle ones, at most once a second of store time.
 */
public final class StateCap {

    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long SWEEP_EVERY_MILLIS = 1_000;

    private final int max;
    private final LongSupplier exactCount;
    private final LongSupplier nanoTime;
    private final Runnable sweepSlice;
    private final AtomicLong estimate = new AtomicLong();
    private final AtomicLong refreshedAt;
    private final AtomicLong lastSweep = new AtomicLong(Long.MIN_VALUE / 2);

    /**
     * @param max        the most states under which a new anonymous user still gets its own
     * @param exactCount counts the store's states (may call every member; called at most once a second)
     * @param nanoTime   this JVM's monotonic clock
     * @param sweepSlice removes the idle states of one slice of the store
     */
    public StateCap(int max, LongSupplier exactCount, LongSupplier nanoTime, Runnable sweepSlice) {
        this.max = max;
        this.exactCount = exactCount;
        this.nanoTime = nanoTime;
        this.sweepSlice = sweepSlice;
        this.refreshedAt = new AtomicLong(nanoTime.getAsLong() - REFRESH_NANOS);
    }

    /**
     * Whether {@code user}, if it has no state, may get one: always, unless the operation
     * {@linkplain QuotaStore#takesRoom takes room}; then checked against the estimate, sweeping one slice at the cap.
     */
    public boolean roomFor(String user, StateOperation<?> operation, long now) {
        if (!QuotaStore.takesRoom(user, operation) || estimate() < max) {
            return true;
        }
        long last = lastSweep.get();
        if (now - last >= SWEEP_EVERY_MILLIS && lastSweep.compareAndSet(last, now)) {
            sweepSlice.run();
            refresh();
        }
        return estimate() < max;
    }

    /** The estimate, counted exactly first when the last count is more than a second old. */
    public long estimate() {
        long last = refreshedAt.get();
        long now = nanoTime.getAsLong();
        if (now - last >= REFRESH_NANOS && refreshedAt.compareAndSet(last, now)) {
            estimate.set(exactCount.getAsLong());
        }
        return estimate.get();
    }

    /** Counts exactly now. */
    public long refresh() {
        refreshedAt.set(nanoTime.getAsLong());
        long exact = exactCount.getAsLong();
        estimate.set(exact);
        return exact;
    }

    /** Adds this member's own change: a state it created (+1) or removed (-1). */
    public void add(int delta) {
        if (delta != 0) {
            estimate.addAndGet(delta);
        }
    }
}
