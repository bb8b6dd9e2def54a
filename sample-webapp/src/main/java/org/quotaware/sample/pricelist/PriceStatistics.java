package org.quotaware.sample.pricelist;

import java.math.BigDecimal;

/**
 * Prices of the valid rows in one currency. Mean and median are rounded half-even to the currency's minor unit, or to
 * the finest scale found in the input if that is finer (so 0.125 EUR stays visible). Each value is echoed as short as
 * the prices it comes from: at most {@value AnalysisLimits#MAX_PRICE_INTEGER_DIGITS} digits before the point and
 * {@value AnalysisLimits#MAX_PRICE_SCALE} after it (24 characters), as {@link FieldChecks#price} bounds them.
 *
 * @param count  number of valid rows in this currency
 * @param min    lowest price
 * @param max    highest price
 * @param mean   arithmetic mean
 * @param median middle price; the mean of the two middle prices when the count is even
 */
public record PriceStatistics(int count, BigDecimal min, BigDecimal max, BigDecimal mean, BigDecimal median) {
}
