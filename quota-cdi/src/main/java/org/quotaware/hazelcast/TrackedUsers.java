package org.quotaware.hazelcast;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * This member's estimate of how many users the whole cluster tracks, for the tracked-user cap: an exact count
 * ({@code map.size()}, a call to every member) at most once a second, plus the entries this member's own operations
 * created or removed since. What it misses is what the other members created since the last count, so the cluster can
 * exceed the cap by at most the new users the other members admit within one second. The count reads each partition's
 * entry count, not the entries: its cost does not grow with the number of users.
 */
final class TrackedUsers {

    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final LongSupplier exactCount;
    private final LongSupplier nanoTime;
    private final AtomicLong estimate = new AtomicLong();
    private final AtomicLong refreshedAt;

    TrackedUsers(LongSupplier exactCount, LongSupplier nanoTime) {
        this.exactCount = exactCount;
        this.nanoTime = nanoTime;
        this.refreshedAt = new AtomicLong(nanoTime.getAsLong() - REFRESH_NANOS);
    }

    /** The estimate, counted exactly first when the last count is more than a second old. */
    long estimate() {
        long last = refreshedAt.get();
        long now = nanoTime.getAsLong();
        if (now - last >= REFRESH_NANOS && refreshedAt.compareAndSet(last, now)) {
            estimate.set(exactCount.getAsLong());
        }
        return estimate.get();
    }

    /** Counts exactly now. */
    long refresh() {
        refreshedAt.set(nanoTime.getAsLong());
        long exact = exactCount.getAsLong();
        estimate.set(exact);
        return exact;
    }

    void add(int delta) {
        if (delta != 0) {
            estimate.addAndGet(delta);
        }
    }
}
