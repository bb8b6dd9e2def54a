package org.quotaware.sample.pricelist;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Currency;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PriceSeriesTest {

    /** A currency, then its prices in file order. */
    static Stream<List<String>> prices() {
        return Stream.of(
                List.of("EUR", "1.00", "2", "4.5", "10"),
                List.of("EUR", "0.125", "0.5", "3"),
                List.of("JPY", "100", "101", "101", "105"),
                // a finer scale arrives after coarser prices: the stored ones are rescaled
                List.of("EUR", "5", "7", "0.0001", "2.5"),
                // 18 digits fit a long at the yen's scale 0, not once a price with cents rescales them
                List.of("JPY", "922337203685477580", "1", "0.05"),
                // more than 18 digits from the start
                List.of("EUR", "1", "12345678901234567890123", "2.25", "3"),
                // unscaled longs whose sum is beyond Long.MAX_VALUE
                List.of("JPY", "900000000000000000", "900000000000000000", "900000000000000000", "900000000000000000"));
    }

    @ParameterizedTest
    @MethodSource("prices")
    void statisticsEqualThoseOfTheBigDecimalsThemselves(List<String> currencyAndPrices) {
        String currency = currencyAndPrices.get(0);
        List<BigDecimal> prices = currencyAndPrices.subList(1, currencyAndPrices.size()).stream()
                .map(BigDecimal::new).toList();
        PriceSeries series = new PriceSeries(currency);
        prices.forEach(series::add);

        assertThat(series.statistics()).isEqualTo(reference(currency, prices));
    }

    /** The statistics as the analyzer computed them before prices were kept as longs. */
    private static PriceStatistics reference(String code, List<BigDecimal> prices) {
        List<BigDecimal> sorted = prices.stream().sorted().toList();
        int n = sorted.size();
        int scale = Math.max(Currency.getInstance(code).getDefaultFractionDigits(), 0);
        for (BigDecimal p : sorted) {
            scale = Math.max(scale, p.scale());
        }
        BigDecimal sum = sorted.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
        BigDecimal mean = sum.divide(BigDecimal.valueOf(n), scale, RoundingMode.HALF_EVEN);
        BigDecimal median = n % 2 == 1
                ? sorted.get(n / 2)
                : sorted.get(n / 2 - 1).add(sorted.get(n / 2))
                        .divide(BigDecimal.valueOf(2), scale, RoundingMode.HALF_EVEN);
        return new PriceStatistics(n, sorted.get(0).setScale(scale), sorted.get(n - 1).setScale(scale), mean,
                median.setScale(scale, RoundingMode.HALF_EVEN));
    }
}
