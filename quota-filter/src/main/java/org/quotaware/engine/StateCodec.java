package org.quotaware.engine;

/**
 * The compact binary form of a {@link UserState}, for stores that keep bytes: a distributed store then holds plain
 * {@code byte[]} values, which any member reads without the engine's classes (no class-loading trap for values), and
 * a user's state is small: window counters are unsigned varints, so an idle bucket costs one byte.
 * <pre>
 * version(1) advancedTo(8) counts(51 varints) slots(varint n, n x (token 8, expiry 8))
 * waiting(varint n, n x (token 8, expiry 8)) completed(varint) failed(varint) lastActivity(8)
 * version 2 only: allowances(varint n, n x (grant 8, expiry 8, slots varint, units varint per window))
 *
 * version 3: advancedTo(8) rings(varint n, n x (counted 1, window ms varint, rule string, counts varint per bucket))
 * slots waiting completed failed lastActivity allowances(varint n, n x (grant 8, expiry 8, slots varint, units
 * varint per ring))
 * </pre>
 * A state of the seed's three windows (requests per minute, files per hour and per day) is written in version 1 when it
 * holds no allowance and version 2 when it does, which members of the versions before read, so a rolling upgrade keeps
 * working until a tier declares other windows; version 3, which names each ring by what it counts, its window and
 * its rule, is written only then. The running totals are not stored: they are the sums of the counters, recomputed on
 * decoding.
 * <p>
 * The bytes may come from another member: every count is checked against the bytes left before anything is
 * allocated for it, and every time, token and lease is range-checked, so corrupt bytes are refused with an
 * {@link IllegalArgumentException}, never decoded into a state that admits more.
 */
final class StateCodec {

    private static final byte VERSION_1 = 1;
    private static final byte VERSION_2 = 2;
    private static final byte VERSION = 3;
    /** More rings than any state holds: the windows of a few tiers' limits. */
    private static final int MAX_RINGS = 4 * org.quotaware.QuotaLimits.MAX_WINDOWS;
    private static final org.quotaware.Counted[] COUNTED = org.quotaware.Counted.values();
    /** More lease pairs than any limit allows: a longer list can only be corrupt bytes. */
    private static final int MAX_LEASES = 1_000_000;
    /** A time no clock reaches (the year 10 000); {@link QuotaEngine#NO_LEASE} is the one larger value allowed. */
    static final long MAX_TIME = 253_402_300_800_000L;

    private StateCodec() {
    }

    static byte[] encode(UserState s) {
        ByteWriter out = new ByteWriter(128); // an active user's state is 70 to 100 bytes
        boolean legacy = s.windows.sameRings(Windows.LEGACY);
        boolean allowances = s.allowances.length != 0;
        out.putByte(!legacy ? VERSION : allowances ? VERSION_2 : VERSION_1);
        out.putLong(s.advancedTo);
        if (legacy) {
            for (SlidingWindow w : s.windows.rings) {
                for (int i = 0; i < w.slots; i++) {
                    out.putVarint(s.count(w.offset + i));
                }
            }
        } else {
            out.putVarint(s.windows.rings.length);
            for (SlidingWindow w : s.windows.rings) {
                out.putByte(w.counted.ordinal()).putVarint(w.windowMillis).putString(w.rule);
                for (int i = 0; i < w.slots; i++) {
                    out.putVarint(s.count(w.offset + i));
                }
            }
        }
        putLeases(out, s.slots);
        putLeases(out, s.waiting);
        out.putVarint(s.completed);
        out.putVarint(s.failed);
        out.putLong(s.lastActivity);
        if (allowances || !legacy) {
            long[] a = s.allowances;
            int stride = s.stride();
            out.putVarint(a.length / stride);
            for (int i = 0; i < a.length; i += stride) {
                out.putLong(a[i]).putLong(a[i + Allowances.EXPIRY]).putVarint(a[i + Allowances.SLOTS]);
                for (int w = Allowances.UNITS; w < stride; w++) {
                    out.putVarint(a[i + w]);
                }
            }
        }
        return out.toBytes();
    }

    static UserState decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] < VERSION_1 || bytes[0] > VERSION) {
            throw new IllegalArgumentException(bytes.length == 0 ? "quotaware: an empty quota state"
                    : "quotaware: a quota state of format version " + bytes[0] + ", this member reads up to version "
                    + VERSION + ": upgrade every member of the cluster to the same quotaware version");
        }
        ByteReader in = new ByteReader(bytes);
        int version = in.getByte();
        UserState s = new UserState();
        s.advancedTo = in.getLong(0, MAX_TIME, "the state's time");
        if (version == VERSION) {
            readRings(in, s);
        } else {
            for (SlidingWindow w : Windows.LEGACY.rings) {
                for (int i = 0; i < w.slots; i++) {
                    s.setCount(w.offset + i, in.getCount(Integer.MAX_VALUE));
                }
            }
        }
        s.sumTotals();
        s.slots = getLeases(in);
        s.waiting = getLeases(in);
        s.completed = in.getVarint(0, Long.MAX_VALUE, "completed tasks");
        s.failed = in.getVarint(0, Long.MAX_VALUE, "failed tasks");
        s.lastActivity = in.getLong(0, MAX_TIME, "the last activity");
        if (version != VERSION_1) {
            s.allowances = getAllowances(in, s.stride(), version == VERSION_2);
        }
        in.requireEnd();
        return s;
    }

    /** The rings of a version 3 state: its layout, then its counters. */
    private static void readRings(ByteReader in, UserState s) {
        int n = in.getCount(MAX_RINGS, 4);
        java.util.List<Windows.Key> keys = new java.util.ArrayList<>(n);
        java.util.List<int[]> counts = new java.util.ArrayList<>(n);
        for (int r = 0; r < n; r++) {
            int counted = in.getByte();
            if (counted < 0 || counted >= COUNTED.length) {
                throw in.malformed("a ring counting unit " + counted);
            }
            long window = in.getVarint(org.quotaware.WindowedLimit.MIN_WINDOW_MILLIS,
                    org.quotaware.WindowedLimit.MAX_WINDOW_MILLIS, "a ring's window");
            Windows.Key key = new Windows.Key(COUNTED[counted], window, in.getString());
            if (keys.contains(key)) {
                throw in.malformed("the ring " + key + " twice");
            }
            keys.add(key);
            int[] c = new int[org.quotaware.WindowedLimit.buckets(window) + 1];
            for (int i = 0; i < c.length; i++) {
                c[i] = in.getCount(Integer.MAX_VALUE);
            }
            counts.add(c);
        }
        s.windows = Windows.read(keys);
        s.clearCounts();
        for (SlidingWindow w : s.windows.rings) {
            int[] c = counts.get(w.ring);
            for (int i = 0; i < c.length; i++) {
                s.setCount(w.offset + i, c[i]);
            }
        }
    }

    private static void putLeases(ByteWriter out, long[] leases) {
        out.putVarint(leases.length / 2);
        for (long v : leases) {
            out.putLong(v);
        }
    }

    private static long[] getLeases(ByteReader in) {
        int n = in.getCount(MAX_LEASES, 16);
        if (n == 0) {
            return Leases.NONE;
        }
        long[] leases = new long[n * 2];
        for (int i = 0; i < leases.length; i += 2) {
            leases[i] = token(in);
            leases[i + 1] = expiry(in);
        }
        return leases;
    }

    private static long[] getAllowances(ByteReader in, int stride, boolean required) {
        // an entry takes at least 16 bytes for its id and expiry, and one per varint
        int n = in.getCount(MAX_LEASES, 14 + stride);
        if (n == 0) {
            if (required) {
                throw in.malformed("a version 2 state without allowances");
            }
            return Allowances.NONE;
        }
        long[] a = new long[n * stride];
        for (int i = 0; i < a.length; i += stride) {
            a[i] = token(in);
            a[i + Allowances.EXPIRY] = expiry(in);
            a[i + Allowances.SLOTS] = in.getVarint(0, Integer.MAX_VALUE, "an allowance's slots");
            for (int w = Allowances.UNITS; w < stride; w++) {
                a[i + w] = in.getVarint(0, Integer.MAX_VALUE, "an allowance's units");
            }
        }
        return a;
    }

    private static long token(ByteReader in) {
        long token = in.getLong();
        if (token == 0) {
            throw in.malformed("a token of 0");
        }
        return token;
    }

    private static long expiry(ByteReader in) {
        long expiry = in.getLong();
        if (expiry != QuotaEngine.NO_LEASE && (expiry < 0 || expiry > MAX_TIME)) {
            throw in.malformed("a lease expiry of " + expiry);
        }
        return expiry;
    }
}
