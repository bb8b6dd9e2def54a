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
        ClusterAnalysisStore store = new ClusterAnalysisStore(hz, 100, Duration.ofHours(1),
                a -> "{\"id\":\"" + a.id() + "\"}");

        store.put(analysis("a"));

        assertThat(store.answer("a")).contains("{\"id\":\"a\"}");
        assertThat(store.answer("b")).isEmpty();
    }

    @Test
    void writesEveryEntryWithTheTimeToLive() {
        ClusterAnalysisStore store = new ClusterAnalysisStore(hz, "ttl", 100, Duration.ofMinutes(90), a -> a.id());

        store.put(analysis("ttl"));

        IMap<String, String> map = hz.getMap("ttl");
        assertThat(map.getEntryView("ttl").getTtl()).isEqualTo(Duration.ofMinutes(90).toMillis());
    }

    @Test
    void keepsAtMostItsCapacityInTheMap() {
        // 20 analyses on 7 partitions: 3 a partition, 21 in all
        ClusterAnalysisStore store = new ClusterAnalysisStore(hz, "bound", 20, Duration.ofHours(1),
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
        ClusterAnalysisStore first = new ClusterAnalysisStore(hz, "first", 7, Duration.ofHours(1), a -> "x");
        ClusterAnalysisStore second = new ClusterAnalysisStore(hz, "first", 700, Duration.ofHours(1), a -> "x");

        for (int i = 0; i < 100; i++) {
            second.put(analysis("first-" + i));
        }

        assertThat(hz.getMap("first").size()).isEqualTo(first.capacity()).isEqualTo(7);
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
        assertThatThrownBy(() -> new ClusterAnalysisStore(hz, 0, Duration.ofHours(1), a -> ""))
                .hasMessage("maxAnalyses must be >= 1, was 0");
        assertThatThrownBy(() -> new ClusterAnalysisStore(hz, 1, Duration.ofMillis(999), a -> ""))
                .hasMessage("ttl must be >= 1 s, was PT0.999S");
    }

    private static PriceListAnalysis analysis(String id) {
        return new PriceListAnalysis(id, Instant.EPOCH, 0, 0, 0, List.of(), 0, List.of(), Map.of());
    }
}
