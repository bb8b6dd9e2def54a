package org.quotaware.redis;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.config.ConfigSource;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StoreContext;
import org.quotaware.store.CompareAndSetStore;
import org.quotaware.store.QuotaStoreUnavailableException;
import org.quotaware.store.Stores;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The provider as the host finds it: by its address, through ServiceLoader, with Redis not reachable (yet). */
class RedisProviderTest {

    private static StoreContext context() {
        return new StoreContext("shop", ConfigSource.of("test", Map.of("quotaware.store.timeout", "200ms")), 100,
                Duration.ofSeconds(30));
    }

    /**
     * A Redis that cannot be reached at deployment is not a configuration error: the store is built, its operations
     * fail at once as unavailable (the fallback's signal, no request waits for a connection attempt), and it keeps
     * trying in the background.
     */
    @Test
    void aRedisNotReachableYetBuildsAStoreWhoseOperationsFailAtOnceAsUnavailable() {
        // port 1 on the loopback: refused at once on any machine
        QuotaStore store = Stores.open("redis://:secret@127.0.0.1:1", "store", context(),
                getClass().getClassLoader(), List.of());
        try {
            assertThat(store).isInstanceOf(CompareAndSetStore.class);
            assertThat(store.slotLeaseMillis()).isEqualTo(30_000);
            DefaultQuotaManager m = DefaultQuotaManager.builder().store(store)
                    .tiers(new QuotaTiers(QuotaLimits.defaults())).build();
            assertThatThrownBy(() -> m.acquire("user:a", QuotaRequest.request()))
                    // the link's own message: the request did not attempt a connection, it was told there is none
                    .isInstanceOf(QuotaStoreUnavailableException.class).hasMessageContaining("no connection to Redis")
                    .hasMessageNotContaining("secret");
            assertThat(store.failures().explain(new io.lettuce.core.RedisConnectionException("x"))).isNotNull();
        } finally {
            store.close();
        }
    }

    @Test
    void aBadAddressFailsTheDeploymentThroughTheHost() {
        assertThatThrownBy(() -> Stores.open("redis-cluster://:secret@", "store", context(),
                getClass().getClassLoader(), List.of()))
                .hasMessageContaining("store must be a Redis address").hasMessageContaining(":****@")
                .hasMessageNotContaining("secret");
    }
}
