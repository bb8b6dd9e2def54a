package org.quotaware.sample.pricelist;

import java.util.Optional;

/**
 * Where analyses are kept for {@code GET /api/pricelists/{id}}: in this JVM ({@link PriceListStore}), or in the
 * cluster, so that any member answers ({@link ClusterAnalysisStore}). Both are bounded in count and time.
 */
public interface AnalysisStore {

    /** Keeps the analysis under its id, dropping older ones when the store is full. */
    void put(PriceListAnalysis analysis);

    /**
     * What to answer {@code GET /api/pricelists/{id}} with: the analysis, or its JSON text (the same body); empty when
     * there is none under that id, or no more.
     */
    Optional<Object> answer(String id);
}
