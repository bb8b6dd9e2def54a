package org.quotaware.engine;

import java.util.Arrays;

/**
 * The compact binary form of a {@link UserState}, for stores that keep bytes: a distributed store then holds plain
 * {@code byte[]} values, which any member reads without the engine's classes (no class-loading trap for values), and
 * a user's state is small: window counters are unsigned varints, so an idle bucket costs one byte.
 * <pre>
 * version(1) advancedTo(8) counts(51 varints) slots(varint n, n x (token 8, expiry 8))
 * waiting(varint n, n x (token 8, expiry 8)) completed(varint) failed(varint) lastActivity(8)
 * </pre>
 */
final class StateCodec {

    private static final byte VERSION = 1;

    private StateCodec() {
    }

    static byte[] encode(UserState s) {
        byte[] out = new byte[1 + 8 + SlidingWindow.TOTAL_SLOTS * 5 + 10 + s.slots.length * 8 + 10
                + s.waiting.length * 8 + 20 + 8];
        int[] pos = {0};
        out[pos[0]++] = VERSION;
        putLong(out, pos, s.advancedTo);
        for (int i = 0; i < SlidingWindow.TOTAL_SLOTS; i++) {
            putVarint(out, pos, s.count(i));
        }
        putLeases(out, pos, s.slots);
        putLeases(out, pos, s.waiting);
        putVarint(out, pos, s.completed);
        putVarint(out, pos, s.failed);
        putLong(out, pos, s.lastActivity);
        return Arrays.copyOf(out, pos[0]);
    }

    static UserState decode(byte[] in) {
        if (in.length == 0 || in[0] != VERSION) {
            throw new IllegalArgumentException("not a quota state of version " + VERSION);
        }
        int[] pos = {1};
        UserState s = new UserState();
        s.advancedTo = getLong(in, pos);
        for (int i = 0; i < SlidingWindow.TOTAL_SLOTS; i++) {
            long count = getVarint(in, pos);
            if (count > Integer.MAX_VALUE) {
                throw new IllegalArgumentException("a window count above " + Integer.MAX_VALUE + " in a quota state");
            }
            s.setCount(i, (int) count);
        }
        s.sumTotals();
        s.slots = getLeases(in, pos);
        s.waiting = getLeases(in, pos);
        s.completed = getVarint(in, pos);
        s.failed = getVarint(in, pos);
        s.lastActivity = getLong(in, pos);
        return s;
    }

    private static void putLeases(byte[] out, int[] pos, long[] leases) {
        putVarint(out, pos, leases.length / 2);
        for (long v : leases) {
            putLong(out, pos, v);
        }
    }

    private static long[] getLeases(byte[] in, int[] pos) {
        int n = (int) getVarint(in, pos);
        if (n == 0) {
            return Leases.NONE;
        }
        long[] leases = new long[n * 2];
        for (int i = 0; i < leases.length; i++) {
            leases[i] = getLong(in, pos);
        }
        return leases;
    }

    private static void putVarint(byte[] out, int[] pos, long v) {
        while ((v & ~0x7FL) != 0) {
            out[pos[0]++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[pos[0]++] = (byte) v;
    }

    private static long getVarint(byte[] in, int[] pos) {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = in[pos[0]++];
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw new IllegalArgumentException("malformed varint in a quota state");
    }

    private static void putLong(byte[] out, int[] pos, long v) {
        for (int i = 7; i >= 0; i--) {
            out[pos[0]++] = (byte) (v >>> (i * 8));
        }
    }

    private static long getLong(byte[] in, int[] pos) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[pos[0]++] & 0xFF);
        }
        return v;
    }
}
