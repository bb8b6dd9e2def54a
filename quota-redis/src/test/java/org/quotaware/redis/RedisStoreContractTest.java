package org.quotaware.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.config.ConfigSource;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreContract;
import org.quotaware.spi.StoreContext;
import org.quotaware.store.AllowanceStore;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.store.CompareAndSetStore;
import org.quotaware.store.FallbackQuotaStore;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on a real redis-server: the Redis store itself, and allowances over it. Each store gets an
 * application of its own, so its keys start empty; the clock is the test's (the keys' time to live, counted by
 * Redis on its own clock, is longer than any test).
 */
class RedisStoreContractTest {

    private static final AtomicInteger APPS = new AtomicInteger();
    static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    static StoreContext context(int maxTrackedUsers, Map<String, String> settings) {
        return new StoreContext("contract-" + APPS.incrementAndGet(), ConfigSource.of("test", settings),
                maxTrackedUsers, Duration.ofSeconds(30));
    }

    static CompareAndSetStore redisStore(MutableClock clock, int maxTrackedUsers) {
        return RedisStoreProvider.create(redis.uri(), context(maxTrackedUsers, Map.of()), clock::millis);
    }

    /** The stores a test made, closed after it: a test may replace its store with another. */
    abstract static class OnRedis extends QuotaStoreContract {
        private final List<QuotaStore> made = new ArrayList<>();

        abstract QuotaStore make(MutableClock clock, int maxTrackedUsers);

        @Override
        protected QuotaStore newStore(MutableClock clock, int maxTrackedUsers) {
            QuotaStore s = make(clock, maxTrackedUsers);
            made.add(s);
            return s;
        }

        @AfterEach
        void closeAll() {
            made.forEach(QuotaStore::close);
        }
    }

    @Nested
    class Standalone extends OnRedis {
        @Override
        QuotaStore make(MutableClock clock, int maxTrackedUsers) {
            return redisStore(clock, maxTrackedUsers);
        }

        /**
         * A decision on a state this member wrote last is one command at Redis, the script that compares and writes
         * (INFO commandstats counts what the server ran).
         */
        @Test
        void aDecisionIsOneRoundTrip() throws Exception {
            QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(1_000).off(
                    org.quotaware.Limit.CONCURRENT_TASKS).build());
            m.acquire("user:one", QuotaRequest.request());
            long evalsha = redis.calls("evalsha");
            long get = redis.calls("get");
            long eval = redis.calls("eval");
            for (int i = 0; i < 50; i++) {
                assertThat(m.acquire("user:one", QuotaRequest.request()).admitted()).isTrue();
            }
            assertThat(redis.calls("evalsha") - evalsha).isEqualTo(50);
            // commandstats counts the commands scripts run too: one GET inside each script, none of the client's
            assertThat(redis.calls("get") - get).as("no reads but the scripts' own").isEqualTo(50);
            assertThat(redis.calls("eval") - eval).as("no script sent again").isZero();
        }

        /** A server that lost its scripts (a restart, SCRIPT FLUSH) gets them again from the next call. */
        @Test
        void scriptsAreSentAgainWhenRedisLostThem() throws Exception {
            QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(3).off(
                    org.quotaware.Limit.CONCURRENT_TASKS).build());
            m.acquire("user:two", QuotaRequest.request());
            assertThat(redis.command("SCRIPT", "FLUSH")).isEqualTo("+OK");
            long eval = redis.calls("eval");
            assertThat(m.acquire("user:two", QuotaRequest.request()).admitted()).isTrue();
            assertThat(m.acquire("user:two", QuotaRequest.request()).admitted()).isTrue();
            assertThat(m.acquire("user:two", QuotaRequest.request()).admitted()).as("the fourth of three").isFalse();
            assertThat(redis.calls("eval") - eval).as("the script sent once").isEqualTo(1);
        }

        /** Keys live under the application's prefix, with the time to live of the state: nothing stays forever. */
        @Test
        void keysCarryThePrefixAndATimeToLive() throws Exception {
            CompareAndSetStore s = RedisStoreProvider.create(redis.uri(), new StoreContext("shop", ConfigSource.of(
                    "test", Map.of()), 100, Duration.ofSeconds(30)), clock::millis);
            try {
                QuotaManager shop = org.quotaware.engine.DefaultQuotaManager.builder().store(s)
                        .tiers(new org.quotaware.QuotaTiers(QuotaLimits.defaults())).build();
                ((QuotaPermit) shop.acquire("user:ttl", QuotaRequest.request())).close();
                long pttl = Long.parseLong(redis.command("PTTL", "quotaware:shop:user:ttl").substring(1));
                assertThat(pttl).isPositive().isLessThanOrEqualTo(CompareAndSetStore.timeToLiveMillis(30_000));
                assertThat(redis.command("ZSCORE", "quotaware:shop:\u0000users",
                        "quotaware:shop:user:ttl")).as("in the application's index").isNotEqualTo("$-1");
            } finally {
                s.close();
            }
        }
    }

    /** The fallback over Redis, Redis answering: the wrapper changes nothing while the store answers. */
    @Nested
    class Fallback extends OnRedis {
        @Override
        QuotaStore make(MutableClock clock, int maxTrackedUsers) {
            return FallbackQuotaStore.builder(redisStore(clock, maxTrackedUsers))
                    .local(new InMemoryQuotaStore(clock, maxTrackedUsers)).build();
        }
    }

    /** Allowances over Redis, as the filter wires a shared store: allowances, then the fallback around them. */
    @Nested
    class Allowances extends OnRedis {
        @Override
        QuotaStore make(MutableClock clock, int maxTrackedUsers) {
            CompareAndSetStore remote = redisStore(clock, maxTrackedUsers);
            AllowanceStore allowances = AllowanceStore.builder(remote).manualTick()
                    .nanoClock(() -> clock.millis() * 1_000_000L).build();
            return FallbackQuotaStore.builder(allowances).failures(remote.failures())
                    .local(new InMemoryQuotaStore(clock, maxTrackedUsers)).build();
        }
    }
}
