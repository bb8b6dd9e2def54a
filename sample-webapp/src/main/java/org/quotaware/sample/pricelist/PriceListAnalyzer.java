package org.quotaware.sample.pricelist;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Currency;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import org.quotaware.sample.csv.CsvParser;
import org.quotaware.sample.csv.CsvRecord;
import org.quotaware.sample.csv.MalformedCsvException;

/**
 * Analyses a CSV price list: a header row naming at least {@code sku,name,price,currency} (any order, any case, extra
 * columns ignored), then one product per row. Problems with single rows are reported in the result; only input that is
 * not a price list at all throws {@link MalformedCsvException}.
 */
public final class PriceListAnalyzer {

    /** The columns a price list must have. */
    public static final List<String> REQUIRED_COLUMNS = List.of("sku", "name", "price", "currency");

    private static final Pattern PRICE = Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)");
    private static final Pattern CURRENCY_CODE = Pattern.compile("[A-Z]{3}");

    /** Analyses UTF-8 bytes (an optional byte order mark is skipped). */
    public PriceListAnalysis analyze(byte[] utf8) {
        return analyze(CsvParser.parse(utf8));
    }

    /** Analyses text. */
    public PriceListAnalysis analyze(CharSequence text) {
        return analyze(CsvParser.parse(text));
    }

    private PriceListAnalysis analyze(List<CsvRecord> records) {
        if (records.isEmpty()) {
            throw new MalformedCsvException("the price list is empty: expected a header row naming the columns "
                    + String.join(",", REQUIRED_COLUMNS), List.of());
        }
        CsvRecord header = records.get(0);
        Map<String, Integer> columns = columns(header);

        int sku = columns.get("sku");
        int price = columns.get("price");
        int currency = columns.get("currency");
        List<InvalidRow> invalidRows = new ArrayList<>();
        Map<String, List<Integer>> linesBySku = new LinkedHashMap<>();
        Map<String, List<BigDecimal>> pricesByCurrency = new TreeMap<>();

        for (CsvRecord row : records.subList(1, records.size())) {
            if (row.size() != header.size()) {
                String rowSku = sku < row.size() ? blankToNull(row.field(sku)) : null;
                invalidRows.add(new InvalidRow(row.line(), rowSku, List.of(new Issue(Issue.Code.WRONG_FIELD_COUNT,
                        "expected " + header.size() + " fields as in the header, found " + row.size()))));
                continue;
            }
            List<Issue> issues = new ArrayList<>();
            String rowSku = blankToNull(row.field(sku));
            if (rowSku == null) {
                issues.add(new Issue(Issue.Code.MISSING_SKU, "sku is empty"));
            } else {
                linesBySku.computeIfAbsent(rowSku, k -> new ArrayList<>()).add(row.line());
            }
            BigDecimal amount = price(row.field(price), issues);
            String code = currency(row.field(currency), issues);
            if (issues.isEmpty()) {
                pricesByCurrency.computeIfAbsent(code, k -> new ArrayList<>()).add(amount);
            } else {
                invalidRows.add(new InvalidRow(row.line(), rowSku, issues));
            }
        }

        List<DuplicateSku> duplicates = new ArrayList<>();
        linesBySku.forEach((k, lines) -> {
            if (lines.size() > 1) {
                duplicates.add(new DuplicateSku(k, lines));
            }
        });
        Map<String, PriceStatistics> statistics = new LinkedHashMap<>();
        pricesByCurrency.forEach((code, prices) -> statistics.put(code, statistics(code, prices)));

        int rowCount = records.size() - 1;
        return new PriceListAnalysis(null, null, rowCount, rowCount - invalidRows.size(), invalidRows, duplicates,
                statistics);
    }

    private static Map<String, Integer> columns(CsvRecord header) {
        Map<String, Integer> columns = new HashMap<>();
        List<Integer> line = List.of(header.line());
        for (int i = 0; i < header.size(); i++) {
            String name = header.field(i).strip().toLowerCase(Locale.ROOT);
            if (REQUIRED_COLUMNS.contains(name) && columns.putIfAbsent(name, i) != null) {
                throw new MalformedCsvException("line " + header.line() + ": the header names the column '" + name
                        + "' twice", line);
            }
        }
        if (columns.isEmpty()) {
            throw new MalformedCsvException("line " + header.line() + ": no header row: the first line must name the "
                    + "columns " + String.join(",", REQUIRED_COLUMNS) + " (any order)", line);
        }
        List<String> missing = REQUIRED_COLUMNS.stream().filter(c -> !columns.containsKey(c)).toList();
        if (!missing.isEmpty()) {
            throw new MalformedCsvException("line " + header.line() + ": the header lacks the required column(s) "
                    + String.join(",", missing), line);
        }
        return columns;
    }

    private static BigDecimal price(String raw, List<Issue> issues) {
        String value = raw.strip();
        if (!PRICE.matcher(value).matches()) {
            issues.add(new Issue(Issue.Code.BAD_PRICE, value.isEmpty() ? "price is empty"
                    : "price '" + value + "' is not a decimal number like 12.50"));
            return null;
        }
        BigDecimal amount = new BigDecimal(value);
        if (amount.signum() < 0) {
            issues.add(new Issue(Issue.Code.NEGATIVE_PRICE, "price " + value + " is negative"));
            return null;
        }
        return amount;
    }

    private static String currency(String raw, List<Issue> issues) {
        String code = raw.strip();
        if (!CURRENCY_CODE.matcher(code).matches()) {
            issues.add(new Issue(Issue.Code.INVALID_CURRENCY, code.isEmpty() ? "currency is empty"
                    : "currency '" + code + "' is not three upper-case letters"));
            return null;
        }
        try {
            Currency.getInstance(code);
            return code;
        } catch (IllegalArgumentException e) {
            issues.add(new Issue(Issue.Code.UNKNOWN_CURRENCY, "currency '" + code + "' is not an ISO 4217 code"));
            return null;
        }
    }

    private static PriceStatistics statistics(String code, List<BigDecimal> prices) {
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
                : sorted.get(n / 2 - 1).add(sorted.get(n / 2)).divide(BigDecimal.valueOf(2), scale, RoundingMode.HALF_EVEN);
        return new PriceStatistics(n, sorted.get(0).setScale(scale), sorted.get(n - 1).setScale(scale), mean,
                median.setScale(scale, RoundingMode.HALF_EVEN));
    }

    private static String blankToNull(String value) {
        String stripped = value.strip();
        return stripped.isEmpty() ? null : stripped;
    }
}
