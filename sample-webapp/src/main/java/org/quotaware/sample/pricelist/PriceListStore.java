package org.quotaware.sample.pricelist;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Keeps the most recent analyses in memory; the oldest is dropped once {@code capacity} is reached. */
public final class PriceListStore {

    private final Map<String, PriceListAnalysis> analyses;

    public PriceListStore(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
        }
        this.analyses = new LinkedHashMap<>(16, 0.75f, false) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, PriceListAnalysis> eldest) {
                return size() > capacity;
            }
        };
    }

    public synchronized void put(PriceListAnalysis analysis) {
        analyses.put(analysis.id(), analysis);
    }

    public synchronized Optional<PriceListAnalysis> get(String id) {
        return Optional.ofNullable(analyses.get(id));
    }

    public synchronized int size() {
        return analyses.size();
    }
}
