package org.quotaware.store;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.engine.Operations;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Decisions go on locally with a share of each limit while the primary fails, and join it again exactly once. The
 * primary is the kit's own shared store in this JVM: members' {@link CompareAndSetStore}s on one {@link MemoryStateMap}
 * see the same states, as a cluster's members do (quota-hazelcast runs the same on a real cluster).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FallbackQuotaStoreTest {

    private static final Duration RETRY = Duration.ofSeconds(5);
    private static final AtomicInteger MAPS = new AtomicInteger();
    /** What a shared store's failure looks like once its backend's classifier named it. */
    private static final RuntimeException DOWN = new QuotaStoreUnavailableException("the shared store is down", null);

    private final MutableClock clock = new MutableClock();
    private final AtomicLong nanos = new AtomicLong();
    private final InMemoryQuotaStore local = new InMemoryQuotaStore(clock, 100);
    private final List<StoreMode> transitions = new CopyOnWriteArrayList<>();

    private final Map<String, MemoryStateMap> maps = new ConcurrentHashMap<>();

    /** A primary that fails with {@code failure} while {@code down}, as a stopped or misdeployed cluster does. */
    private static class Outage implements QuotaStore {
        final QuotaStore store;
        volatile RuntimeException failure;

        Outage(QuotaStore store) {
            this.store = store;
        }

        @Override
        public <R> R execute(String user, StateOperation<R> operation) {
            RuntimeException f = failure;
            if (f != null) {
                throw f;
            }
            return store.execute(user, operation);
        }

        @Override
        public long trackedUsers() {
            return store.trackedUsers();
        }

        @Override
        public long currentTimeMillis() {
            return store.currentTimeMillis();
        }

        @Override
        public long slotLeaseMillis() {
            return store.slotLeaseMillis();
        }
    }

    /** A member's store on the shared map {@code map}. */
    private QuotaStore shared(String map) {
        return CompareAndSetStore.builder(maps.computeIfAbsent(map, m -> new MemoryStateMap(clock::millis, 64)))
                .build();
    }

    private FallbackQuotaStore fallback(QuotaStore primary, int members) {
        return FallbackQuotaStore.builder(primary).local(local).memberCount(() -> members).retryInterval(RETRY)
                .nanoTime(nanos::get).onTransition(transitions::add).build();
    }

    private static DefaultQuotaManager manager(QuotaStore store, QuotaLimits limits) {
        return DefaultQuotaManager.builder().store(store).tiers(new QuotaTiers(limits)).build();
    }

    private static long admitted(QuotaManager m, String user, int attempts, QuotaRequest request) {
        return IntStream.range(0, attempts).filter(i -> m.acquire(user, request).admitted()).count();
    }

    @Test
    void decisionsGoOnLocallyWithAShareAndTheirCountsJoinThePrimaryExactlyOnce() {
        String map = "outage-" + MAPS.incrementAndGet();
        Outage primary = new Outage(shared(map));
        FallbackQuotaStore store = fallback(primary, 2);
        QuotaRequest request = QuotaRequest.request().withConcurrent(false);
        DefaultQuotaManager m = manager(store, QuotaLimits.builder().requestsPerMinute(10).build());
        DefaultQuotaManager otherMember = manager(shared(map), QuotaLimits.builder().requestsPerMinute(10).build());

        assertThat(admitted(m, "alice", 4, request)).isEqualTo(4);
        assertThat(store.mode()).isEqualTo(StoreMode.DISTRIBUTED);

        primary.failure = DOWN;
        assertThat(admitted(m, "alice", 20, request)).isEqualTo(5); // 10 shared by 2 members
        assertThat(store.mode()).isEqualTo(StoreMode.FALLBACK);
        assertThat(m.usage("alice").requestsPerMinute()).isEqualTo(5); // what this member counted alone
        assertThat(otherMember.usage("alice").requestsPerMinute()).isEqualTo(4); // what the cluster had

        nanos.addAndGet(RETRY.toNanos()); // a retry that fails changes nothing
        assertThat(m.acquire("alice", request).admitted()).isFalse();
        assertThat(store.mode()).isEqualTo(StoreMode.FALLBACK);

        primary.failure = null;
        nanos.addAndGet(RETRY.toNanos() - 1); // not yet time to retry
        assertThat(m.acquire("alice", request).admitted()).isFalse();
        assertThat(store.mode()).isEqualTo(StoreMode.FALLBACK);
        nanos.addAndGet(1);
        assertThat(m.acquire("alice", request).admitted()).isTrue(); // 4 + 5 merged, the 10th unit
        assertThat(store.mode()).isEqualTo(StoreMode.DISTRIBUTED);
        assertThat(m.acquire("alice", request).result().violated(Limit.REQUESTS_PER_MINUTE)).isTrue();
        assertThat(otherMember.usage("alice").requestsPerMinute()).isEqualTo(10);
        assertThat(local.trackedUsers()).isZero(); // drained, nothing counted twice
        assertThat(transitions).containsExactly(StoreMode.FALLBACK, StoreMode.DISTRIBUTED);
        assertThat(store.transitions()).isEqualTo(2);
    }

    @Test
    void permitsAreReleasedAndRenewedWhereTheyWereTaken() {
        String map = "permits-" + MAPS.incrementAndGet();
        Outage primary = new Outage(shared(map));
        FallbackQuotaStore store = fallback(primary, 2);
        QuotaLimits limits = QuotaLimits.builder().maxConcurrentTasks(4).maxQueueSize(0).off(Limit.REQUESTS_PER_MINUTE)
                .build();
        DefaultQuotaManager m = manager(store, limits);
        DefaultQuotaManager otherMember = manager(shared(map), limits);

        QuotaPermit distributed = (QuotaPermit) m.acquire("bob", QuotaRequest.request());
        primary.failure = DOWN;
        QuotaPermit local1 = (QuotaPermit) m.acquire("bob", QuotaRequest.request());
        QuotaPermit local2 = (QuotaPermit) m.acquire("bob", QuotaRequest.request());
        assertThat(m.acquire("bob", QuotaRequest.request()).result().violated(Limit.CONCURRENT_TASKS)).isTrue();
        assertThat(m.renewLeases()).isEqualTo(2); // the local slots; the distributed one lapses in the cluster
        distributed.close(); // counted here, its slot freed by the lease

        primary.failure = null;
        nanos.addAndGet(RETRY.toNanos());
        assertThat(m.usage("bob").activeTasks()).isEqualTo(1); // back on the cluster: the distributed slot, not expired
        assertThat(store.mode()).isEqualTo(StoreMode.DISTRIBUTED);
        local1.close();
        local2.close();
        assertThat(local.trackedUsers()).isZero();
        // every outcome counted once, in the cluster (read while the distributed slot keeps the state: with no window
        // on, the state is idle once that lease ends, and an idle state is dropped with its outcome counters)
        assertThat(otherMember.usage("bob").completed()).isEqualTo(3);
        clock.advance(Duration.ofSeconds(30));
        assertThat(otherMember.usage("bob").activeTasks()).isZero();
    }

    @Test
    void theFailuresThePrimarysClassifierNamesAreAFallback() {
        Outage primary = new Outage(new InMemoryQuotaStore(clock, 100)) {
            @Override
            public StoreFailures failures() { // a backend's own exception, untranslated
                return e -> e instanceof java.io.UncheckedIOException ? "connection refused" : null;
            }
        };
        primary.failure = new java.io.UncheckedIOException(new java.io.IOException("Connection refused"));
        FallbackQuotaStore store = FallbackQuotaStore.builder(primary).local(local).retryInterval(RETRY)
                .nanoTime(nanos::get).onTransition(transitions::add).build(); // members unknown: 2 apply
        DefaultQuotaManager m = manager(store, QuotaLimits.builder().requestsPerMinute(7).build());

        assertThat(admitted(m, "carol", 10, QuotaRequest.request().withConcurrent(false))).isEqualTo(3);
        assertThat(store.mode()).isEqualTo(StoreMode.FALLBACK);
        assertThat(transitions).containsExactly(StoreMode.FALLBACK);
    }

    @Test
    void aPrimaryThatFailsFallsBackWithTheLastMemberCountItGave() {
        Outage dying = new Outage(shared("dying-" + MAPS.incrementAndGet())) {
            @Override
            public int members() {
                return 3;
            }
        };
        FallbackQuotaStore store = FallbackQuotaStore.builder(dying).local(local).retryInterval(RETRY)
                .nanoTime(nanos::get).build(); // member count read from the primary: 3
        DefaultQuotaManager m = manager(store, QuotaLimits.builder().requestsPerMinute(9).build());
        QuotaRequest request = QuotaRequest.request().withConcurrent(false);

        assertThat(admitted(m, "dan", 2, request)).isEqualTo(2);
        dying.failure = DOWN;
        assertThat(admitted(m, "dan", 10, request)).isEqualTo(3); // 9 shared by 3 members
        assertThat(store.mode()).isEqualTo(StoreMode.FALLBACK);
    }

    @Test
    void anOperationsOwnBugIsNotHidden() {
        assertThat(StoreFailures.TRANSLATED.explain(new RuntimeException(DOWN))).isEqualTo(DOWN.getMessage());
        assertThat(StoreFailures.TRANSLATED.explain(new NullPointerException("state"))).isNull();

        Outage primary = new Outage(new InMemoryQuotaStore(clock, 100));
        primary.failure = new IllegalArgumentException("a bug");
        FallbackQuotaStore store = fallback(primary, 2);
        assertThatThrownBy(() -> store.execute("erin", new Operations.Export()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.mode()).isEqualTo(StoreMode.DISTRIBUTED);
    }
    /** A fallback whose local store runs on {@code memberClock}, this member's own clock, off the cluster's. */
    private FallbackQuotaStore fallbackOn(QuotaStore primary, MutableClock memberClock) {
        return FallbackQuotaStore.builder(primary).local(new InMemoryQuotaStore(memberClock, 100))
                .memberCount(() -> 2).retryInterval(RETRY).nanoTime(nanos::get).build();
    }

    @Test
    void aMemberWhoseClockIsAheadDoesNotExpireTheClustersSlotsOnMerge() {
        String map = "ahead-" + MAPS.incrementAndGet();
        Outage primary = new Outage(shared(map));
        MutableClock memberClock = new MutableClock(clock.instant().plusSeconds(30));
        QuotaLimits limits = QuotaLimits.builder().maxConcurrentTasks(4).maxQueueSize(0).requestsPerMinute(100)
                .build();
        DefaultQuotaManager m = manager(fallbackOn(primary, memberClock), limits);
        DefaultQuotaManager otherMember = manager(shared(map), limits);
        QuotaRequest request = QuotaRequest.request().withConcurrent(false);

        assertThat(otherMember.acquire("frank", QuotaRequest.request()).admitted()).isTrue(); // a slot till T+30 s
        primary.failure = DOWN;
        assertThat(admitted(m, "frank", 3, request)).isEqualTo(3);

        clock.advance(Duration.ofSeconds(10));
        memberClock.advance(Duration.ofSeconds(10));
        primary.failure = null;
        nanos.addAndGet(RETRY.toNanos());
        assertThat(m.acquire("frank", request).admitted()).isTrue(); // switches back and merges

        assertThat(otherMember.usage("frank").activeTasks()).as("the other member's live slot").isEqualTo(1);
        assertThat(otherMember.usage("frank").requestsPerMinute()).isEqualTo(5);
    }

    @Test
    void aMemberWhoseClockIsBehindDoesNotLoseItsCountsOnMerge() {
        String map = "behind-" + MAPS.incrementAndGet();
        Outage primary = new Outage(shared(map));
        MutableClock memberClock = new MutableClock(clock.instant().minusSeconds(30));
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(100).build();
        DefaultQuotaManager m = manager(fallbackOn(primary, memberClock), limits);
        DefaultQuotaManager otherMember = manager(shared(map), limits);
        QuotaRequest request = QuotaRequest.request().withConcurrent(false);

        primary.failure = DOWN;
        assertThat(admitted(m, "gina", 3, request)).isEqualTo(3);

        clock.advance(Duration.ofSeconds(40)); // the three are 40 s old: still in the minute window
        memberClock.advance(Duration.ofSeconds(40));
        primary.failure = null;
        nanos.addAndGet(RETRY.toNanos());
        assertThat(m.acquire("gina", request).admitted()).isTrue();

        assertThat(otherMember.usage("gina").requestsPerMinute()).isEqualTo(4);
    }

    @Test
    void decisionsGoOnWhileLocalCountsAreHandedBack() throws Exception {
        java.util.concurrent.CountDownLatch merging = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch resume = new java.util.concurrent.CountDownLatch(1);
        String slow = "slow";
        String other = "other";
        // different stripes of the hand-over's locks, so only the slow user's own decisions wait for it
        assertThat(Math.floorMod(slow.hashCode(), 64)).isNotEqualTo(Math.floorMod(other.hashCode(), 64));
        Outage primary = new Outage(new InMemoryQuotaStore(clock, 100)) {
            @Override
            public <R> R execute(String user, StateOperation<R> operation) {
                if (failure == null && slow.equals(user) && operation instanceof Operations.Merge) {
                    merging.countDown();
                    try {
                        resume.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.execute(user, operation);
            }
        };
        FallbackQuotaStore store = fallback(primary, 1);
        DefaultQuotaManager m = manager(store, QuotaLimits.builder().requestsPerMinute(100).build());
        QuotaRequest request = QuotaRequest.request().withConcurrent(false);

        primary.failure = DOWN;
        assertThat(admitted(m, slow, 2, request)).isEqualTo(2);
        assertThat(admitted(m, other, 2, request)).isEqualTo(2);
        primary.failure = null;
        nanos.addAndGet(RETRY.toNanos());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var switching = pool.submit(() -> m.acquire(slow, request).admitted()); // switches, hands back slow
            assertThat(merging.await(10, TimeUnit.SECONDS)).isTrue();
            var meanwhile = pool.submit(() -> m.acquire(other, request).admitted());
            assertThat(meanwhile.get(10, TimeUnit.SECONDS)).as("decided while slow is handed back").isTrue();
            resume.countDown();
            assertThat(switching.get(10, TimeUnit.SECONDS)).isTrue();
        } finally {
            resume.countDown();
            pool.shutdownNow();
        }
        assertThat(m.usage(slow).requestsPerMinute()).isEqualTo(3);
        assertThat(m.usage(other).requestsPerMinute()).isEqualTo(3);
        assertThat(local.trackedUsers()).isZero();
    }
}
