package org.quotaware.sample.pricelist;

import java.util.List;

/**
 * A sku that appears on more than one row.
 *
 * @param sku   the repeated sku
 * @param lines the lines it appears on, ascending
 */
public record DuplicateSku(String sku, List<Integer> lines) {

    public DuplicateSku {
        lines = List.copyOf(lines);
    }
}
