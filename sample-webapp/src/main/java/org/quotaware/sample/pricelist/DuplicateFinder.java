package org.quotaware.sample.pricelist;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the skus that appear on more than one row. Every sku is checked against every other (exactly, by
 * {@link SkuIndex}); the first {@code maxShown} skus found repeated are listed with their first lines, the others only
 * counted.
 */
final class DuplicateFinder {

    private final int maxShown;
    private final SkuIndex index = new SkuIndex();
    /** Entries already seen repeated, so each repeated sku is counted once. */
    private final BitSet repeated = new BitSet();
    private final Map<Integer, Group> shown = new HashMap<>();
    private int repeatedSkus;

    DuplicateFinder(int maxShown) {
        this.maxShown = maxShown;
    }

    void add(String sku, int line) {
        int entry = index.add(sku, line);
        if (entry < 0) {
            return;
        }
        if (!repeated.get(entry)) {
            repeated.set(entry);
            repeatedSkus++;
            if (shown.size() < maxShown) {
                shown.put(entry, new Group(AnalysisLimits.echo(sku), index.firstLine(entry)));
            }
        }
        Group group = shown.get(entry);
        if (group != null) {
            group.add(line);
        }
    }

    /** Distinct skus that appear more than once. */
    int repeatedSkus() {
        return repeatedSkus;
    }

    /** The listed ones, in order of first appearance. */
    List<DuplicateSku> shown() {
        List<DuplicateSku> duplicates = new ArrayList<>(shown.size());
        shown.values().stream().sorted(Comparator.comparingInt(g -> g.lines[0]))
                .forEach(g -> duplicates.add(g.toDuplicateSku()));
        return duplicates;
    }

    /** A listed sku: how often it appears and its first {@link AnalysisLimits#LINES_PER_DUPLICATE} lines. */
    private static final class Group {
        private final String sku;
        private final int[] lines = new int[AnalysisLimits.LINES_PER_DUPLICATE];
        private int occurrences;

        Group(String sku, int firstLine) {
            this.sku = sku;
            add(firstLine);
        }

        void add(int line) {
            if (occurrences < lines.length) {
                lines[occurrences] = line;
            }
            occurrences++;
        }

        DuplicateSku toDuplicateSku() {
            int listed = Math.min(occurrences, lines.length);
            return new DuplicateSku(sku, occurrences, Arrays.stream(lines, 0, listed).boxed().toList());
        }
    }
}
