package org.quotaware.sample.pricelist;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.hazelcast.config.Config;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cluster store on a real Hazelcast member of its own (7 partitions, no network join). */
class ClusterAnalysisStoreTest {

    private static final int PARTITIONS = 7;
    private static final long MIB = 1 << 20;
    private static HazelcastInstance hz;

    @BeforeAll
    static void startMember() {
        Config config = new Config().setClusterName("analyses-test-" + UUID.randomUUID())
                .setProperty("hazelcast.partition.count", String.valueOf(PARTITIONS))
                .setProperty("hazelcast.phone.home.enabled", "false")
                .setProperty("hazelcast.logging.type", "jdk");
        config.getNetworkConfig().setPortAutoIncrement(true).getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        hz = Hazelcast.newHazelcastInstance(config);
    }

    @AfterAll
    static void stopMember() {
        hz.shutdown();
    }

    @Test
    void answersWithTheJsonItStoredUnderTheId() {
        ClusterAnalysisStore store = new ClusterAnalysisStore(hz, 100, MIB, Duration.ofHours(1),
                a -> "{\"id\":\"" + a.id() + "\"}");

        store.put(analysis("a"));

        assertThat(store.answer("a")).contains("{\"id\":\"a\"}");
        assertThat(store.answer("b")).isEmpty();
    }

    @Test
    void writesEveryEntryWithTheTimeToLive() {
        ClusterAnalysisStore store = new ClusterAnalysisStore(hz, "ttl", 100, MIB, Duration.ofMinutes(90), a -> a.id());

        store.put(analysis("ttl"));

        IMap<String, String> map = hz.getMap("ttl");
        assertThat(map.getEntryView("ttl").getTtl()).isEqualTo(Duration.ofMinutes(90).toMillis());
    }

    @Test
    void keepsAtMostItsCapacityInTheMap() {
        // 20 analyses on 7 partitions: 3 a partition, 21 in all
        ClusterAnalysisStore store = new ClusterAnalysisStore(hz, "bound", 20, MIB, Duration.ofHours(1),
                a -> "x".repeat(100));
        assertThat(store.capacity()).isEqualTo(21);

        for (int i = 0; i < 500; i++) {
            store.put(analysis("bound-" + i));
        }

        assertThat(hz.getMap("bound").size()).isEqualTo(21);
        assertThat(store.answer("bound-499")).as("the newest").isPresent();
        assertThat(hz.getConfig().getMapConfig("bound").getEvictionConfig().getMaxSizePolicy())
                .isEqualTo(MaxSizePolicy.PER_PARTITION);
    }

    @Test
    void keepsTheBoundOfTheMapTheClusterConfiguredFirst() {
        ClusterAnalysisStore first = new ClusterAnalysisStore(hz, "first", 7, MIB, Duration.ofHours(1), a -> "x");
        ClusterAnalysisStore second = new ClusterAnalysisStore(hz, "first", 700, MIB, Duration.ofHours(1), a -> "x");

        for (int i = 0; i < 100; i++) {
            second.put(analysis("first-" + i));
        }

        assertThat(hz.getMap("first").size()).isEqualTo(first.capacity()).isEqualTo(7);
    }

    @Test
    void theTextStoredForAnAnalysisIsBoundedWhateverThePricesOfTheList() throws Exception {
        // min, max, mean and median are echoed in the analysis: one price of 300 000 decimals made each as long
        String csv = "sku,name,price,currency\nA1,a,1." + "5".repeat(300_000) + ",EUR\nA2,b,2.00,EUR\n";
        PriceListAnalysis analysis = new PriceListAnalyzer(new AnalysisLimits(100, 100))
                .analyze(new java.io.ByteArrayInputStream(csv.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                .withId("long-prices", Instant.EPOCH);
        ClusterAnalysisStore store = new ClusterAnalysisStore(hz, "long-prices", 100, MIB, Duration.ofHours(1),
                String::valueOf);

        store.put(analysis);

        assertThat(((String) store.answer("long-prices").orElseThrow()).length()).isLessThan(4096);
    }

    @Test
    void keepsNoMoreBytesOfJsonThanItsBudgetInTheWholeMap() {
        // 20 analyses on 7 partitions: 21 kept, of at most 42 000 / 21 = 2 000 bytes each
        ClusterAnalysisStore store = new ClusterAnalysisStore(hz, "bytes", 20, 42_000, Duration.ofHours(1),
                String::valueOf);
        assertThat(store.maxEntryBytes()).isEqualTo(2_000);

        for (int i = 0; i < 200; i++) {
            store.put(listingInvalidRows("bytes-" + i, 100));
        }

        IMap<String, String> map = hz.getMap("bytes");
        assertThat(map.size()).isEqualTo(21);
        assertThat(map.values().stream().mapToLong(ClusterAnalysisStore::utf8Length).sum()).isLessThanOrEqualTo(42_000);
        // the newest is there, with fewer listed rows than it had and its counts whole
        String newest = (String) store.answer("bytes-199").orElseThrow();
        assertThat(ClusterAnalysisStore.utf8Length(newest)).isLessThanOrEqualTo(2_000);
        assertThat(newest).contains("invalidRowCount=100", "line=2,", "line=3,").doesNotContain("line=101,");
    }

    @Test
    void keepsAnAnalysisThatFitsAsItIsAndOneThatNeverFitsNotAtAll() {
        ClusterAnalysisStore store = new ClusterAnalysisStore(hz, "fits", 7, 7 * 3_000, Duration.ofHours(1),
                a -> a.id().startsWith("huge") ? "x".repeat(3_001) : String.valueOf(a));

        store.put(listingInvalidRows("small", 3));
        store.put(listingInvalidRows("huge", 3));

        assertThat(store.answer("small")).contains(String.valueOf(listingInvalidRows("small", 3)));
        assertThat(store.answer("huge")).isEmpty();
    }

    @Test
    void countsTheBytesOfJsonAsUtf8AtMostTwoMoreForACharacterBeyondTheFirstPlane() {
        for (String text : new String[] {"", "abc", "Crème brûlée", "\u20ac 12"}) {
            assertThat(ClusterAnalysisStore.utf8Length(text)).as(text)
                    .isEqualTo(text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
        }
        assertThat(ClusterAnalysisStore.utf8Length("\uD83D\uDE00 ok")).isEqualTo(6 + 3);
    }

    /** An analysis listing {@code rows} invalid rows, lines 2 on, each with a 64-character sku. */
    private static PriceListAnalysis listingInvalidRows(String id, int rows) {
        List<InvalidRow> invalid = new java.util.ArrayList<>();
        for (int i = 0; i < rows; i++) {
            invalid.add(new InvalidRow(i + 2, "S".repeat(64), List.of(new Issue(Issue.Code.BAD_PRICE, "price 'x'"))));
        }
        return new PriceListAnalysis(id, Instant.EPOCH, rows, 0, rows, invalid, 0, List.of(), Map.of());
    }

    @Test
    void spreadsTheCountOverThePartitionsRoundingUp() {
        assertThat(ClusterAnalysisStore.perPartition(1000, 271)).isEqualTo(4);
        assertThat(ClusterAnalysisStore.perPartition(271, 271)).isEqualTo(1);
        assertThat(ClusterAnalysisStore.perPartition(1, 271)).isEqualTo(1);
        assertThat(ClusterAnalysisStore.perPartition(Integer.MAX_VALUE, 271)).isEqualTo(7_924_294);
    }

    @Test
    void rejectsANonPositiveCapacityOrTimeToLive() {
        assertThatThrownBy(() -> new ClusterAnalysisStore(hz, 0, MIB, Duration.ofHours(1), a -> ""))
                .hasMessage("maxAnalyses must be >= 1, was 0");
        assertThatThrownBy(() -> new ClusterAnalysisStore(hz, 1, MIB, Duration.ofMillis(999), a -> ""))
                .hasMessage("ttl must be >= 1 s, was PT0.999S");
        assertThatThrownBy(() -> new ClusterAnalysisStore(hz, 10, 13, Duration.ofHours(1), a -> ""))
                .hasMessage("maxBytes must be >= 14 (a byte for each of the 14 analyses kept), was 13");
    }

    private static PriceListAnalysis analysis(String id) {
        return new PriceListAnalysis(id, Instant.EPOCH, 0, 0, 0, List.of(), 0, List.of(), Map.of());
    }
}
