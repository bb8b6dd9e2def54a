package org.quotaware.sample.pricelist;

/**
 * Why a row was rejected: a stable machine-readable code and a sentence for people.
 *
 * @param code   what is wrong
 * @param detail the offending value, in words
 */
public record Issue(Code code, String detail) {

    /** The kinds of row problems the analyzer reports. */
    public enum Code {
        /** The row has more or fewer fields than the header. */
        WRONG_FIELD_COUNT,
        /** The sku column is empty. */
        MISSING_SKU,
        /** The price is empty or not a plain decimal number such as {@code 12.50}. */
        BAD_PRICE,
        /** The price is below zero. */
        NEGATIVE_PRICE,
        /**
         * The price is longer than {@value AnalysisLimits#MAX_PRICE_CHARS} characters, has more than
         * {@value AnalysisLimits#MAX_PRICE_SCALE} decimal places or more than
         * {@value AnalysisLimits#MAX_PRICE_INTEGER_DIGITS} digits before its decimal point.
         */
        PRICE_OUT_OF_RANGE,
        /** A field is longer than {@value AnalysisLimits#MAX_FIELD_CHARS} characters. */
        FIELD_TOO_LONG,
        /** The currency is not three upper-case letters. */
        INVALID_CURRENCY,
        /** The currency looks like a code but is not in ISO 4217 (as known to {@link java.util.Currency}). */
        UNKNOWN_CURRENCY
    }
}
