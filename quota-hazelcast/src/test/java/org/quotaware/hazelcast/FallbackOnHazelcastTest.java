package org.quotaware.hazelcast;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;

import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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
import org.quotaware.store.FallbackQuotaStore;
import org.quotaware.store.QuotaStoreUnavailableException;
import org.quotaware.store.StoreMode;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The kit's fallback on a real Hazelcast cluster: decisions go on locally with a share of each limit while the cluster
 * fails (as {@link HazelcastFailures} tells), and join it again exactly once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FallbackOnHazelcastTest {

    private static final Duration RETRY = Duration.ofSeconds(5);
    private static final AtomicInteger MAPS = new AtomicInteger();
    private static TestCluster cluster;

    private final MutableClock clock = new MutableClock();
    private final AtomicLong nanos = new AtomicLong();
    private final InMemoryQuotaStore local = new InMemoryQuotaStore(clock, 100);
    private final List<StoreMode> transitions = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startCluster() {
        // the third member is only for the test that kills it
        cluster = TestCluster.start("fallback", 5821, 3);
    }

    @AfterAll
    static void stopCluster() {
        cluster.close();
    }

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

    private HazelcastQuotaStore hazelcast(int member, String map) {
        return HazelcastQuotaStore.builder(cluster.member(member)).mapName(map).clock(clock).build();
    }

    private FallbackQuotaStore fallback(QuotaStore primary, int members) {
        return FallbackQuotaStore.builder(primary).failures(HazelcastFailures.INSTANCE).local(local).memberCount(() -> members).retryInterval(RETRY)
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
        Outage primary = new Outage(hazelcast(0, map));
        FallbackQuotaStore store = fallback(primary, 2);
        QuotaRequest request = QuotaRequest.request().withConcurrent(false);
        DefaultQuotaManager m = manager(store, QuotaLimits.builder().requestsPerMinute(10).build());
        DefaultQuotaManager otherMember = manager(hazelcast(1, map), QuotaLimits.builder().requestsPerMinute(10).build());

        assertThat(admitted(m, "alice", 4, request)).isEqualTo(4);
        assertThat(store.mode()).isEqualTo(StoreMode.DISTRIBUTED);

        primary.failure = new HazelcastInstanceNotActiveException();
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
        Outage primary = new Outage(hazelcast(0, map));
        FallbackQuotaStore store = fallback(primary, 2);
        QuotaLimits limits = QuotaLimits.builder().maxConcurrentTasks(4).maxQueueSize(0).off(Limit.REQUESTS_PER_MINUTE)
                .build();
        DefaultQuotaManager m = manager(store, limits);
        DefaultQuotaManager otherMember = manager(hazelcast(1, map), limits);

        QuotaPermit distributed = (QuotaPermit) m.acquire("bob", QuotaRequest.request());
        primary.failure = new HazelcastInstanceNotActiveException();
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
    void aMissingProcessorOnAMemberIsAFallbackNeverAnNpe() {
        Outage primary = new Outage(new InMemoryQuotaStore(clock, 100));
        primary.failure = new NullPointerException(
                "Cannot invoke \"com.hazelcast.map.EntryProcessor.process(java.util.Map$Entry)\" because "
                        + "\"this.entryProcessor\" is null");
        FallbackQuotaStore store = FallbackQuotaStore.builder(primary).failures(HazelcastFailures.INSTANCE).local(local)
                .memberCount(() -> 0).retryInterval(RETRY).nanoTime(nanos::get).onTransition(transitions::add)
                .build(); // member count unknown: fallbackMembers (2) applies
        DefaultQuotaManager m = manager(store, QuotaLimits.builder().requestsPerMinute(7).build());

        assertThat(admitted(m, "carol", 10, QuotaRequest.request().withConcurrent(false))).isEqualTo(3);
        assertThat(store.mode()).isEqualTo(StoreMode.FALLBACK);
        assertThat(transitions).containsExactly(StoreMode.FALLBACK);
    }

    @Test
    void aMemberThatShutsDownFallsBackWithTheLastMemberCount() {
        HazelcastQuotaStore dying = hazelcast(2, "dying-" + MAPS.incrementAndGet());
        FallbackQuotaStore store = FallbackQuotaStore.builder(dying).local(local).retryInterval(RETRY)
                .nanoTime(nanos::get).build(); // member count read from the Hazelcast store: 3
        DefaultQuotaManager m = manager(store, QuotaLimits.builder().requestsPerMinute(9).build());
        QuotaRequest request = QuotaRequest.request().withConcurrent(false);

        assertThat(admitted(m, "dan", 2, request)).isEqualTo(2);
        cluster.crash(2);
        assertThatThrownBy(() -> dying.execute("dan", new Operations.Export()))
                .isInstanceOfSatisfying(QuotaStoreUnavailableException.class,
                        e -> assertThat(e.getMessage()).contains(HazelcastFailures.UNREACHABLE));
        assertThat(admitted(m, "dan", 10, request)).isEqualTo(3); // 9 shared by 3 members
        assertThat(store.mode()).isEqualTo(StoreMode.FALLBACK);
    }

    @Test
    void failuresAreClassifiedAndAnOperationsOwnBugIsNotHidden() {
        HazelcastFailures failures = HazelcastFailures.INSTANCE;
        assertThat(failures.explain(new HazelcastSerializationException(new ClassNotFoundException(
                "org.quotaware.hazelcast.StateProcessor")))).contains(HazelcastFailures.PROCESSOR_CLASSES_MISSING)
                .contains("quota-hazelcast");
        // what a member without our classes answers to the DataSerializable processor (seen in MissingClassesTest)
        assertThat(failures.explain(new com.hazelcast.core.HazelcastException(new HazelcastSerializationException(
                "Problem while reading DataSerializable, namespace: 0, ID: 0, class: "
                        + "'org.quotaware.hazelcast.StateProcessor'",
                new ClassNotFoundException("org.quotaware.hazelcast.StateProcessor")))))
                .contains(HazelcastFailures.PROCESSOR_CLASSES_MISSING);
        assertThat(failures.explain(new RuntimeException(new HazelcastInstanceNotActiveException())))
                .contains(HazelcastFailures.UNREACHABLE);
        assertThat(failures.explain(new com.hazelcast.core.OperationTimeoutException("slow")))
                .contains(HazelcastFailures.UNREACHABLE);
        assertThat(failures.explain(new NullPointerException("state"))).isNull();

        Outage primary = new Outage(new InMemoryQuotaStore(clock, 100));
        primary.failure = new IllegalArgumentException("a bug");
        FallbackQuotaStore store = fallback(primary, 2);
        assertThatThrownBy(() -> store.execute("erin", new Operations.Export()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(store.mode()).isEqualTo(StoreMode.DISTRIBUTED);
    }
    /** A fallback whose local store runs on {@code memberClock}, this member's own clock, off the cluster's. */
    private FallbackQuotaStore fallbackOn(QuotaStore primary, MutableClock memberClock) {
        return FallbackQuotaStore.builder(primary).failures(HazelcastFailures.INSTANCE)
                .local(new InMemoryQuotaStore(memberClock, 100))
                .memberCount(() -> 2).retryInterval(RETRY).nanoTime(nanos::get).build();
    }

    @Test
    void aMemberWhoseClockIsAheadDoesNotExpireTheClustersSlotsOnMerge() {
        String map = "ahead-" + MAPS.incrementAndGet();
        Outage primary = new Outage(hazelcast(0, map));
        MutableClock memberClock = new MutableClock(clock.instant().plusSeconds(30));
        QuotaLimits limits = QuotaLimits.builder().maxConcurrentTasks(4).maxQueueSize(0).requestsPerMinute(100)
                .build();
        DefaultQuotaManager m = manager(fallbackOn(primary, memberClock), limits);
        DefaultQuotaManager otherMember = manager(hazelcast(1, map), limits);
        QuotaRequest request = QuotaRequest.request().withConcurrent(false);

        assertThat(otherMember.acquire("frank", QuotaRequest.request()).admitted()).isTrue(); // a slot till T+30 s
        primary.failure = new HazelcastInstanceNotActiveException();
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
        Outage primary = new Outage(hazelcast(0, map));
        MutableClock memberClock = new MutableClock(clock.instant().minusSeconds(30));
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(100).build();
        DefaultQuotaManager m = manager(fallbackOn(primary, memberClock), limits);
        DefaultQuotaManager otherMember = manager(hazelcast(1, map), limits);
        QuotaRequest request = QuotaRequest.request().withConcurrent(false);

        primary.failure = new HazelcastInstanceNotActiveException();
        assertThat(admitted(m, "gina", 3, request)).isEqualTo(3);

        clock.advance(Duration.ofSeconds(40)); // the three are 40 s old: still in the minute window
        memberClock.advance(Duration.ofSeconds(40));
        primary.failure = null;
        nanos.addAndGet(RETRY.toNanos());
        assertThat(m.acquire("gina", request).admitted()).isTrue();

        assertThat(otherMember.usage("gina").requestsPerMinute()).isEqualTo(4);
    }
}
