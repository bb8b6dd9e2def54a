package org.quotaware.hazelcast;

import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.hazelcast.core.HazelcastInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Timeout;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreContract;
import org.quotaware.spi.StateOperation;
import org.quotaware.testing.MutableClock;
import org.quotaware.store.FallbackQuotaStore;
import org.quotaware.store.StoreMode;
import org.quotaware.store.QuotaStoreUnavailableException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract in every other mode a store runs in: Hazelcast by compare-and-set, and the fallback store both
 * while it decides in the cluster and while it decides locally. One two-member cluster for all of them (the
 * processor path has its own run, {@link HazelcastQuotaStoreContractTest}).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StoreModesContractTest {

    private static final AtomicInteger MAPS = new AtomicInteger();
    private static TestCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = TestCluster.start("modes", 5841, 2);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

    private static HazelcastQuotaStore store(HazelcastInstance hz, String map, MutableClock clock, int maxTracked) {
        return HazelcastQuotaStore.builder(hz).mapName(map).clock(clock).maxTrackedUsers(maxTracked).build();
    }

    /** Hazelcast deciding by compare-and-set: a member of the cluster announced it cannot load the processor. */
    @Nested
    class CompareAndSet extends QuotaStoreContract {
        private HazelcastQuotaStore hazelcast;

        @Override
        protected QuotaStore newStore(MutableClock clock, int maxTrackedUsers) {
            String map = "cas-" + MAPS.incrementAndGet();
            cluster.member(1).getMap(map + ".paths").put(UUID.randomUUID().toString(), DecisionPath.COMPARE_AND_SET);
            hazelcast = store(cluster.member(0), map, clock, maxTrackedUsers);
            return hazelcast;
        }

        @AfterEach
        void decidedByCompareAndSet() {
            assertThat(hazelcast.decidesByProcessor()).isFalse();
        }
    }

    /** The fallback store in one mode for the whole run. */
    abstract static class OnFallback extends QuotaStoreContract {
        private final StoreMode mode;
        private FallbackQuotaStore fallback;

        OnFallback(StoreMode mode) {
            this.mode = mode;
        }

        abstract FallbackQuotaStore.Builder builder(MutableClock clock, int maxTrackedUsers);

        @Override
        protected QuotaStore newStore(MutableClock clock, int maxTrackedUsers) {
            fallback = builder(clock, maxTrackedUsers).local(new InMemoryQuotaStore(clock, maxTrackedUsers)).build();
            return fallback;
        }

        @AfterEach
        void stayedInItsMode() {
            assertThat(fallback.mode()).isEqualTo(mode);
            assertThat(fallback.transitions()).isEqualTo(mode == StoreMode.FALLBACK ? 1 : 0);
        }
    }

    /** The fallback store while the cluster answers: every decision in Hazelcast, on the processor path. */
    @Nested
    class FallbackWhileDistributed extends OnFallback {
        FallbackWhileDistributed() {
            super(StoreMode.DISTRIBUTED);
        }

        @Override
        FallbackQuotaStore.Builder builder(MutableClock clock, int maxTrackedUsers) {
            String map = "distributed-" + MAPS.incrementAndGet();
            HazelcastQuotaStore primary = store(cluster.member(0), map, clock, maxTrackedUsers);
            HazelcastQuotaStoreContractTest.awaitProcessor(primary,
                    store(cluster.member(1), map, clock, maxTrackedUsers));
            return FallbackQuotaStore.builder(primary);
        }
    }

    /** The fallback store while the cluster never answers: every decision local, with the whole limit (1 member). */
    @Nested
    class FallbackWhileLocal extends OnFallback {
        FallbackWhileLocal() {
            super(StoreMode.FALLBACK);
        }

        @Override
        FallbackQuotaStore.Builder builder(MutableClock clock, int maxTrackedUsers) {
            return FallbackQuotaStore.builder(new Unreachable()).memberCount(() -> 1).fallbackMembers(1);
        }
    }

    /** A primary whose cluster is gone, with the cluster's slot lease. */
    private static final class Unreachable implements QuotaStore {
        @Override
        public <R> R execute(String user, StateOperation<R> operation) {
            throw gone();
        }

        @Override
        public long trackedUsers() {
            throw gone();
        }

        @Override
        public long currentTimeMillis() {
            throw gone();
        }

        private static QuotaStoreUnavailableException gone() {
            return new QuotaStoreUnavailableException("the cluster is gone", new IllegalStateException("gone"));
        }

        @Override
        public long slotLeaseMillis() {
            return HazelcastQuotaStore.DEFAULT_SLOT_LEASE.toMillis();
        }
    }
}
