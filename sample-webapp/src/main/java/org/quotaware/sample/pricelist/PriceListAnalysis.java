package org.quotaware.sample.pricelist;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the analyzer found in one price list. The counts cover every row; the lists show the first problems only
 * ({@link AnalysisLimits}), so their length says nothing about the total.
 *
 * @param id                the id the list is stored under
 * @param analyzedAt        when it was analysed
 * @param rowCount          data rows (header and blank lines not counted)
 * @param validRowCount     rows without any issue
 * @param invalidRowCount   rows with issues
 * @param invalidRows       the first rows with issues, in file order
 * @param duplicateSkuCount skus appearing more than once
 * @param duplicates        the first skus found repeated, in order of first appearance
 * @param currencies        price statistics per ISO 4217 code, alphabetical
 */
public record PriceListAnalysis(
        String id,
        Instant analyzedAt,
        int rowCount,
        int validRowCount,
        int invalidRowCount,
        List<InvalidRow> invalidRows,
        int duplicateSkuCount,
        List<DuplicateSku> duplicates,
        Map<String, PriceStatistics> currencies) {

    public PriceListAnalysis {
        invalidRows = List.copyOf(invalidRows);
        duplicates = List.copyOf(duplicates);
        currencies = Collections.unmodifiableMap(new LinkedHashMap<>(currencies));
    }

    /**
     * The same analysis listing at most {@code listed} invalid rows and repeated skus (the first ones); the counts stay
     * whole. For a store that keeps an analysis within a size.
     */
    public PriceListAnalysis listing(int listed) {
        return new PriceListAnalysis(id, analyzedAt, rowCount, validRowCount, invalidRowCount,
                invalidRows.subList(0, Math.min(listed, invalidRows.size())), duplicateSkuCount,
                duplicates.subList(0, Math.min(listed, duplicates.size())), currencies);
    }

    /** The same analysis under another id and time (the analyzer does not know where it will be stored). */
    public PriceListAnalysis withId(String newId, Instant at) {
        return new PriceListAnalysis(newId, at, rowCount, validRowCount, invalidRowCount, invalidRows,
                duplicateSkuCount, duplicates, currencies);
    }
}
