package org.quotaware.engine;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes the library's compact binary forms: unsigned varints for counts, zigzag varints for values that may be
 * negative, fixed 8-byte longs for values that use all their bits (random tokens). Read back by {@link ByteReader}.
 */
final class ByteWriter {

    private byte[] buf;
    private int pos;

    public ByteWriter() {
        this(64);
    }

    /** A writer whose first buffer holds {@code capacity} bytes (it grows as needed). */
    public ByteWriter(int capacity) {
        buf = new byte[Math.max(16, capacity)];
    }

    public ByteWriter putByte(int b) {
        ensure(1);
        buf[pos++] = (byte) b;
        return this;
    }

    /** 7 bits a byte, low bits first: 0 to 127 take one byte, a negative value ten. */
    public ByteWriter putVarint(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            buf[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        buf[pos++] = (byte) v;
        return this;
    }

    /** Zigzag, so small negative values (an {@code OFF} of -1) stay one byte. */
    public ByteWriter putSignedVarint(long v) {
        return putVarint((v << 1) ^ (v >> 63));
    }

    public ByteWriter putLong(long v) {
        ensure(8);
        for (int i = 7; i >= 0; i--) {
            buf[pos++] = (byte) (v >>> (i * 8));
        }
        return this;
    }

    /** A length, then the bytes. */
    public ByteWriter putBytes(byte[] bytes) {
        putVarint(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, pos, bytes.length);
        pos += bytes.length;
        return this;
    }

    /** UTF-8 with its length plus one, 0 standing for null. */
    public ByteWriter putString(String s) {
        if (s == null) {
            return putVarint(0);
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        putVarint(utf8.length + 1L);
        ensure(utf8.length);
        System.arraycopy(utf8, 0, buf, pos, utf8.length);
        pos += utf8.length;
        return this;
    }
    public byte[] toBytes() {
        return Arrays.copyOf(buf, pos);
    }

    private void ensure(int more) {
        if (buf.length - pos < more) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
        }
    }
}
