package org.quotaware.engine;

import org.quotaware.Limit;

/**
 * The three windowed limits, each a ring of {@code buckets + 1} counters in {@link UserState#counts}.
 * <p>
 * A unit counted at time {@code e} goes into bucket {@code floor(e / width)} and is counted by every decision until
 * that bucket is more than {@code buckets} buckets old, that is for at least one window ({@code buckets * width}) and at
 * most one window plus one bucket. Because a decision counts every bucket that overlaps the last window, no interval
 * of one window length ever holds more units than the limit; the price is that a unit may hold its place up to one
 * bucket longer than the window (5 s for a minute, 5 min for an hour, 1 h for a day).
 */
public enum SlidingWindow {
    MINUTE(Limit.REQUESTS_PER_MINUTE, 12, 5_000),
    HOUR(Limit.FILES_PER_HOUR, 12, 300_000),
    DAY(Limit.FILES_PER_DAY, 24, 3_600_000);

    /** Counters of all windows together, the length of {@link UserState#counts}. */
    public static final int TOTAL_SLOTS = 13 + 13 + 25;

    private static final SlidingWindow[] ALL = values();

    final Limit limit;
    final int buckets;
    final long width;
    final int slots;
    final int offset;

    SlidingWindow(Limit limit, int buckets, long width) {
        this.limit = limit;
        this.buckets = buckets;
        this.width = width;
        this.slots = buckets + 1;
        this.offset = offsetOf(ordinal());
    }

    private static int offsetOf(int ordinal) {
        return switch (ordinal) {
            case 0 -> 0;
            case 1 -> 13;
            default -> 26;
        };
    }

    static SlidingWindow[] all() {
        return ALL;
    }

    /** The window of one limit. */
    static SlidingWindow of(Limit limit) {
        return switch (limit) {
            case REQUESTS_PER_MINUTE -> MINUTE;
            case FILES_PER_HOUR -> HOUR;
            case FILES_PER_DAY -> DAY;
            default -> throw new IllegalArgumentException(limit + " has no window");
        };
    }

    /** The bucket length in milliseconds: the longest a unit may count beyond the window. */
    public long bucketMillis() {
        return width;
    }

    /** Bucket index of a time. */
    long bucket(long millis) {
        return millis / width;
    }

    /** The count held for bucket {@code index}, 0 when the ring no longer (or not yet) holds it. */
    private long countAt(int[] counts, long advancedTo, long index) {
        long newest = bucket(advancedTo);
        if (index > newest || index <= newest - slots) {
            return 0;
        }
        return counts[offset + (int) (index % slots)];
    }

    /** Zeroes the buckets that time {@code to} reuses since {@code from}. */
    void advance(int[] counts, long from, long to) {
        long first = bucket(from);
        long steps = Math.min(bucket(to) - first, slots);
        for (long k = 1; k <= steps; k++) {
            counts[offset + (int) ((first + k) % slots)] = 0;
        }
    }

    /** Units counted at {@code now}. */
    long used(int[] counts, long advancedTo, long now) {
        long newest = bucket(now);
        long held = bucket(advancedTo);
        // the buckets both counted at now and still held by the ring; one modulo, then a cursor (this is the hot path)
        long from = Math.max(newest - buckets, held - slots + 1);
        long to = Math.min(newest, held);
        if (from > to) {
            return 0;
        }
        int i = (int) (from % slots);
        long sum = 0;
        for (long n = to - from; n >= 0; n--) {
            sum += counts[offset + i];
            if (++i == slots) {
                i = 0;
            }
        }
        return sum;
    }

    /**
     * Milliseconds from {@code now} until {@code need} more units fit under {@code limit}: the time the oldest
     * buckets leave the window. Assumes they do not fit now and {@code need <= limit}.
     */
    long millisUntilFits(int[] counts, long advancedTo, long now, long need, long limit) {
        long newest = bucket(now);
        long sum = used(counts, advancedTo, now);
        for (long i = newest - buckets; i <= newest; i++) {
            sum -= countAt(counts, advancedTo, i);
            if (sum + need <= limit) {
                return leavesAt(i) - now;
            }
        }
        return leavesAt(newest) - now;
    }

    /** Milliseconds from {@code now} until the oldest counted unit leaves the window, 0 when none is counted. */
    long millisUntilReset(int[] counts, long advancedTo, long now) {
        long newest = bucket(now);
        long held = bucket(advancedTo);
        long from = Math.max(newest - buckets, held - slots + 1);
        long to = Math.min(newest, held);
        int i = from > to ? 0 : (int) (from % slots);
        for (long index = from; index <= to; index++) {
            if (counts[offset + i] > 0) {
                return leavesAt(index) - now;
            }
            if (++i == slots) {
                i = 0;
            }
        }
        return 0;
    }

    /** Counts {@code amount} units at {@code now}; the windows must have been advanced to {@code now}. */
    void add(int[] counts, long now, int amount) {
        int i = offset + (int) (bucket(now) % slots);
        counts[i] = (int) Math.min((long) counts[i] + amount, Integer.MAX_VALUE);
    }

    /** Takes back units counted at {@code at}, if their bucket is still counted. */
    void refund(int[] counts, long advancedTo, long now, long at, int amount) {
        long index = bucket(at);
        if (index < bucket(now) - buckets || countAt(counts, advancedTo, index) == 0) {
            return;
        }
        int i = offset + (int) (index % slots);
        counts[i] = Math.max(0, counts[i] - amount);
    }

    /** The time bucket {@code index} stops being counted. */
    private long leavesAt(long index) {
        return (index + slots) * width;
    }
}
