package org.quotaware.sample.pricelist;

import java.util.List;

/**
 * A sku that appears on more than one row.
 *
 * @param sku         the repeated sku (cut to {@link AnalysisLimits#MAX_ECHOED_CHARS} characters)
 * @param occurrences how many rows it appears on
 * @param lines       the first {@link AnalysisLimits#LINES_PER_DUPLICATE} lines it appears on, ascending
 */
public record DuplicateSku(String sku, int occurrences, List<Integer> lines) {

    public DuplicateSku {
        lines = List.copyOf(lines);
    }
}
