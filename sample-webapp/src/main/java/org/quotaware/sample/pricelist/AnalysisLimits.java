package org.quotaware.sample.pricelist;

/**
 * How much of a price list's problems an analysis lists; the totals are always counted in full. Bounds the heap an
 * upload costs and the size of the answer, however many rows are wrong.
 *
 * @param maxInvalidRows invalid rows listed (the first ones, in file order), at least 0
 * @param maxDuplicates  repeated skus listed (the first ones found repeated), at least 0
 */
public record AnalysisLimits(int maxInvalidRows, int maxDuplicates) {

    /** Lines listed per repeated sku; the number of times it appears is counted in full. */
    public static final int LINES_PER_DUPLICATE = 10;

    /** Characters of a value (sku, price, currency) echoed in an analysis; longer ones are cut and end with "…". */
    public static final int MAX_ECHOED_CHARS = 64;

    /**
     * Fields a record may have: a header with more is refused at once; a data row with more is an invalid row (its
     * fields are counted, not kept).
     */
    public static final int MAX_FIELDS = 1024;

    /** Characters a field may have: a header field longer is refused at once, a longer one makes its row invalid. */
    public static final int MAX_FIELD_CHARS = 65_536;

    /** Characters a price may have, its sign and leading zeros included. */
    public static final int MAX_PRICE_CHARS = 32;

    /** Decimal places a price may have: the finest scale the statistics of a currency are computed at. */
    public static final int MAX_PRICE_SCALE = 8;

    /** Digits a price may have before its decimal point: every price is below 10^15. */
    public static final int MAX_PRICE_INTEGER_DIGITS = 15;

    public AnalysisLimits {
        if (maxInvalidRows < 0) {
            throw new IllegalArgumentException("maxInvalidRows must be >= 0, was " + maxInvalidRows);
        }
        if (maxDuplicates < 0) {
            throw new IllegalArgumentException("maxDuplicates must be >= 0, was " + maxDuplicates);
        }
    }

    /** {@code value}, cut to {@link #MAX_ECHOED_CHARS} characters: a 10 MB sku must not make a 10 MB answer. */
    static String echo(String value) {
        if (value == null || value.length() <= MAX_ECHOED_CHARS) {
            return value;
        }
        int end = MAX_ECHOED_CHARS - 1;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(0, end) + "…";
    }
}
