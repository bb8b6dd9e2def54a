package org.quotaware.sample.pricelist;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A price list of exactly {@code size} bytes made up while it is read: a header, then rows written by one of the
 * {@link Kind}s, the last row cut short if it does not fit. Nothing is allocated per row, so measuring the allocation
 * of an analysis does not count the body's.
 */
final class SyntheticUpload extends InputStream {

    /** The shapes of 10 MB that cost the most heap per byte, and an ordinary list for comparison. */
    enum Kind {
        /** {@code a}: millions of one-letter rows, every one invalid (wrong field count). */
        ONE_LETTER_ROWS("sku,name,price,currency\n"),
        /** {@code 0a3Z,,,}: millions of distinct four-character skus on invalid rows, so all of them are indexed. */
        DISTINCT_SKUS("sku,name,price,currency\n"),
        /** {@code 0a3Z,,1,EUR}: distinct skus on the shortest valid rows, so every price is kept too. */
        DISTINCT_VALID_ROWS("sku,name,price,currency\n"),
        /**
         * {@code a,,1,EUR} after the largest price there may be (23 digits, 8 after the point): the shortest valid rows
         * once the currency's prices no longer fit in {@code long}s and are kept as {@code BigDecimal}s.
         */
        BOXED_PRICES("sku,name,price,currency\n"),
        /** {@code SKU-0000042,Product 42,12.42,EUR,42}: one row in 100 has a bad currency, one in 50 repeats a sku. */
        ORDINARY("sku,name,price,currency,stock\n"),
        /** {@code ,,,,...}: after the header, one record of commas alone, millions of empty fields. */
        COMMAS("sku,name,price,currency\n"),
        /** {@code A1,xxxx...}: after the header, one record whose second field is all the rest of the upload. */
        HUGE_FIELD("sku,name,price,currency\n");

        private final byte[] header;

        Kind(String header) {
            this.header = header.getBytes(StandardCharsets.US_ASCII);
        }
    }

    private static final byte[] DIGITS =
            "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".getBytes(StandardCharsets.US_ASCII);

    private final Kind kind;
    private final long size;
    private final byte[] row = new byte[128];
    private int rowLength;
    private int rowPosition;
    private long position;
    private int rows;

    SyntheticUpload(Kind kind, long size) {
        this.kind = kind;
        this.size = size;
        System.arraycopy(kind.header, 0, row, 0, kind.header.length);
        rowLength = kind.header.length;
    }

    /** Rows begun so far (the last one may have been cut). */
    int rows() {
        return rows;
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
        int n = 0;
        while (n < length && position < size) {
            if (rowPosition == rowLength) {
                nextRow();
            }
            int chunk = (int) Math.min(Math.min(length - n, rowLength - rowPosition), size - position);
            System.arraycopy(row, rowPosition, buffer, offset + n, chunk);
            rowPosition += chunk;
            position += chunk;
            n += chunk;
        }
        return n;
    }

    private void nextRow() {
        int i = rows++;
        rowPosition = 0;
        rowLength = 0;
        switch (kind) {
            case ONE_LETTER_ROWS -> text("a\n");
            case DISTINCT_SKUS -> {
                base62(i, 4);
                text(",,,\n");
            }
            case DISTINCT_VALID_ROWS -> {
                base62(i, 4);
                text(",,1,EUR\n");
            }
            case BOXED_PRICES -> text(i == 0 ? "a,,999999999999999.99999999,EUR\n" : "a,,1,EUR\n");
            case COMMAS -> text(",".repeat(64));
            case HUGE_FIELD -> text((i == 0 ? "A1," : "") + "x".repeat(64));
            case ORDINARY -> {
                text("SKU-");
                decimal(i % 50 == 49 ? i - 7 : i, 7);
                text(",Product ");
                decimal(i, 1);
                text(",");
                decimal(i % 100, 1);
                text(".");
                decimal(i % 97, 2);
                text(i % 100 == 99 ? ",eur," : ",EUR,");
                decimal(i % 13, 1);
                text("\n");
            }
        }
    }

    private void text(String ascii) {
        for (int i = 0; i < ascii.length(); i++) {
            row[rowLength++] = (byte) ascii.charAt(i);
        }
    }

    private void base62(int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            row[rowLength + i] = DIGITS[value % DIGITS.length];
            value /= DIGITS.length;
        }
        rowLength += width;
    }

    /** {@code value} in decimal, zero-padded to at least {@code width} digits. */
    private void decimal(int value, int width) {
        int digits = Math.max(width, value == 0 ? 1 : (int) Math.log10(value) + 1);
        for (int i = digits - 1; i >= 0; i--) {
            row[rowLength + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        rowLength += digits;
    }
}
