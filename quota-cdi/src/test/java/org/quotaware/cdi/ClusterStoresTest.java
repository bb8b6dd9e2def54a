package org.quotaware.cdi;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.store.FallbackQuotaStore;
import org.quotaware.store.StoreMode;
import org.quotaware.local.InMemoryQuotaStore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The store a member without any Hazelcast instance gets (outside a container, JNDI has no Payara instance). */
class ClusterStoresTest {

    private final Logger log = Logger.getLogger(ClusterStores.class.getName());
    private final List<LogRecord> records = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            records.add(record);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void listen() {
        log.addHandler(capture);
    }

    @AfterEach
    void stopListening() {
        log.removeHandler(capture);
    }

    static QuotaConfiguration config(Map<String, String> values) {
        return QuotaConfiguration.load(new MapConfig(values, Map.of()));
    }

    static int admitted(ClusterStores.Choice choice, int tries) {
        int admitted = 0;
        try (QuotaManager manager = DefaultQuotaManager.builder().store(choice.store())
                .tiers(config(Map.of("quotaware.default.requests-per-minute", "4")).settings.quota().tiers()).build()) {
            for (int i = 0; i < tries; i++) {
                Acquisition a = manager.acquire("ip:192.0.2.1", QuotaRequest.request().withConcurrent(false));
                if (a instanceof QuotaPermit p) {
                    p.close();
                    admitted++;
                }
            }
        }
        return admitted;
    }

    @Test
    void withoutHazelcastAndWithoutClusterKeysTheLocalStoreGivesTheFullLimitsAndSaysSoOnce() {
        ClusterStores.Choice choice = ClusterStores.choose(config(Map.of()), null);

        assertThat(choice.store()).isInstanceOf(InMemoryQuotaStore.class);
        assertThat(choice.cluster()).isNull();
        assertThat(admitted(choice, 10)).isEqualTo(4);
        assertThat(records).hasSize(1);
        assertThat(records.get(0).getLevel()).isEqualTo(Level.INFO);
        assertThat(records.get(0).getMessage()).startsWith("quotaware: no Hazelcast on this member, so quotas are per "
                + "instance: each instance admits the full limits. To share them across instances");
    }

    @Test
    void aClusterKeySaysAClusterIsMeantSoTheMemberDecidesWithItsShare() {
        ClusterStores.Choice choice = ClusterStores.choose(
                config(Map.of("quotaware.cluster.fallback-members", "2")), null);

        assertThat(choice.store()).isInstanceOf(FallbackQuotaStore.class);
        assertThat(admitted(choice, 10)).isEqualTo(2);
        assertThat(((FallbackQuotaStore) choice.store()).mode()).isEqualTo(StoreMode.FALLBACK);
        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.getLevel()).isEqualTo(Level.WARNING);
            assertThat(r.getMessage()).contains("a cluster is configured ([quotaware.cluster.fallback-members])",
                    "1/2 of each limit");
        });
    }

    /** Only Hazelcast's maps can be kept in a database: set anywhere else, the key is named in a WARNING. */
    @Test
    void persistenceWhereNothingCanKeepTheStateIsAWarningNamingTheKey() {
        for (Map<String, String> where : List.of(Map.<String, String>of(), Map.of("quotaware.store", "local"),
                Map.of("quotaware.store", "memory://kept"))) {
            records.clear();
            Map<String, String> values = new java.util.HashMap<>(where);
            values.put("quotaware.cluster.persistence", "jdbc/QuotaDB");
            ClusterStores.choose(config(values), null);
            assertThat(records).filteredOn(r -> r.getLevel() == Level.WARNING).singleElement()
                    .satisfies(r -> assertThat(r.getMessage()).as("with %s", where)
                            .startsWith("quotaware: quotaware.cluster.persistence=jdbc/QuotaDB is ignored: ")
                            .endsWith("nothing is kept in that DataSource (docs/cluster.md, Persistence)"));
        }
        records.clear();
        ClusterStores.choose(config(Map.of("quotaware.store", "local")), null);
        assertThat(records).noneMatch(r -> r.getLevel() == Level.WARNING);
    }

    @Test
    void hazelcastRequiredButAbsentFailsAndLocalIsLocal() {
        assertThatThrownBy(() -> ClusterStores.choose(config(Map.of("quotaware.cluster.store", "hazelcast")), null))
                .hasMessageStartingWith("quotaware.cluster.store=hazelcast, but this member has no Hazelcast instance");
        assertThat(ClusterStores.choose(config(Map.of("quotaware.cluster.store", "local")), null).store())
                .isInstanceOf(InMemoryQuotaStore.class);
        assertThatThrownBy(() -> ClusterStores.choose(config(Map.of("quotaware.store", "Hazelcast")), null))
                .hasMessageStartingWith("quotaware.store=hazelcast, but this member has no Hazelcast instance");
    }

    @Test
    void aProvidersValueGetsItsStoreBehindTheFallbackAndTheApplicationsName() {
        // memory://<name>: quota-filter's test provider, as quota-redis's is for redis://
        ClusterStores.Choice choice = ClusterStores.choose(config(Map.of("quotaware.store", "memory://cdi")), null,
                null, "/shop");

        assertThat(choice.store()).isInstanceOf(FallbackQuotaStore.class);
        assertThat(((FallbackQuotaStore) choice.store()).mode()).isEqualTo(StoreMode.DISTRIBUTED);
        assertThat(admitted(choice, 10)).isEqualTo(4);
        assertThat(org.quotaware.store.MemoryStoreProvider.CONTEXTS.get("memory://cdi").application())
                .isEqualTo("shop");
        assertThat(ClusterStores.applicationName(config(Map.of("quotaware.application", "blog")).cluster, "/shop"))
                .isEqualTo("blog");
        assertThat(ClusterStores.applicationName(config(Map.of()).cluster, "")).isEqualTo("ROOT");
    }

    @Test
    void aValueNobodyAcceptsFailsNamingTheKeyTheValueAndTheAcceptedValues() {
        assertThatThrownBy(() -> ClusterStores.choose(config(Map.of("quotaware.store", "mongo://x")), null))
                .hasMessageStartingWith("quotaware.store: store must be one of local, auto, hazelcast, ")
                .hasMessageContaining("hazelcast:<instance-name>").hasMessageContaining("memory://<name>")
                .hasMessageEndingWith("(a store module's jar on the class path adds its own), was mongo://x");
    }

    @Test
    void theApplicationsOwnQuotaStoreBeanWins() {
        InMemoryQuotaStore own = new InMemoryQuotaStore();
        assertThat(ClusterStores.own(beans(own))).isSameAs(own);
        assertThat(ClusterStores.own(beans())).isNull();
        assertThatThrownBy(() -> ClusterStores.own(beans(own, new InMemoryQuotaStore())))
                .hasMessageContaining("the application has 2 QuotaStore beans");
    }

    /** A bean manager that knows {@code stores} as beans of type QuotaStore, and nothing else. */
    private static jakarta.enterprise.inject.spi.BeanManager beans(org.quotaware.spi.QuotaStore... stores) {
        java.util.Set<jakarta.enterprise.inject.spi.Bean<?>> found = new java.util.LinkedHashSet<>();
        java.util.Map<Object, Object> references = new java.util.HashMap<>();
        for (org.quotaware.spi.QuotaStore store : stores) {
            Object bean = java.lang.reflect.Proxy.newProxyInstance(ClusterStoresTest.class.getClassLoader(),
                    new Class<?>[] {jakarta.enterprise.inject.spi.Bean.class}, (proxy, method, args) -> switch (
                            method.getName()) {
                        case "getBeanClass" -> store.getClass();
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> null;
                    });
            found.add((jakarta.enterprise.inject.spi.Bean<?>) bean);
            references.put(bean, store);
        }
        return (jakarta.enterprise.inject.spi.BeanManager) java.lang.reflect.Proxy.newProxyInstance(
                ClusterStoresTest.class.getClassLoader(),
                new Class<?>[] {jakarta.enterprise.inject.spi.BeanManager.class}, (proxy, method, args) -> switch (
                        method.getName()) {
                    case "getBeans" -> found;
                    case "getReference" -> references.get(args[0]);
                    default -> null;
                });
    }
}
