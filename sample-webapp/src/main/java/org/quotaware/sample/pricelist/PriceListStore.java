package org.quotaware.sample.pricelist;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the most recent analyses in memory, within a number, an estimate of the heap they hold
 * ({@link RetainedSize}) and a time to live: the oldest are dropped first. The newest is always kept, even alone over
 * the byte budget (its lists are bounded by {@link AnalysisLimits}: with the default limits an analysis holds at most
 * about 124 KB).
 */
public final class PriceListStore implements AnalysisStore {

    private final int maxAnalyses;
    private final long maxBytes;
    private final long ttlMillis;
    private final InstantSource clock;
    /** Insertion order: reading does not refresh, eviction is by age, and the expired ones come first. */
    private final Map<String, Stored> analyses = new LinkedHashMap<>();
    private long bytes;

    public PriceListStore(int maxAnalyses, long maxBytes, Duration ttl, InstantSource clock) {
        if (maxAnalyses < 1) {
            throw new IllegalArgumentException("maxAnalyses must be >= 1, was " + maxAnalyses);
        }
        if (maxBytes < 1) {
            throw new IllegalArgumentException("maxBytes must be >= 1, was " + maxBytes);
        }
        if (ttl.toMillis() < 1) {
            throw new IllegalArgumentException("ttl must be >= 1 ms, was " + ttl);
        }
        this.maxAnalyses = maxAnalyses;
        this.maxBytes = maxBytes;
        this.ttlMillis = ttl.toMillis();
        this.clock = clock;
    }

    @Override
    public synchronized void put(PriceListAnalysis analysis) {
        long now = clock.millis();
        Stored stored = new Stored(analysis, RetainedSize.of(analysis), now + ttlMillis);
        Stored replaced = analyses.remove(analysis.id()); // a replaced one is the newest again
        analyses.put(analysis.id(), stored);
        bytes += stored.bytes() - (replaced == null ? 0 : replaced.bytes());
        Iterator<Stored> oldestFirst = analyses.values().iterator();
        while (analyses.size() > 1) {
            Stored oldest = oldestFirst.next();
            if (analyses.size() <= maxAnalyses && bytes <= maxBytes && now < oldest.expiresAt()) {
                break;
            }
            bytes -= oldest.bytes();
            oldestFirst.remove();
        }
    }

    public synchronized Optional<PriceListAnalysis> get(String id) {
        Stored stored = analyses.get(id);
        if (stored == null || clock.millis() >= stored.expiresAt()) {
            return Optional.empty(); // an expired one leaves with the next put: it is among the oldest
        }
        return Optional.of(stored.analysis());
    }

    @Override
    public Optional<Object> answer(String id) {
        return get(id).map(analysis -> analysis);
    }

    public synchronized int size() {
        return analyses.size();
    }

    /** The estimated heap the stored analyses hold. */
    public synchronized long bytes() {
        return bytes;
    }

    private record Stored(PriceListAnalysis analysis, long bytes, long expiresAt) {
    }
}
