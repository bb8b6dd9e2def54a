package org.quotaware.engine;

/**
 * The compact binary form of a {@link UserState}, for stores that keep bytes: a distributed store then holds plain
 * {@code byte[]} values, which any member reads without the engine's classes (no class-loading trap for values), and
 * a user's state is small: window counters are unsigned varints, so an idle bucket costs one byte.
 * <pre>
 * version(1) advancedTo(8) counts(51 varints) slots(varint n, n x (token 8, expiry 8))
 * waiting(varint n, n x (token 8, expiry 8)) completed(varint) failed(varint) lastActivity(8)
 * </pre>
 * The running totals are not stored: they are the sums of the counters, recomputed on decoding.
 */
final class StateCodec {

    private static final byte VERSION = 1;
    /** More lease pairs than any limit allows: a longer list can only be corrupt bytes. */
    private static final int MAX_LEASES = 1_000_000;

    private StateCodec() {
    }

    static byte[] encode(UserState s) {
        ByteWriter out = new ByteWriter(128); // an active user's state is 70 to 100 bytes
        out.putByte(VERSION);
        out.putLong(s.advancedTo);
        for (int i = 0; i < SlidingWindow.TOTAL_SLOTS; i++) {
            out.putVarint(s.count(i));
        }
        putLeases(out, s.slots);
        putLeases(out, s.waiting);
        out.putVarint(s.completed);
        out.putVarint(s.failed);
        out.putLong(s.lastActivity);
        return out.toBytes();
    }

    static UserState decode(byte[] bytes) {
        if (bytes.length == 0 || bytes[0] != VERSION) {
            throw new IllegalArgumentException(bytes.length == 0 ? "quotaware: an empty quota state"
                    : "quotaware: a quota state of format version " + bytes[0] + ", this member reads version "
                    + VERSION + ": upgrade every member of the cluster to the same quotaware version");
        }
        ByteReader in = new ByteReader(bytes);
        in.getByte();
        UserState s = new UserState();
        s.advancedTo = in.getLong();
        for (int i = 0; i < SlidingWindow.TOTAL_SLOTS; i++) {
            s.setCount(i, in.getCount(Integer.MAX_VALUE));
        }
        s.sumTotals();
        s.slots = getLeases(in);
        s.waiting = getLeases(in);
        s.completed = in.getVarint();
        s.failed = in.getVarint();
        s.lastActivity = in.getLong();
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
        int n = in.getCount(MAX_LEASES);
        if (n == 0) {
            return Leases.NONE;
        }
        long[] leases = new long[n * 2];
        for (int i = 0; i < leases.length; i++) {
            leases[i] = in.getLong();
        }
        return leases;
    }
}
