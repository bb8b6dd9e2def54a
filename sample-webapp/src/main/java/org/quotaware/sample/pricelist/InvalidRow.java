package org.quotaware.sample.pricelist;

import java.util.List;

/**
 * A data row that was not counted.
 *
 * @param line   1-based line the row starts on (the header is line 1)
 * @param sku    the row's sku, or {@code null} when it has none (cut to {@link AnalysisLimits#MAX_ECHOED_CHARS}
 *               characters)
 * @param issues every problem found on the row, at least one
 */
public record InvalidRow(int line, String sku, List<Issue> issues) {

    public InvalidRow {
        issues = List.copyOf(issues);
    }
}
