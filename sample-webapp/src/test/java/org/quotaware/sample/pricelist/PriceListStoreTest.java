package org.quotaware.sample.pricelist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class PriceListStoreTest {

    private static final Duration DAY = Duration.ofDays(1);
    private final MutableClock clock = new MutableClock();

    @Test
    void evictsTheOldestAnalysisBeyondCapacity() {
        PriceListStore store = new PriceListStore(2, Long.MAX_VALUE, DAY, clock);

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
        PriceListStore store = new PriceListStore(1000, 2 * each, DAY, clock);

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
        PriceListStore store = new PriceListStore(1000, 1, DAY, clock);

        store.put(analysis("a"));
        store.put(analysis("b"));

        assertThat(store.get("a")).isEmpty();
        assertThat(store.get("b")).isPresent();
        assertThat(store.bytes()).isEqualTo(RetainedSize.of(analysis("b")));
    }

    @Test
    void forgetsAnAnalysisOnceItsTimeToLiveHasPassed() {
        PriceListStore store = new PriceListStore(1000, Long.MAX_VALUE, Duration.ofMinutes(10), clock);
        store.put(analysis("a"));
        clock.advance(Duration.ofMinutes(5));
        store.put(analysis("b"));

        clock.advance(Duration.ofMinutes(5).minusMillis(1));
        assertThat(store.get("a")).isPresent();
        clock.advance(Duration.ofMillis(1));
        assertThat(store.get("a")).isEmpty();
        assertThat(store.answer("a")).isEmpty();
        assertThat(store.answer("b")).contains(analysis("b"));
    }

    @Test
    void dropsTheExpiredAnalysesWithTheNextPut() {
        PriceListStore store = new PriceListStore(1000, Long.MAX_VALUE, Duration.ofMinutes(10), clock);
        store.put(analysis("a"));
        store.put(analysis("b"));
        clock.advance(Duration.ofMinutes(7));
        store.put(analysis("c"));
        clock.advance(Duration.ofMinutes(3));

        store.put(analysis("d"));

        assertThat(store.size()).isEqualTo(2);
        assertThat(store.bytes()).isEqualTo(RetainedSize.of(analysis("c")) + RetainedSize.of(analysis("d")));
    }

    @Test
    void rejectsANonPositiveCapacityOrTimeToLive() {
        assertThatThrownBy(() -> new PriceListStore(0, 1, DAY, clock)).hasMessage("maxAnalyses must be >= 1, was 0");
        assertThatThrownBy(() -> new PriceListStore(1, 0, DAY, clock)).hasMessage("maxBytes must be >= 1, was 0");
        assertThatThrownBy(() -> new PriceListStore(1, 1, Duration.ZERO, clock))
                .hasMessage("ttl must be >= 1 ms, was PT0S");
    }

    private static PriceListAnalysis analysis(String id) {
        return new PriceListAnalysis(id, Instant.EPOCH, 0, 0, 0, List.of(), 0, List.of(), Map.of());
    }

    /** A clock the test moves by hand. */
    private static final class MutableClock implements InstantSource {
        private Instant now = Instant.parse("2026-11-29T12:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
