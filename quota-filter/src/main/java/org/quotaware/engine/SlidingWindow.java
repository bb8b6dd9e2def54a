package org.quotaware.engine;

import java.util.Set;

import org.quotaware.Counted;
import org.quotaware.QuotaRequest;
import org.quotaware.WindowedLimit;

/**
 * One ring of a {@link UserState}'s counters: a windowed limit's {@code buckets + 1} counters, with a running total.
 * <p>
 * A unit counted at time {@code e} goes into bucket {@code floor(e / width)} and is counted by every decision until
 * that bucket is more than {@code buckets} buckets old, that is for at least one window ({@code buckets * width}) and at
 * most one window plus one bucket. Because a decision counts every bucket that overlaps the last window, no interval
 * of one window length ever holds more units than the limit; the price is that a unit may hold its place up to one
 * bucket longer than the window (5 s for a minute, 5 min for an hour, 1 h for a day).
 * <p>
 * The layout derives from the window ({@link WindowedLimit#buckets}): 12 buckets, 24 for a window of a day or more,
 * each {@code ceil(window / buckets)} long. The common widths (5 s, 5 min, 1 h) and ring sizes (13, 25) are written out as constants: a
 * division by a constant compiles to a multiplication, a division by a field to a hardware division of tens of cycles,
 * and a decision takes about thirty of them.
 */
final class SlidingWindow {

    /**
     * The seed's three rings (requests a minute, files an hour, files a day) at their places in its layout
     * ({@link Windows#LEGACY}), shared by every layout that starts with them. Code that names them
     * ({@link Windows#seed}) calls the static methods below, which pass their numbers (width, ring size, offset) as
     * literals: where those inline, every divisor, offset and ring size is a constant, as when the seed's windows
     * were an enum.
     */
    static final SlidingWindow MINUTE = new SlidingWindow(Counted.REQUESTS, 60_000, null, 0, 0);
    static final SlidingWindow HOUR = new SlidingWindow(Counted.FILES, 3_600_000, null, 1, 15);
    static final SlidingWindow DAY = new SlidingWindow(Counted.FILES, 86_400_000, null, 2, 30);
    private static final SlidingWindow[] SEED = {MINUTE, HOUR, DAY};

    /** Counts a request ({@code request}) and its {@code files} at {@code now} in the seed's three rings. */
    static void addSeed(UserState s, long now, boolean request, int files) {
        if (request) {
            add(s, now, 1, 5_000, 13, 0);
        }
        if (files > 0) {
            add(s, now, files, 300_000, 13, 15);
            add(s, now, files, 3_600_000, 25, 30);
        }
    }

    /** {@link #millisUntilReset(UserState, long)} of {@link #MINUTE}, {@link #HOUR} and {@link #DAY}. */
    static long minuteUntilReset(UserState s, long now) {
        return millisUntilReset(s, now, 5_000, 13, 0);
    }

    static long hourUntilReset(UserState s, long now) {
        return millisUntilReset(s, now, 300_000, 13, 15);
    }

    static long dayUntilReset(UserState s, long now) {
        return millisUntilReset(s, now, 3_600_000, 25, 30);
    }

    final Counted counted;
    final long windowMillis;
    /** The rule whose requests it counts, null for every request. */
    final String rule;
    /** Its index in its layout's rings: the index of its total, and of its units in an allowance. */
    final int ring;
    final int buckets;
    final long width;
    final int slots;
    final int offset;
    /** Where the state's array keeps this ring's total, after its counters: narrow (two chars) and wide (four). */
    final int narrowTotal;
    final int wideTotal;

    SlidingWindow(Counted counted, long windowMillis, String rule, int ring, int offset) {
        this.counted = counted;
        this.windowMillis = windowMillis;
        this.rule = rule;
        this.ring = ring;
        this.buckets = WindowedLimit.buckets(windowMillis);
        this.width = WindowedLimit.bucketMillis(windowMillis);
        this.slots = buckets + 1;
        this.offset = offset;
        this.narrowTotal = offset + slots;
        this.wideTotal = 2 * (offset + slots);
    }

    /** The ring of {@code k} at index {@code ring} and {@code offset}: one of the seed's when it is at its place. */
    static SlidingWindow of(Windows.Key k, int ring, int offset) {
        for (SlidingWindow w : SEED) {
            if (w.ring == ring && w.offset == offset && k.same(w.counted, w.windowMillis, w.rule)) {
                return w;
            }
        }
        return new SlidingWindow(k.counted(), k.windowMillis(), k.rule(), ring, offset);
    }

    Windows.Key key() {
        return new Windows.Key(counted, windowMillis, rule);
    }

    boolean sameKey(SlidingWindow o) {
        return o.counted == counted && o.windowMillis == windowMillis && java.util.Objects.equals(o.rule, rule);
    }

    /** Whether it counts {@code request}: every request, or those of its rule. */
    boolean applies(QuotaRequest request) {
        if (rule == null) {
            return true;
        }
        Set<String> rules = request.rules();
        return rules.contains(rule);
    }

    /**
     * Units {@code request} counts in this ring when admitted: a request, its files, its declared body bytes or its
     * cost; 0 for what is counted when the request ends (CPU time, allocated bytes), and for another rule's request.
     */
    long need(QuotaRequest request) {
        if (!applies(request)) {
            return 0;
        }
        return switch (counted) {
            case REQUESTS -> request.countsRequestIn(rule) ? 1 : 0;
            case FILES -> request.files();
            case BYTES -> request.countsRequestIn(rule) ? Counted.BYTES.units(request.fileSizeBytes()) : 0;
            case COST -> request.countsRequestIn(rule) ? request.cost() : 0;
            case CPU, ALLOCATED -> 0;
        };
    }

    /**
     * The units a request must find free to be admitted: what it counts, or, in a ring counted when requests end, 1
     * (a caller that has used its budget is refused until some of it leaves the window).
     */
    long check(QuotaRequest request) {
        if (counted.chargedAtEnd()) {
            return applies(request) ? 1 : 0;
        }
        return need(request);
    }

    /** Whether a unit counted at {@code at} is still counted at {@code now}. */
    boolean stillCounted(long at, long now) {
        return bucket(at) > bucket(now) - slots;
    }

    /** The longest a unit counted now is counted: the window and one bucket. */
    long spanMillis() {
        return slots * width;
    }

    /** The bucket length in milliseconds: the longest a unit may count beyond the window. */
    public long bucketMillis() {
        return width;
    }

    /** Bucket index of a time. */
    long bucket(long millis) {
        return bucket(millis, width);
    }

    /**
     * Bucket index of a time in buckets of {@code width}: the common widths (see above) as constant divisors, so a
     * literal width (the seed's rings, see {@link Windows#seed}) folds to one of them once inlined.
     */
    static long bucket(long millis, long width) {
        return width == 5_000 ? millis / 5_000 : width == 300_000 ? millis / 300_000
                : width == 3_600_000 ? millis / 3_600_000 : millis / width;
    }

    /** Position of bucket {@code index} in the ring, as an index into the state's counters. */
    private int at(long index) {
        return at(index, slots, offset);
    }

    /** The same for a ring of {@code slots} counters at {@code offset} (the common ring sizes as constants). */
    static int at(long index, int slots, int offset) {
        return offset + (int) (slots == 13 ? index % 13 : slots == 25 ? index % 25 : index % slots);
    }

    @Override
    public String toString() {
        return counted + "/" + windowMillis + "ms" + (rule == null ? "" : "@" + rule);
    }

    /** The count held for bucket {@code index}, 0 when the ring no longer (or not yet) holds it. */
    private long countAt(UserState s, long index) {
        long newest = bucket(s.advancedTo);
        if (index > newest || index <= newest - slots) {
            return 0;
        }
        return s.count(at(index));
    }

    /** Zeroes the buckets that time {@code to} reuses since {@code from}, keeping the running total their sum. */
    void advance(UserState s, long from, long to) {
        long first = bucket(from);
        long steps = bucket(to) - first;
        if (steps > 0 && s.total(this) != 0) { // an empty ring stays empty; the rest on its own, to inline this
            clear(s, first, steps);
        }
    }

    private void clear(UserState s, long first, long steps) {
        if (steps >= slots) {
            for (int i = 0; i < slots; i++) {
                s.setCount(offset + i, 0);
            }
            s.addTotal(this, -s.total(this));
            return;
        }
        long gone = 0;
        for (long k = 1; k <= steps; k++) {
            int i = at(first + k);
            gone += s.count(i);
            s.setCount(i, 0);
        }
        s.addTotal(this, -gone);
    }

    /**
     * Units counted at {@code now} (not earlier than the state's time): the running total, less the buckets that have
     * left the window since the state was last advanced. This is the hot path: one read while time has not moved on.
     */
    long used(UserState s, long now) {
        long total = s.total(this);
        if (total == 0 || now <= s.advancedTo) {
            return total; // nothing counted, or the state is at this very time (a decision has just advanced it)
        }
        long held = bucket(s.advancedTo);
        long gone = bucket(now) - held;
        if (gone <= 0) {
            return total;
        }
        if (gone >= slots) {
            return 0;
        }
        int i = at(held + 1);
        for (long n = gone; n > 0; n--) {
            total -= s.count(i);
            if (++i == offset + slots) {
                i = offset;
            }
        }
        return total;
    }

    /**
     * Milliseconds from {@code now} until {@code need} more units fit under {@code limit}: the time the oldest
     * buckets leave the window. Assumes they do not fit now and {@code need <= limit}.
     */
    long millisUntilFits(UserState s, long now, long need, long limit) {
        long newest = bucket(now);
        long sum = used(s, now);
        for (long i = newest - buckets; i <= newest; i++) {
            sum -= countAt(s, i);
            if (sum + need <= limit) {
                return leavesAt(i) - now;
            }
        }
        return leavesAt(newest) - now;
    }

    /** Milliseconds from {@code now} until the oldest counted unit leaves the window, 0 when none is counted. */
    long millisUntilReset(UserState s, long now) {
        return millisUntilReset(s, now, width, slots, offset);
    }

    /**
     * The same for the ring of these numbers. The arithmetic is static, of the ring's numbers, so that the seed's
     * rings, named by their numbers as literals ({@link #minuteUntilReset} and the like), fold it to constant
     * divisors where it inlines.
     */
    static long millisUntilReset(UserState s, long now, long width, int slots, int offset) {
        if (s.total(offset + slots) == 0) {
            return 0;
        }
        long newest = bucket(now, width);
        long held = now == s.advancedTo ? newest : bucket(s.advancedTo, width);
        long from = Math.max(newest - slots + 1, held - slots + 1);
        long to = Math.min(newest, held);
        if (from > to) {
            return 0;
        }
        // the scan in a method of its own: this part then inlines, and its divisions by the seed's literals fold
        int first = firstCounted(s, at(from, slots, offset), (int) (to - from) + 1, slots, offset);
        return first < 0 ? 0 : (from + first + slots) * width - now;
    }

    /** How many counters after {@code i} the first that is not 0 is, among the next {@code n}; -1 when none is. */
    private static int firstCounted(UserState s, int i, int n, int slots, int offset) {
        for (int k = 0; k < n; k++) {
            if (s.count(i) > 0) {
                return k;
            }
            if (++i == offset + slots) {
                i = offset;
            }
        }
        return -1;
    }

    /** Counts {@code amount} units at {@code now}; the windows must have been advanced to {@code now}. */
    void add(UserState s, long now, int amount) {
        add(s, now, amount, width, slots, offset);
    }

    /** The same for the ring of these numbers (see {@link #millisUntilReset(UserState, long, long, int, int)}). */
    static void add(UserState s, long now, int amount, long width, int slots, int offset) {
        int i = at(bucket(now, width), slots, offset);
        int before = s.count(i);
        int after = (int) Math.min((long) before + amount, Integer.MAX_VALUE);
        s.setCount(i, after);
        s.addTotal(offset + slots, after - before);
    }

    /** Takes back units counted at {@code at}, if their bucket is still counted. */
    void refund(UserState s, long now, long at, int amount) {
        long index = bucket(at);
        if (index < bucket(now) - buckets || countAt(s, index) == 0) {
            return;
        }
        int i = at(index);
        int before = s.count(i);
        int after = Math.max(0, before - amount);
        s.setCount(i, after);
        s.addTotal(this, after - before);
    }

    /**
     * Adds the counts of {@code from} to {@code to} (advanced to {@code from}'s time plus {@code delta}), each moved
     * by {@code delta} into the bucket that holds the last millisecond of its own bucket moved; see
     * {@link UserState#rebased}.
     */
    void moveInto(UserState from, UserState to, long delta) {
        long newest = bucket(from.advancedTo);
        long target = bucket(to.advancedTo);
        for (long index = Math.max(0, newest - slots + 1); index <= newest; index++) {
            int count = from.count(at(index));
            long moved = Math.min(target, bucket((index + 1) * width - 1 + delta));
            if (count == 0 || moved < 0 || moved <= target - slots) {
                continue;
            }
            int i = at(moved);
            to.setCount(i, (int) Math.min((long) to.count(i) + count, Integer.MAX_VALUE));
        }
    }

    /** The time bucket {@code index} stops being counted. */
    private long leavesAt(long index) {
        return (index + slots) * width;
    }
}
