package org.quotaware.engine;

/**
 * The compact binary form of a {@link UserState}, for stores that keep bytes: a distributed store then holds plain
 * {@code byte[]} values, which any member reads without the engine's classes (no class-loading trap for values), and
 * a user's state is small: window counters are unsigned varints, so an idle bucket costs one byte.
 * <pre>
 * version(1) advancedTo(8) counts(51 varints) slots(varint n, n x (token 8, expiry 8))
 * waiting(varint n, n x (token 8, expiry 8)) completed(varint) failed(varint) lastActivity(8)
 * version 2 only: allowances(varint n, n x (grant 8, expiry 8, slots varint, units varint per window))
 * </pre>
 * A state without allowances is written in version 1, which every earlier member reads, so a rolling upgrade keeps
 * working until members start granting allowances; version 2 is written only when the state holds some. The running
 * totals are not stored: they are the sums of the counters, recomputed on decoding.
 * <p>
 * The bytes may come from another member: every count is checked against the bytes left before anything is
 * allocated for it, and every time, token and lease is range-checked, so corrupt bytes are refused with an
 * {@link IllegalArgumentException}, never decoded into a state that admits more.
 */
final class StateCodec {

    private static final byte VERSION_1 = 1;
    private static final byte VERSION = 2;
    /** More lease pairs than any limit allows: a longer list can only be corrupt bytes. */
    private static final int MAX_LEASES = 1_000_000;
    /** A time no clock reaches (the year 10 000); {@link QuotaEngine#NO_LEASE} is the one larger value allowed. */
    static final long MAX_TIME = 253_402_300_800_000L;

    private StateCodec() {
    }

    static byte[] encode(UserState s) {
        ByteWriter out = new ByteWriter(128); // an active user's state is 70 to 100 bytes
        boolean allowances = s.allowances.length != 0;
        out.putByte(allowances ? VERSION : VERSION_1);
        out.putLong(s.advancedTo);
        for (int i = 0; i < SlidingWindow.TOTAL_SLOTS; i++) {
            out.putVarint(s.count(i));
        }
        putLeases(out, s.slots);
        putLeases(out, s.waiting);
        out.putVarint(s.completed);
        out.putVarint(s.failed);
        out.putLong(s.lastActivity);
        if (allowances) {
            long[] a = s.allowances;
            out.putVarint(Allowances.count(a));
            for (int i = 0; i < a.length; i += Allowances.STRIDE) {
                out.putLong(a[i]).putLong(a[i + Allowances.EXPIRY]).putVarint(a[i + Allowances.SLOTS]);
                for (int w = 0; w < Allowances.WINDOWS; w++) {
                    out.putVarint(a[i + Allowances.UNITS + w]);
                }
            }
        }
        return out.toBytes();
    }

    static UserState decode(byte[] bytes) {
        if (bytes.length == 0 || (bytes[0] != VERSION && bytes[0] != VERSION_1)) {
            throw new IllegalArgumentException(bytes.length == 0 ? "quotaware: an empty quota state"
                    : "quotaware: a quota state of format version " + bytes[0] + ", this member reads up to version "
                    + VERSION + ": upgrade every member of the cluster to the same quotaware version");
        }
        ByteReader in = new ByteReader(bytes);
        int version = in.getByte();
        UserState s = new UserState();
        s.advancedTo = in.getLong(0, MAX_TIME, "the state's time");
        for (int i = 0; i < SlidingWindow.TOTAL_SLOTS; i++) {
            s.setCount(i, in.getCount(Integer.MAX_VALUE));
        }
        s.sumTotals();
        s.slots = getLeases(in);
        s.waiting = getLeases(in);
        s.completed = in.getVarint(0, Long.MAX_VALUE, "completed tasks");
        s.failed = in.getVarint(0, Long.MAX_VALUE, "failed tasks");
        s.lastActivity = in.getLong(0, MAX_TIME, "the last activity");
        if (version == VERSION) {
            s.allowances = getAllowances(in);
        }
        in.requireEnd();
        return s;
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

    private static long[] getAllowances(ByteReader in) {
        // an entry takes at least 16 bytes for its id and expiry, and one per varint
        int n = in.getCount(MAX_LEASES, 17 + Allowances.WINDOWS);
        if (n == 0) {
            throw in.malformed("a version 2 state without allowances");
        }
        long[] a = new long[n * Allowances.STRIDE];
        for (int i = 0; i < a.length; i += Allowances.STRIDE) {
            a[i] = token(in);
            a[i + Allowances.EXPIRY] = expiry(in);
            a[i + Allowances.SLOTS] = in.getVarint(0, Integer.MAX_VALUE, "an allowance's slots");
            for (int w = 0; w < Allowances.WINDOWS; w++) {
                a[i + Allowances.UNITS + w] = in.getVarint(0, Integer.MAX_VALUE, "an allowance's units");
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
