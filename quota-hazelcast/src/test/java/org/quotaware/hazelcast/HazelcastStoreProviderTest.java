package org.quotaware.hazelcast;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.config.ConfigSource;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StoreContext;
import org.quotaware.store.Stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code store=hazelcast} through the provider, as the filter alone and quota-cdi open it: the running instance it
 * names, map names per application (two applications on one cluster share no counts unless both name one map), and
 * the messages when no instance fits.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HazelcastStoreProviderTest {

    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("provider", 5881, 2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static QuotaStore open(String store, String application, Map<String, String> config) {
        return Stores.open(store, "quotaware.store", new StoreContext(application, ConfigSource.of("test", config),
                1_000, Duration.ofSeconds(30)), HazelcastStoreProviderTest.class.getClassLoader(), List.of());
    }

    private static String on(int member) {
        return "hazelcast:" + cluster.member(member).getName();
    }

    private static QuotaManager manager(QuotaStore store) {
        return DefaultQuotaManager.builder().store(store)
                .tiers(new QuotaTiers(QuotaLimits.builder().requestsPerMinute(5).build())).build();
    }

    private static long admitted(QuotaManager m, String user, int attempts) {
        return IntStream.range(0, attempts)
                .filter(i -> m.acquire(user, QuotaRequest.request().withConcurrent(false)).admitted()).count();
    }

    @Test
    void twoApplicationsOnOneClusterCountApartAndEachSharesAcrossItsOwnMembers() {
        QuotaStore shopHere = open(on(0), "shop", Map.of());
        assertThat(shopHere).isInstanceOfSatisfying(HazelcastQuotaStore.class,
                s -> assertThat(s.mapName()).isEqualTo("quotaware-users.shop"));
        QuotaManager shop = manager(shopHere);
        QuotaManager shopThere = manager(open(on(1), "shop", Map.of()));
        QuotaManager blog = manager(open(on(1), "blog", Map.of()));

        assertThat(admitted(shop, "alice", 8)).isEqualTo(5);
        assertThat(admitted(shopThere, "alice", 3)).as("the same application on another member").isZero();
        assertThat(admitted(blog, "alice", 8)).as("another application on the same cluster").isEqualTo(5);
    }

    @Test
    void twoApplicationsShareWhenBothNameTheSameMap() {
        Map<String, String> shared = new HashMap<>(Map.of("quotaware.cluster.map", "quotaware-users-shared"));
        QuotaManager shop = manager(open(on(0), "shop", shared));
        QuotaManager blog = manager(open(on(1), "blog", shared));

        assertThat(admitted(shop, "bob", 3)).isEqualTo(3);
        assertThat(admitted(blog, "bob", 5)).isEqualTo(2);
    }

    @Test
    void anInstanceNotRunningHereFailsNamingTheKeyAndTheRunningOnes() {
        assertThatThrownBy(() -> open("hazelcast:nosuch", "shop", Map.of()))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessageContaining("quotaware.store")
                .hasMessageContaining("hazelcast:nosuch")
                .hasMessageContaining(cluster.member(0).getName());
    }

    @Test
    void severalInstancesNeedAName() {
        assertThatThrownBy(() -> open("hazelcast", "shop", Map.of()))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessageContaining("quotaware.store")
                .hasMessageContaining("hazelcast:<instance-name>");
    }

    @Test
    void theFailuresOfTheStoreAreHazelcasts() {
        QuotaStore store = open(on(0), "shop", Map.of());
        assertThat(store.failures()).isSameAs(HazelcastFailures.INSTANCE);
        assertThat(store.members()).isEqualTo(2);
    }
}
