package org.quotaware.sample.pricelist;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** An upload of {@code size} bytes: a prefix, then one byte repeated; counts how much of it was read. */
final class RepeatedBytes extends InputStream {

    private final byte[] prefix;
    private final byte repeated;
    private final long size;
    private long position;

    RepeatedBytes(String prefix, char repeated, long size) {
        this.prefix = prefix.getBytes(StandardCharsets.UTF_8);
        this.repeated = (byte) repeated;
        this.size = size;
    }

    /** Bytes handed out so far. */
    long handedOut() {
        return position;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (position == size) {
            return -1;
        }
        int n = (int) Math.min(length, size - position);
        for (int i = 0; i < n; i++, position++) {
            buffer[offset + i] = position < prefix.length ? prefix[(int) position] : repeated;
        }
        return n;
    }
}
