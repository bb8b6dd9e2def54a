package org.quotaware.sample.pricelist;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the most recent analyses in memory, within a number and an estimate of the heap they hold
 * ({@link RetainedSize}): the oldest are dropped first. The newest is always kept, even alone over the byte budget
 * (its lists are bounded by {@link AnalysisLimits}: with the default limits an analysis holds at most about 124 KB).
 */
public final class PriceListStore {

    private final int maxAnalyses;
    private final long maxBytes;
    /** Insertion order: reading does not refresh, eviction is by age. */
    private final Map<String, Stored> analyses = new LinkedHashMap<>();
    private long bytes;

    public PriceListStore(int maxAnalyses, long maxBytes) {
        if (maxAnalyses < 1) {
            throw new IllegalArgumentException("maxAnalyses must be >= 1, was " + maxAnalyses);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
        }
        this.maxAnalyses = maxAnalyses;
        this.maxBytes = maxBytes;
    }

    public synchronized void put(PriceListAnalysis analysis) {
        Stored stored = new Stored(analysis, RetainedSize.of(analysis));
        Stored replaced = analyses.put(analysis.id(), stored);
        bytes += stored.bytes() - (replaced == null ? 0 : replaced.bytes());
        Iterator<Stored> oldestFirst = analyses.values().iterator();
        while (analyses.size() > 1 && (analyses.size() > maxAnalyses || bytes > maxBytes)) {
            bytes -= oldestFirst.next().bytes();
            oldestFirst.remove();
        }
    }

    public synchronized Optional<PriceListAnalysis> get(String id) {
        return Optional.ofNullable(analyses.get(id)).map(Stored::analysis);
    }

    public synchronized int size() {
        return analyses.size();
    }

    /** The estimated heap the stored analyses hold. */
    public synchronized long bytes() {
        return bytes;
    }

    private record Stored(PriceListAnalysis analysis, long bytes) {
    }
}
