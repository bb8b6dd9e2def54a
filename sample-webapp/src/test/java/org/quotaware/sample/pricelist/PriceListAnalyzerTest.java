package org.quotaware.sample.pricelist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quotaware.sample.csv.MalformedCsvException;
import org.quotaware.sample.pricelist.Issue.Code;

class PriceListAnalyzerTest {

    private final PriceListAnalyzer analyzer = new PriceListAnalyzer(new AnalysisLimits(100, 100));

    @Test
    void countsRowsAndComputesStatisticsPerCurrency() {
        PriceListAnalysis analysis = analyze("""
                sku,name,price,currency
                A1,Apple,1.00,EUR
                A2,Pear,2.00,EUR
                A3,Plum,4.00,EUR
                A4,"Melon, big",10.00,EUR
                B1,Bread,3,USD
                B2,Butter,1.5,USD
                B3,Beer,2.25,USD
                """);

        assertThat(analysis.rowCount()).isEqualTo(7);
        assertThat(analysis.validRowCount()).isEqualTo(7);
        assertThat(analysis.invalidRows()).isEmpty();
        assertThat(analysis.duplicates()).isEmpty();
        assertThat(analysis.currencies()).containsOnlyKeys("EUR", "USD");
        // even count: median is the mean of the two middle prices
        assertThat(analysis.currencies().get("EUR")).isEqualTo(new PriceStatistics(4,
                new BigDecimal("1.00"), new BigDecimal("10.00"), new BigDecimal("4.25"), new BigDecimal("3.00")));
        // odd count: median is the middle price, scaled to the currency's minor unit
        assertThat(analysis.currencies().get("USD")).isEqualTo(new PriceStatistics(3,
                new BigDecimal("1.50"), new BigDecimal("3.00"), new BigDecimal("2.25"), new BigDecimal("2.25")));
    }

    @Test
    void roundsMeanAndMedianHalfEvenToTheCurrencysMinorUnit() {
        PriceListAnalysis analysis = analyze("""
                sku,name,price,currency
                Y1,a,100,JPY
                Y2,b,101,JPY
                Y3,c,101,JPY
                Y4,d,105,JPY
                """);

        PriceStatistics yen = analysis.currencies().get("JPY");
        assertThat(yen.mean()).isEqualTo(new BigDecimal("102")); // 101.75 -> 102
        assertThat(yen.median()).isEqualTo(new BigDecimal("101"));
        assertThat(yen.min()).isEqualTo(new BigDecimal("100"));
    }

    @Test
    void keepsAFinerInputScaleThanTheMinorUnit() {
        PriceListAnalysis analysis = analyze("sku,name,price,currency\nS1,a,0.125,EUR\nS2,b,0.5,EUR\n");

        PriceStatistics eur = analysis.currencies().get("EUR");
        assertThat(eur.min()).isEqualTo(new BigDecimal("0.125"));
        assertThat(eur.max()).isEqualTo(new BigDecimal("0.500"));
        assertThat(eur.median()).isEqualTo(new BigDecimal("0.312")); // 0.3125 half-even
    }

    @Test
    void acceptsColumnsInAnyOrderAndCaseWithExtraColumns() {
        PriceListAnalysis analysis = analyze("""
                Currency,Price,Stock,Name,SKU
                EUR,9.99,3,Lamp,L1
                """);

        assertThat(analysis.validRowCount()).isEqualTo(1);
        assertThat(analysis.currencies().get("EUR").max()).isEqualTo(new BigDecimal("9.99"));
    }

    @Test
    void reportsEveryIssueOfAnInvalidRowWithItsLine() {
        PriceListAnalysis analysis = analyze("""
                sku,name,price,currency
                A1,ok,1.00,EUR
                ,no sku,1.00,EUR
                A3,bad price,abc,EUR
                A4,negative,-2.50,EUR
                A5,lower case,1.00,eur
                A6,not iso,1.00,QQQ
                A7,too few,1.00
                A8,too,many,1.00,EUR
                ,everything,,US
                A10,"multi
                line",1.00,EUR
                A11,empty price,,EUR
                """);

        assertThat(analysis.rowCount()).isEqualTo(11);
        assertThat(analysis.validRowCount()).isEqualTo(2);
        assertThat(analysis.invalidRowCount()).isEqualTo(9);
        assertThat(analysis.invalidRows()).extracting(InvalidRow::line)
                .containsExactly(3, 4, 5, 6, 7, 8, 9, 10, 13);
        assertThat(analysis.invalidRows()).extracting(r -> r.issues().get(0).code()).containsExactly(
                Code.MISSING_SKU, Code.BAD_PRICE, Code.NEGATIVE_PRICE, Code.INVALID_CURRENCY, Code.UNKNOWN_CURRENCY,
                Code.WRONG_FIELD_COUNT, Code.WRONG_FIELD_COUNT, Code.MISSING_SKU, Code.BAD_PRICE);
        assertThat(analysis.invalidRows().get(7).issues()).extracting(Issue::code)
                .containsExactly(Code.MISSING_SKU, Code.BAD_PRICE, Code.INVALID_CURRENCY);
        assertThat(analysis.invalidRows().get(1).sku()).isEqualTo("A3");
        assertThat(analysis.invalidRows().get(1).issues().get(0).detail()).contains("'abc'");
        assertThat(analysis.invalidRows().get(5).issues().get(0).detail())
                .isEqualTo("expected 4 fields as in the header, found 3");
        assertThat(analysis.currencies().get("EUR").count()).isEqualTo(2);
    }

    @Test
    void reportsDuplicateSkusWithAllTheirLines() {
        PriceListAnalysis analysis = analyze("""
                sku,name,price,currency
                A1,first,1.00,EUR
                B1,other,2.00,EUR
                A1,second,1.50,EUR
                B2,x,3.00,EUR
                A1,third,bad,EUR
                B2,y,3.00,USD
                """);

        assertThat(analysis.duplicates()).containsExactly(
                new DuplicateSku("A1", 3, List.of(2, 4, 6)),
                new DuplicateSku("B2", 2, List.of(5, 7)));
        assertThat(analysis.duplicateSkuCount()).isEqualTo(2);
        assertThat(analysis.validRowCount()).isEqualTo(5);
    }

    @Test
    void listsTheFirstInvalidRowsAndCountsThemAll() {
        PriceListAnalyzer listingTwo = new PriceListAnalyzer(new AnalysisLimits(2, 100));

        PriceListAnalysis analysis = analyze(listingTwo, """
                sku,name,price,currency
                A1,ok,1.00,EUR
                A2,bad,x,EUR
                a
                A4,ok,2.00,EUR
                A5,bad,1.00,eur
                A6,bad,,EUR
                """);

        assertThat(analysis.rowCount()).isEqualTo(6);
        assertThat(analysis.validRowCount()).isEqualTo(2);
        assertThat(analysis.invalidRowCount()).isEqualTo(4);
        assertThat(analysis.invalidRows()).extracting(InvalidRow::line).containsExactly(3, 4);
    }

    @Test
    void listsTheFirstRepeatedSkusWithTheirFirstTenLinesAndCountsThemAll() {
        StringBuilder csv = new StringBuilder("sku,name,price,currency\n");
        csv.append("B1,x,1,EUR\n").append("A1,x,1,EUR\n").append("A1,x,1,EUR\n").append("B1,x,1,EUR\n");
        for (int i = 0; i < 10; i++) {
            csv.append("A1,x,1,EUR\n").append("C1,x,1,EUR\n");
        }
        PriceListAnalyzer listingTwo = new PriceListAnalyzer(new AnalysisLimits(100, 2));

        PriceListAnalysis analysis = analyze(listingTwo, csv.toString());

        // A1 is found repeated first (line 4), but B1 appeared first (line 2): listed in order of first appearance
        assertThat(analysis.duplicates()).containsExactly(
                new DuplicateSku("B1", 2, List.of(2, 5)),
                new DuplicateSku("A1", 12, List.of(3, 4, 6, 8, 10, 12, 14, 16, 18, 20)));
        assertThat(analysis.duplicateSkuCount()).isEqualTo(3);
        assertThat(analysis.validRowCount()).isEqualTo(24);
    }

    @Test
    void echoesAtMost64CharactersOfAValue() {
        String sku = "S".repeat(100);
        String price = "9".repeat(70) + "x";

        PriceListAnalysis analysis = analyze("sku,name,price,currency\n" + sku + ",a," + price + ",EUR\n"
                + sku + ",b,1,EUR\n");

        String cut = "S".repeat(63) + "\u2026";
        assertThat(analysis.invalidRows().get(0).sku()).isEqualTo(cut);
        assertThat(analysis.invalidRows().get(0).issues().get(0).detail())
                .isEqualTo("price '" + "9".repeat(63) + "\u2026' is not a decimal number like 12.50");
        assertThat(analysis.duplicates()).containsExactly(new DuplicateSku(cut, 2, List.of(2, 3)));
    }

    @Test
    void readsABodyLongerThanTheParsersBufferInOnePass() {
        StringBuilder csv = new StringBuilder("sku,name,price,currency\n");
        for (int i = 0; i < 20_000; i++) {
            csv.append("SKU-").append(i).append(",\"Name, ").append(i).append("\",").append(i % 10).append(".5,EUR\n");
        }

        PriceListAnalysis analysis = analyze(csv.toString());

        assertThat(analysis.rowCount()).isEqualTo(20_000);
        assertThat(analysis.validRowCount()).isEqualTo(20_000);
        assertThat(analysis.duplicateSkuCount()).isZero();
        assertThat(analysis.currencies().get("EUR")).isEqualTo(new PriceStatistics(20_000,
                new BigDecimal("0.50"), new BigDecimal("9.50"), new BigDecimal("5.00"), new BigDecimal("5.00")));
    }

    @Test
    void headerOnlyIsAnEmptyAnalysis() {
        PriceListAnalysis analysis = analyze("sku,name,price,currency\r\n");

        assertThat(analysis.rowCount()).isZero();
        assertThat(analysis.currencies()).isEmpty();
    }

    @Test
    void emptyBodyIsMalformed() {
        assertThatThrownBy(() -> analyze(""))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("empty");
    }

    @Test
    void missingHeaderIsMalformedOnLineOne() {
        assertThatThrownBy(() -> analyze("\nA1,Apple,1.00,EUR\n"))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("no header row")
                .extracting(e -> ((MalformedCsvException) e).lines()).isEqualTo(List.of(2));
    }

    @Test
    void missingRequiredColumnsAreNamed() {
        assertThatThrownBy(() -> analyze("sku,name,cost\nA1,Apple,1.00\n"))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("price,currency")
                .extracting(e -> ((MalformedCsvException) e).lines()).isEqualTo(List.of(1));
    }

    @Test
    void aColumnNamedTwiceIsMalformed() {
        assertThatThrownBy(() -> analyze("sku,name,price,currency,Price\n"))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessageContaining("'price' twice");
    }

    @Test
    void unterminatedQuoteFailsTheWholeListWithItsLine() {
        assertThatThrownBy(() -> analyze("sku,name,price,currency\nA1,\"Apple,1.00,EUR\nA2,Pear,2.00,EUR\n"))
                .isInstanceOf(MalformedCsvException.class)
                .extracting(e -> ((MalformedCsvException) e).lines()).isEqualTo(List.of(2));
    }

    @Test
    void aPriceBeyondItsBoundsIsAnInvalidRowAndLeavesTheStatisticsAtTheCurrencysScale() {
        // 120 KB: 60 000 decimals made each of the 2 000 sums after them rescale, 60 000 digits parse in quadratic time
        StringBuilder csv = new StringBuilder("sku,name,price,currency\nA1,a,1." + "5".repeat(60_000) + ",EUR\nA2,b,"
                + "9".repeat(60_000) + ",EUR\n");
        for (int i = 0; i < 2_000; i++) {
            csv.append("B").append(i).append(",c,").append(i % 2 + 1).append(".00,EUR\n");
        }

        PriceListAnalysis analysis = analyze(csv.toString());

        assertThat(analysis.invalidRows()).extracting(InvalidRow::line).containsExactly(2, 3);
        assertThat(analysis.invalidRows()).extracting(r -> r.issues().get(0).code().name())
                .containsOnly("PRICE_OUT_OF_RANGE");
        assertThat(analysis.invalidRows().get(0).issues().get(0).detail())
                .isEqualTo("price '1." + "5".repeat(61) + "\u2026' is longer than 32 characters");
        assertThat(analysis.currencies().get("EUR")).isEqualTo(new PriceStatistics(2_000,
                new BigDecimal("1.00"), new BigDecimal("2.00"), new BigDecimal("1.50"), new BigDecimal("1.50")));
    }

    @Test
    void aPriceHasAtMost32CharactersFifteenDigitsBeforeThePointAndEightAfterIt() {
        PriceListAnalysis analysis = analyze("""
                sku,name,price,currency
                A1,a,999999999999999.99999999,EUR
                A2,b,1000000000000000,EUR
                A3,c,0.123456789,EUR
                A4,d,000000000000000000000000000000001,EUR
                A5,e,+0000000000000000000000000000001,EUR
                """);

        assertThat(analysis.invalidRows()).extracting(InvalidRow::line).containsExactly(3, 4, 5);
        assertThat(analysis.invalidRows()).extracting(r -> r.issues().get(0).detail()).containsExactly(
                "price 1000000000000000 has more than 15 digits before the decimal point",
                "price 0.123456789 has more than 8 decimal places",
                "price '000000000000000000000000000000001' is longer than 32 characters");
        assertThat(analysis.currencies().get("EUR")).isEqualTo(new PriceStatistics(2,
                new BigDecimal("1.00000000"), new BigDecimal("999999999999999.99999999"),
                new BigDecimal("500000000000000.50000000"), new BigDecimal("500000000000000.50000000")));
    }

    @Test
    void aBodyOfCommasAloneIsRefusedAtOnce() {
        RepeatedBytes commas = new RepeatedBytes("", ',', 10 << 20);

        assertThatThrownBy(() -> analyzer.analyze(commas))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessage("line 1: the header has more than 1024 fields")
                .extracting(e -> ((MalformedCsvException) e).lines()).isEqualTo(List.of(1));
        assertThat(commas.handedOut()).as("bytes read of 10 MiB").isLessThan(64 * 1024);
    }

    @Test
    void aHeaderOfOneHugeFieldIsRefusedAtOnce() {
        RepeatedBytes field = new RepeatedBytes("", 'x', 10 << 20);

        assertThatThrownBy(() -> analyzer.analyze(field))
                .isInstanceOf(MalformedCsvException.class)
                .hasMessage("line 1: a field of the header is longer than 65536 characters");
        assertThat(field.handedOut()).as("bytes read of 10 MiB").isLessThan(128 * 1024);
    }

    @Test
    void aRowOfMillionsOfFieldsIsOneInvalidRowCountedInFull() throws IOException {
        String prefix = "sku,name,price,currency\nA1,";
        int size = 4 << 20;

        PriceListAnalysis analysis = analyzer.analyze(new RepeatedBytes(prefix, ',', size));

        assertThat(analysis.rowCount()).isEqualTo(1);
        assertThat(analysis.invalidRows()).singleElement().satisfies(row -> {
            assertThat(row.sku()).isEqualTo("A1");
            assertThat(row.issues().get(0).detail()).isEqualTo("expected 4 fields as in the header, found "
                    + (size - prefix.length() + 2));
        });
    }

    @Test
    void aFieldLongerThanItsBoundIsAnInvalidRow() {
        PriceListAnalysis analysis = analyze("sku,name,price,currency\nA1," + "n".repeat(100_000)
                + ",1.00,EUR\nA2,ok,2.00,EUR\n");

        assertThat(analysis.invalidRows()).singleElement().satisfies(row -> {
            assertThat(row.line()).isEqualTo(2);
            assertThat(row.sku()).isEqualTo("A1");
            assertThat(row.issues()).extracting(i -> i.code().name(), Issue::detail).containsExactly(
                    tuple("FIELD_TOO_LONG", "field 2 is longer than 65536 characters"));
        });
        assertThat(analysis.validRowCount()).isEqualTo(1);
    }

    private PriceListAnalysis analyze(String csv) {
        return analyze(analyzer, csv);
    }

    private static PriceListAnalysis analyze(PriceListAnalyzer analyzer, String csv) {
        try {
            return analyzer.analyze(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
