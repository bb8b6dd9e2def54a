package org.quotaware.redis;

import java.time.Duration;
import java.util.Map;
import java.util.function.LongSupplier;

import org.quotaware.Acquisition;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.config.ConfigSource;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.spi.StoreContext;
import org.quotaware.store.CompareAndSetStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exact decisions on a Redis store reached some way (AUTH, TLS, Sentinel): a user allowed 5 requests a minute is
 * admitted exactly 5 times, refused the 6th, and Redis holds the user's state under the application's key.
 */
final class Decisions {

    private Decisions() {
    }

    /** The store for {@code address} with the {@code store.*} settings given as MicroProfile Config keys. */
    static CompareAndSetStore store(String address, String application, Map<String, String> settings,
            LongSupplier clock) {
        return RedisStoreProvider.create(address, new StoreContext(application, ConfigSource.of("test", settings),
                1_000, Duration.ofSeconds(30)), clock);
    }

    /** 5 admitted one after another, the 6th refused for its rate, usage 5: every decision made on Redis. */
    static void fiveAdmittedThenRefused(CompareAndSetStore store, String user) {
        QuotaManager m = fivePerMinute(store);
        for (int i = 1; i <= 5; i++) {
            assertThat(admitted(m, user)).as("request %d of 5", i).isTrue();
        }
        assertThat(admitted(m, user)).as("the 6th").isFalse();
        assertThat(m.usage(user).requestsPerMinute()).isEqualTo(5);
        assertThat(m.usage(user).activeTasks()).isZero();
    }

    /** A manager allowing each user 5 requests a minute, deciding on {@code store}. */
    static QuotaManager fivePerMinute(CompareAndSetStore store) {
        return DefaultQuotaManager.builder().store(store).tiers(new QuotaTiers(QuotaLimits.builder()
                .requestsPerMinute(5).maxConcurrentTasks(2).maxQueueSize(0).build())).build();
    }

    /** One request of {@code user}, its permit closed at once: whether it was admitted. */
    static boolean admitted(QuotaManager m, String user) {
        Acquisition a = m.acquire(user, QuotaRequest.request().withAnonymous(false));
        if (a instanceof QuotaPermit p) {
            p.close();
        }
        return a.admitted();
    }
}
