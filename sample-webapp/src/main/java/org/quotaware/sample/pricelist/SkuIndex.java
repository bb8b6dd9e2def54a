package org.quotaware.sample.pricelist;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Every distinct sku of a price list with the line it first appears on, exact, in four flat arrays: the skus' UTF-8
 * bytes back to back, where each starts, its first line, and an open-addressing table of entry numbers. That is the
 * sku's own bytes plus 8, plus a table slot of 4 at most 3/4 full, per distinct sku (up to twice that while an array
 * waits to fill after doubling), where the {@code HashMap<String, List<Integer>>} it replaces cost over 150: the 1.3
 * million distinct four-character skus of a 10 MiB upload hold 34 MB, in proportion to the upload, whose size the
 * quota filter bounds.
 * <p>
 * The table is probed linearly, so skus whose hashes land next to each other make one cluster that every later sku
 * walks: the cost of a list of such skus grows with their square. The hash is SipHash-1-3 under a key drawn once per
 * JVM, as the hash tables of Rust and Python do, so a caller who knows this code still cannot choose skus that
 * collide (SkuIndexTest sends 20 000 skus that collide under the unkeyed hash this index used before).
 */
final class SkuIndex {

    private static final int FREE = 0;
    private static final VarHandle LITTLE_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long KEY_0;
    private static final long KEY_1;

    static {
        SecureRandom random = new SecureRandom();
        KEY_0 = random.nextLong();
        KEY_1 = random.nextLong();
    }

    private byte[] text = new byte[1024];
    private int textSize;
    private int[] starts = new int[64];
    private int[] firstLines = new int[64];
    private int size;
    /** Linear probing, at most 3/4 full; a slot holds its entry + 1, {@link #FREE} when empty. */
    private int[] slots = new int[128];
    /** Slots looked at by {@link #add}: what the index cost, linear in the skus unless they collide. */
    private long probes;
    /** SipHash's four words of state, reused by every hash of this (single-threaded) index. */
    private final long[] v = new long[4];

    /**
     * Records that {@code sku} appears on {@code line}.
     *
     * @return -1 when the sku is new, else its entry (entries are numbered from 0 in order of first appearance)
     */
    int add(String sku, int line) {
        byte[] utf8 = sku.getBytes(StandardCharsets.UTF_8);
        int mask = slots.length - 1;
        for (int i = hash(utf8, 0, utf8.length) & mask; ; i = (i + 1) & mask) {
            probes++;
            int slot = slots[i];
            if (slot == FREE) {
                slots[i] = append(utf8, line) + 1;
                if (size > slots.length / 4 * 3) {
                    rehash(slots.length * 2);
                }
                return -1;
            }
            if (sameSku(slot - 1, utf8)) {
                return slot - 1;
            }
        }
    }

    int firstLine(int entry) {
        return firstLines[entry];
    }

    int size() {
        return size;
    }

    long probes() {
        return probes;
    }

    private int append(byte[] utf8, int line) {
        if (textSize + utf8.length > text.length) {
            text = Arrays.copyOf(text, Math.max(text.length * 2, textSize + utf8.length));
        }
        if (size == starts.length) {
            starts = Arrays.copyOf(starts, size * 2);
            firstLines = Arrays.copyOf(firstLines, size * 2);
        }
        System.arraycopy(utf8, 0, text, textSize, utf8.length);
        starts[size] = textSize;
        firstLines[size] = line;
        textSize += utf8.length;
        return size++;
    }

    private int end(int entry) {
        return entry + 1 < size ? starts[entry + 1] : textSize;
    }

    private boolean sameSku(int entry, byte[] utf8) {
        int start = starts[entry];
        return Arrays.equals(text, start, end(entry), utf8, 0, utf8.length);
    }

    private void rehash(int capacity) {
        slots = new int[capacity];
        int mask = capacity - 1;
        for (int entry = 0; entry < size; entry++) {
            int i = hash(text, starts[entry], end(entry)) & mask;
            while (slots[i] != FREE) {
                i = (i + 1) & mask;
            }
            slots[i] = entry + 1;
        }
    }

    /** SipHash-1-3 of {@code bytes[from, to)} under this JVM's key, folded to 32 bits. */
    private int hash(byte[] bytes, int from, int to) {
        v[0] = KEY_0 ^ 0x736f6d6570736575L;
        v[1] = KEY_1 ^ 0x646f72616e646f6dL;
        v[2] = KEY_0 ^ 0x6c7967656e657261L;
        v[3] = KEY_1 ^ 0x7465646279746573L;
        int whole = from + ((to - from) & ~7);
        for (int i = from; i < whole; i += 8) {
            compress((long) LITTLE_ENDIAN_LONG.get(bytes, i));
        }
        long last = (long) (to - from) << 56;
        for (int i = whole; i < to; i++) {
            last |= (bytes[i] & 0xFFL) << (8 * (i - whole));
        }
        compress(last);
        v[2] ^= 0xFF;
        round();
        round();
        round();
        long h = v[0] ^ v[1] ^ v[2] ^ v[3];
        return (int) (h ^ (h >>> 32));
    }

    private void compress(long m) {
        v[3] ^= m;
        round();
        v[0] ^= m;
    }

    private void round() {
        long v0 = v[0];
        long v1 = v[1];
        long v2 = v[2];
        long v3 = v[3];
        v0 += v1;
        v1 = Long.rotateLeft(v1, 13) ^ v0;
        v0 = Long.rotateLeft(v0, 32);
        v2 += v3;
        v3 = Long.rotateLeft(v3, 16) ^ v2;
        v0 += v3;
        v3 = Long.rotateLeft(v3, 21) ^ v0;
        v2 += v1;
        v1 = Long.rotateLeft(v1, 17) ^ v2;
        v2 = Long.rotateLeft(v2, 32);
        v[0] = v0;
        v[1] = v1;
        v[2] = v2;
        v[3] = v3;
    }
}
