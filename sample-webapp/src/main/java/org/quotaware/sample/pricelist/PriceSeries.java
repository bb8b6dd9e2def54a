package org.quotaware.sample.pricelist;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Currency;
import java.util.List;
import java.util.function.IntFunction;

/**
 * The valid prices of one currency, all kept because the median needs them. As long as they fit, they are unscaled
 * {@code long}s at one common scale: 8 bytes a price instead of a {@code BigDecimal} (40 bytes and a reference), so
 * a 10 MB list of valid rows costs less heap than its own size. A price that does not fit (beyond 18 digits) turns
 * the currency's prices into {@code BigDecimal}s.
 * <p>
 * The cost is linear in the prices (their sort aside) because {@link FieldChecks#price} bounds what a price may be:
 * at most {@value AnalysisLimits#MAX_PRICE_SCALE} decimal places, so the stored prices are rescaled at most that many
 * times and a sum never carries a longer scale, and at most 23 digits, so every addition and comparison of
 * {@code BigDecimal}s costs the same.
 */
final class PriceSeries {

    private static final int LONG_DIGITS = 18;

    /** The currency's minor unit, or the finest scale found in its prices if that is finer. */
    private int scale;
    private long[] unscaled = new long[16];
    private int size;
    /** Set once a price did not fit a {@code long} at the common scale; then it holds them all. */
    private List<BigDecimal> boxed;

    PriceSeries(String currency) {
        this.scale = Math.max(Currency.getInstance(currency).getDefaultFractionDigits(), 0);
    }

    /** @param price at least zero, with a scale of at least zero (as {@link FieldChecks#price} returns them) */
    void add(BigDecimal price) {
        if (boxed == null && price.scale() > scale && !rescale(price.scale())) {
            box();
        }
        scale = Math.max(scale, price.scale());
        if (boxed == null) {
            BigInteger value = price.setScale(scale).unscaledValue();
            if (value.bitLength() < Long.SIZE) {
                if (size == unscaled.length) {
                    unscaled = Arrays.copyOf(unscaled, size * 2);
                }
                unscaled[size++] = value.longValue();
                return;
            }
            box();
        }
        boxed.add(price);
    }

    /** Count, min, max, mean and median, rounded half-even to the common scale. */
    PriceStatistics statistics() {
        int n = boxed == null ? size : boxed.size();
        IntFunction<BigDecimal> sorted;
        BigDecimal sum;
        if (boxed == null) {
            Arrays.sort(unscaled, 0, size);
            sorted = i -> BigDecimal.valueOf(unscaled[i], scale);
            sum = sumOfUnscaled();
        } else {
            boxed.sort(null);
            sorted = boxed::get;
            sum = boxed.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        }
        BigDecimal median = n % 2 == 1
                ? sorted.apply(n / 2)
                : sorted.apply(n / 2 - 1).add(sorted.apply(n / 2)).divide(BigDecimal.valueOf(2), scale,
                        RoundingMode.HALF_EVEN);
        return new PriceStatistics(n, sorted.apply(0).setScale(scale), sorted.apply(n - 1).setScale(scale),
                sum.divide(BigDecimal.valueOf(n), scale, RoundingMode.HALF_EVEN),
                median.setScale(scale, RoundingMode.HALF_EVEN));
    }

    /** Brings the stored prices to a finer scale; false when one of them would no longer fit. */
    private boolean rescale(int newScale) {
        if (newScale - scale > LONG_DIGITS) {
            return false;
        }
        long factor = BigInteger.TEN.pow(newScale - scale).longValueExact();
        long largest = Long.MAX_VALUE / factor;
        for (int i = 0; i < size; i++) {
            if (unscaled[i] > largest) {
                return false;
            }
        }
        for (int i = 0; i < size; i++) {
            unscaled[i] *= factor;
        }
        scale = newScale;
        return true;
    }

    private void box() {
        boxed = new ArrayList<>(size + 1);
        for (int i = 0; i < size; i++) {
            boxed.add(BigDecimal.valueOf(unscaled[i], scale));
        }
        unscaled = null;
    }

    /** The prices are not negative, so the sum only needs a wider type when it outgrows a {@code long}. */
    private BigDecimal sumOfUnscaled() {
        BigInteger total = BigInteger.ZERO;
        long partial = 0;
        for (int i = 0; i < size; i++) {
            if (partial > Long.MAX_VALUE - unscaled[i]) {
                total = total.add(BigInteger.valueOf(partial));
                partial = 0;
            }
            partial += unscaled[i];
        }
        return new BigDecimal(total.add(BigInteger.valueOf(partial)), scale);
    }
}
