package org.quotaware.sample.pricelist;

import static org.quotaware.sample.pricelist.FieldChecks.blankToNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.quotaware.sample.csv.CsvRecord;

/**
 * What the analysis of one price list keeps while its rows stream past: counts, the first invalid rows, the skus (for
 * duplicates) and the valid prices (for the median). Everything else about a row is dropped once it is checked.
 */
final class PriceListTally {

    private final Header header;
    private final int maxInvalidRows;
    private final List<InvalidRow> invalidRows = new ArrayList<>();
    private final DuplicateFinder duplicates;
    private final Map<String, PriceSeries> prices = new TreeMap<>();
    private int rowCount;
    private int invalidRowCount;

    PriceListTally(Header header, AnalysisLimits limits) {
        this.header = header;
        this.maxInvalidRows = limits.maxInvalidRows();
        this.duplicates = new DuplicateFinder(limits.maxDuplicates());
    }

    void add(CsvRecord row) {
        rowCount++;
        if (row.size() != header.size()) {
            // the cheapest row to send (one letter) must not also be the most expensive one to read
            if (countInvalid()) {
                invalidRows.add(new InvalidRow(row.line(), sku(row), List.of(new Issue(Issue.Code.WRONG_FIELD_COUNT,
                        "expected " + header.size() + " fields as in the header, found " + row.size()))));
            }
            return;
        }
        if (row.cutField() >= 0) {
            // only its beginning was kept: a sku cut short would be another sku, a price cut short another price
            if (countInvalid()) {
                invalidRows.add(new InvalidRow(row.line(), sku(row), List.of(new Issue(Issue.Code.FIELD_TOO_LONG,
                        "field " + (row.cutField() + 1) + " is longer than " + AnalysisLimits.MAX_FIELD_CHARS
                                + " characters"))));
            }
            return;
        }
        List<Issue> issues = new ArrayList<>(3);
        String sku = blankToNull(row.field(header.sku()));
        if (sku == null) {
            issues.add(new Issue(Issue.Code.MISSING_SKU, "sku is empty"));
        } else {
            duplicates.add(sku, row.line());
        }
        BigDecimal price = FieldChecks.price(row.field(header.price()), issues);
        String currency = FieldChecks.currency(row.field(header.currency()), issues);
        if (issues.isEmpty()) {
            prices.computeIfAbsent(currency, PriceSeries::new).add(price);
        } else if (countInvalid()) {
            invalidRows.add(new InvalidRow(row.line(), AnalysisLimits.echo(sku), issues));
        }
    }

    PriceListAnalysis result() {
        Map<String, PriceStatistics> statistics = new LinkedHashMap<>();
        prices.forEach((currency, series) -> statistics.put(currency, series.statistics()));
        return new PriceListAnalysis(null, null, rowCount, rowCount - invalidRowCount, invalidRowCount, invalidRows,
                duplicates.repeatedSkus(), duplicates.shown(), statistics);
    }

    /** The sku of a row to list, cut for the answer; null when it has none (or it was not kept). */
    private String sku(CsvRecord row) {
        return header.sku() < row.fields().size() ? AnalysisLimits.echo(blankToNull(row.field(header.sku()))) : null;
    }

    /** Counts one more invalid row; true when it is to be listed. */
    private boolean countInvalid() {
        invalidRowCount++;
        return invalidRows.size() < maxInvalidRows;
    }
}
