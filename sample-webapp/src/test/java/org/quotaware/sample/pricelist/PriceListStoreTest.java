package org.quotaware.sample.pricelist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PriceListStoreTest {

    @Test
    void evictsTheOldestAnalysisBeyondCapacity() {
        PriceListStore store = new PriceListStore(2, Long.MAX_VALUE);

        store.put(analysis("a"));
        store.put(analysis("b"));
        store.get("a"); // reading does not refresh: eviction is by age, not by use
        store.put(analysis("c"));

        assertThat(store.get("a")).isEmpty();
        assertThat(store.get("b")).isPresent();
        assertThat(store.get("c")).map(PriceListAnalysis::id).contains("c");
        assertThat(store.size()).isEqualTo(2);
    }

    @Test
    void evictsTheOldestAnalysesBeyondTheByteBudget() {
        long each = RetainedSize.of(analysis("a"));
        PriceListStore store = new PriceListStore(1000, 2 * each);

        store.put(analysis("a"));
        store.put(analysis("b"));
        assertThat(store.bytes()).isEqualTo(2 * each);
        store.put(analysis("c"));

        assertThat(store.get("a")).isEmpty();
        assertThat(store.get("b")).isPresent();
        assertThat(store.get("c")).isPresent();
        assertThat(store.bytes()).isEqualTo(2 * each);
    }

    @Test
    void keepsTheNewestAnalysisEvenAloneOverTheBudget() {
        PriceListStore store = new PriceListStore(1000, 1);

        store.put(analysis("a"));
        store.put(analysis("b"));

        assertThat(store.get("a")).isEmpty();
        assertThat(store.get("b")).isPresent();
        assertThat(store.bytes()).isEqualTo(RetainedSize.of(analysis("b")));
    }

    @Test
    void rejectsANonPositiveCapacity() {
        assertThatThrownBy(() -> new PriceListStore(0, 1)).hasMessage("maxAnalyses must be >= 1, was 0");
        assertThatThrownBy(() -> new PriceListStore(1, 0)).hasMessage("maxBytes must be >= 1, was 0");
    }

    private static PriceListAnalysis analysis(String id) {
        return new PriceListAnalysis(id, Instant.EPOCH, 0, 0, 0, List.of(), 0, List.of(), Map.of());
    }
}
