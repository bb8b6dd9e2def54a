package org.quotaware.engine;

import java.util.Arrays;

/**
 * The allowances a user's state records: what the owner of the state granted members to decide on their own, kept
 * in a {@code long[]} of entries of {@code stride} longs ({@link UserState#stride()}), without holes:
 * <pre>
 * grant id, expiry, slots, then the units of each ring of the state's {@link Windows}
 * </pre>
 * An entry counts as taken for everyone else until it is settled: its slots as held (while it lives), its units as
 * used in their windows. A member settles it by reporting what it used, which is then counted at the time of the
 * report; an entry nobody settles expires, and its units are then counted as used at its expiry (the latest a member
 * could have used them). The lists are short: one entry per member deciding for the user.
 */
final class Allowances {

    static final long[] NONE = new long[0];
    static final int EXPIRY = 1;
    static final int SLOTS = 2;
    static final int UNITS = 3;

    private Allowances() {
    }

    static int count(long[] a, int stride) {
        return a.length / stride;
    }

    /** The index of grant {@code id}'s entry, -1 when there is none. */
    static int find(long[] a, long id, int stride) {
        if (id == 0) {
            return -1;
        }
        for (int i = 0; i < a.length; i += stride) {
            if (a[i] == id) {
                return i;
            }
        }
        return -1;
    }

    /** The list with a new entry, all its units 0. */
    static long[] add(long[] a, long id, long expiry, long slots, int stride) {
        long[] grown = Arrays.copyOf(a, a.length + stride);
        grown[a.length] = id;
        grown[a.length + EXPIRY] = expiry;
        grown[a.length + SLOTS] = slots;
        return grown;
    }

    /** The list without the entry at {@code index}. */
    static long[] remove(long[] a, int index, int stride) {
        if (a.length == stride) {
            return NONE;
        }
        long[] out = new long[a.length - stride];
        System.arraycopy(a, 0, out, 0, index);
        System.arraycopy(a, index + stride, out, index, a.length - index - stride);
        return out;
    }

    /** Slots of the entries still live at {@code now}. */
    static long liveSlots(long[] a, int stride, long now) {
        long n = 0;
        for (int i = 0; i < a.length; i += stride) {
            if (a[i + EXPIRY] > now) {
                n += a[i + SLOTS];
            }
        }
        return n;
    }

    /**
     * Units of window {@code w} the entries hold at {@code now}: those of a live entry, and those of an expired one
     * the state has not advanced past yet while they would still count (the advance counts them at its expiry).
     */
    static long outstanding(long[] a, int stride, SlidingWindow w, long now) {
        long n = 0;
        for (int i = 0; i < a.length; i += stride) {
            long units = a[i + UNITS + w.ring];
            if (units > 0 && (a[i + EXPIRY] > now || w.stillCounted(a[i + EXPIRY], now))) {
                n += units;
            }
        }
        return n;
    }

    /** The earliest expiry of an entry holding units of {@code w}, {@link Long#MAX_VALUE} when none holds any. */
    static long firstExpiry(long[] a, int stride, SlidingWindow w) {
        long first = Long.MAX_VALUE;
        for (int i = 0; i < a.length; i += stride) {
            if (a[i + UNITS + w.ring] > 0) {
                first = Math.min(first, a[i + EXPIRY]);
            }
        }
        return first;
    }

    /**
     * True when every entry has expired by {@code now} and its units, counted at its expiry, have left their windows:
     * then the entries hold nothing a decision needs.
     */
    static boolean lapsed(long[] a, Windows windows, long now) {
        int stride = UNITS + windows.rings.length;
        for (int i = 0; i < a.length; i += stride) {
            long expiry = a[i + EXPIRY];
            if (expiry > now) {
                return false;
            }
            for (SlidingWindow w : windows.rings) {
                if (a[i + UNITS + w.ring] > 0 && expiry + w.spanMillis() > now) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The first expiry after {@code now}, {@link Long#MAX_VALUE} when none is to come. */
    static long firstEnd(long[] a, int stride, long now) {
        long first = Long.MAX_VALUE;
        for (int i = EXPIRY; i < a.length; i += stride) {
            if (a[i] > now) {
                first = Math.min(first, a[i]);
            }
        }
        return first;
    }

    /** The index of the entry that expired first at or before {@code now}, -1 when none has. */
    static int firstExpired(long[] a, long now, int stride) {
        int first = -1;
        for (int i = 0; i < a.length; i += stride) {
            if (a[i + EXPIRY] <= now && (first < 0 || a[i + EXPIRY] < a[first + EXPIRY])) {
                first = i;
            }
        }
        return first;
    }
}
