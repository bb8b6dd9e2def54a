package org.quotaware.engine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.quotaware.Counted;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.WindowedLimit;

/**
 * The layout of a {@link UserState}'s counters, computed from the rows of the limits: one {@link SlidingWindow} ring
 * per distinct (what it counts, window, rule), each ring's counters and then its total, one ring after the other. Rows of the same ring (two limits
 * on requests per minute) share its counters. A state counted under other limits keeps the rings they share, and
 * keeps the others, after these, while they still count something: a user decided under two tiers (a method's tier
 * and the filter's) loses no count either way.
 */
final class Windows {

    /** The three windows of the seed's limits, in the layout of the first state formats (versions 1 and 2). */
    static final Windows LEGACY = of(QuotaLimits.defaults());

    final SlidingWindow[] rings;
    /** The rows of the limits this layout was made from, their {@link Limit}s and rings; empty when read from bytes. */
    final WindowedLimit[] rows;
    final Limit[] rowLimits;
    final int[] ringOfRow;
    /** The limit on each ring: the smallest of its rows' (empty when read from bytes). */
    final long[] ringMax;
    /** Whether a ring counts what a request uses only when it ends (CPU time, allocated bytes). */
    final boolean chargesAtEnd;
    /** Counters of all rings together. */
    final int counters;
    /**
     * The length of a narrow state's array: each ring's counters, one {@code char} each, followed by its total, two.
     * A ring's positions depend only on the rings before it, so a layout extending another keeps every one of them.
     */
    final int length;
    /** The layout this one extends (its rings first, at the same offsets), or null. */
    final Windows base;
    /**
     * Whether its rings are the seed's three ({@link SlidingWindow#MINUTE}, {@link SlidingWindow#HOUR},
     * {@link SlidingWindow#DAY}) and no other: the layout of most states, which the hot paths then name one by one
     * as constants instead of looping over {@link #rings}: the JIT folds
     * nothing of a ring read from an array.
     */
    final boolean seed;
    /** Whether it is {@link #seed} with one row a ring, in the rings' order: the seed's three limits. */
    final boolean seedRows;

    private Windows(List<Key> keys, WindowedLimit[] rows, Limit[] rowLimits, int[] ringOfRow, Windows base) {
        this.rings = new SlidingWindow[keys.size()];
        int offset = 0;
        int counters = 0;
        for (int r = 0; r < rings.length; r++) {
            Key k = keys.get(r);
            rings[r] = SlidingWindow.of(k, r, offset);
            offset += rings[r].slots + 2; // its counters, then its total
            counters += rings[r].slots;
        }
        this.counters = counters;
        this.length = offset;
        this.rows = rows;
        this.rowLimits = rowLimits;
        this.ringOfRow = ringOfRow;
        this.ringMax = new long[rows.length == 0 ? 0 : rings.length];
        java.util.Arrays.fill(ringMax, Long.MAX_VALUE);
        for (int i = 0; i < rows.length; i++) {
            ringMax[ringOfRow[i]] = Math.min(ringMax[ringOfRow[i]], rows[i].max());
        }
        boolean atEnd = false;
        for (SlidingWindow w : rings) {
            atEnd |= w.counted.chargedAtEnd();
        }
        this.chargesAtEnd = atEnd;
        this.base = base;
        this.seed = rings.length == 3 && rings[0] == SlidingWindow.MINUTE && rings[1] == SlidingWindow.HOUR
                && rings[2] == SlidingWindow.DAY;
        this.seedRows = seed && rows.length == 3 && ringOfRow[0] == 0 && ringOfRow[1] == 1 && ringOfRow[2] == 2;
    }

    /** The layout of {@code limits}, made once per limits object. */
    static Windows of(QuotaLimits limits) {
        return limits.derived(Windows::make);
    }

    private static Windows make(QuotaLimits limits) {
        List<WindowedLimit> rows = limits.windows();
        List<Key> keys = new ArrayList<>();
        int[] ringOfRow = new int[rows.size()];
        Limit[] rowLimits = new Limit[rows.size()];
        for (int i = 0; i < rows.size(); i++) {
            rowLimits[i] = limits.windowLimit(i);
            Key k = Key.of(rows.get(i));
            int r = keys.indexOf(k);
            if (r < 0) {
                r = keys.size();
                keys.add(k);
            }
            ringOfRow[i] = r;
        }
        return new Windows(keys, rows.toArray(WindowedLimit[]::new), rowLimits, ringOfRow, null);
    }

    /** A layout read from bytes. */
    static Windows read(List<Key> keys) {
        return new Windows(keys, new WindowedLimit[0], new Limit[0], new int[0], null);
    }

    /** {@code base} followed by the rings {@code extra}. */
    static Windows extended(Windows base, List<Key> extra) {
        List<Key> keys = new ArrayList<>(base.keys());
        keys.addAll(extra);
        return new Windows(keys, base.rows, base.rowLimits, base.ringOfRow, base);
    }

    List<Key> keys() {
        List<Key> keys = new ArrayList<>(rings.length);
        for (SlidingWindow w : rings) {
            keys.add(w.key());
        }
        return keys;
    }

    /** Whether a state in this layout can be read in {@code layout}'s: the same layout, or one extending it. */
    boolean fits(Windows layout) {
        return this == layout || base == layout;
    }

    /** Whether both have the same rings in the same order. */
    boolean sameRings(Windows other) {
        if (other.rings.length != rings.length) {
            return false;
        }
        for (int r = 0; r < rings.length; r++) {
            if (!rings[r].sameKey(other.rings[r])) {
                return false;
            }
        }
        return true;
    }

    /** The index of the ring of key {@code k}, -1 when there is none. */
    int indexOf(Key k) {
        for (int r = 0; r < rings.length; r++) {
            if (rings[r].key().equals(k)) {
                return r;
            }
        }
        return -1;
    }

    @Override
    public String toString() {
        return Arrays.toString(rings);
    }

    /** What identifies a ring: what it counts, its window, the rule whose requests it counts (null: all). */
    record Key(Counted counted, long windowMillis, String rule) {
        static Key of(WindowedLimit row) {
            return new Key(row.counted(), row.windowMillis(), row.rule());
        }

        boolean same(Counted c, long w, String r) {
            return counted == c && windowMillis == w && Objects.equals(rule, r);
        }
    }
}
