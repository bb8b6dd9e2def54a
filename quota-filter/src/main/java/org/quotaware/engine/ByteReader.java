package org.quotaware.engine;

import java.nio.charset.StandardCharsets;

/**
 * Reads what {@link ByteWriter} wrote. Bytes that end early or hold an impossible value are refused with an
 * {@link IllegalArgumentException} naming the offset, never an {@link ArrayIndexOutOfBoundsException}.
 */
final class ByteReader {

    private final byte[] in;
    private int pos;

    public ByteReader(byte[] in) {
        this.in = in;
    }

    public int getByte() {
        require(1);
        return in[pos++];
    }

    public long getVarint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = (byte) getByte();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw malformed("a varint longer than 10 bytes");
    }

    public long getSignedVarint() {
        long v = getVarint();
        return (v >>> 1) ^ -(v & 1);
    }

    public long getLong() {
        require(8);
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (in[pos++] & 0xFF);
        }
        return v;
    }

    /** A varint that must lie in {@code [0, max]}: a count, an index, a length. */
    public int getCount(int max) {
        long v = getVarint();
        if (v < 0 || v > max) {
            throw malformed("a count of " + v + " where at most " + max + " fits");
        }
        return (int) v;
    }

    /**
     * A count of items that take at least {@code bytesEach} bytes each, at most {@code max}: checked against the bytes
     * left before anyone allocates room for the items, so a few corrupt bytes never make a large allocation.
     */
    public int getCount(int max, int bytesEach) {
        return getCount(Math.min(max, remaining() / bytesEach));
    }

    /** A fixed long that must lie in {@code [min, max]}: a time, a lease's expiry. */
    public long getLong(long min, long max, String what) {
        long v = getLong();
        if (v < min || v > max) {
            throw malformed(what + " of " + v + " outside [" + min + ", " + max + "]");
        }
        return v;
    }

    /** A varint that must lie in {@code [min, max]}. */
    public long getVarint(long min, long max, String what) {
        long v = getVarint();
        if (v < min || v > max) {
            throw malformed(what + " of " + v + " outside [" + min + ", " + max + "]");
        }
        return v;
    }

    /** Bytes not read yet: an upper bound for a count of items that take at least a byte each. */
    public int remaining() {
        return in.length - pos;
    }

    public byte[] getBytes() {
        int n = getCount(remaining());
        byte[] out = new byte[n];
        System.arraycopy(in, pos, out, 0, n);
        pos += n;
        return out;
    }

    public String getString() {
        int n = getCount(remaining() + 1);
        if (n == 0) {
            return null;
        }
        String s = new String(in, pos, n - 1, StandardCharsets.UTF_8);
        pos += n - 1;
        return s;
    }

    /** Refuses trailing bytes: what was read is all that was written. */
    public void requireEnd() {
        if (pos != in.length) {
            throw malformed((in.length - pos) + " unread bytes");
        }
    }

    public IllegalArgumentException malformed(String what) {
        return new IllegalArgumentException("malformed quota bytes: " + what + " at offset " + pos + " of "
                + in.length);
    }

    private void require(int n) {
        if (in.length - pos < n) {
            throw malformed("the bytes end early");
        }
    }
}
