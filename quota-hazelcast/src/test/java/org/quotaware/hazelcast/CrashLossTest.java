package org.quotaware.hazelcast;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import com.hazelcast.core.HazelcastInstance;
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
import org.quotaware.hazelcast.persist.DataSources;
import org.quotaware.hazelcast.persist.Persistence;
import org.quotaware.testing.MutableClock;
import org.quotaware.testing.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a crash of the whole persistent cluster loses, counted exactly: decisions for several users at a known rate
 * through both members of a real two-member cluster whose users' map is written behind to a real PostgreSQL (as in
 * {@link PersistentStoreContractTest}), then every member stopped at once, then new members on the same database
 * read each user's count back. A crash ({@code terminate()}: Hazelcast's {@code MapManagedService.shutdown(true)}
 * skips its {@code flushMaps()}) loses only the decisions of the last write delay plus one write-behind tick; a
 * graceful shutdown of every member loses nothing.
 * <p>
 * This test needs the wall clock: the write-behind runs on Hazelcast's own timer (a store worker every second, an
 * entry due {@code persistence-delay} seconds after it was first queued), which no injected clock reaches. The
 * decisions' windows still run on a {@link MutableClock} that never moves, so every decision counts. The delay is 1 s
 * (the default); {@code -Dquotaware.crash-loss.delay=5} measures another one (figures in docs/cluster.md).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CrashLossTest {

    private static final String DS = "test/CrashDB";
    private static final int DELAY = Integer.getInteger("quotaware.crash-loss.delay", 1);
    private static final int USERS = 10;
    /** One decision every 20 ms, the users in turn: 50 a second, 5 per user. */
    private static final long PACE = TimeUnit.MILLISECONDS.toNanos(20);
    /**
     * The bound asserted: an entry is due {@code DELAY} after it was first queued, the store worker runs a second
     * after its last run ended, and the write itself (a new connection, one batch) takes time on a loaded machine.
     */
    private static final long BOUND = TimeUnit.SECONDS.toNanos(DELAY + 1) + TimeUnit.MILLISECONDS.toNanos(500);
    private static final AtomicInteger MAPS = new AtomicInteger();
    private static PostgresServer pg;

    private final MutableClock clock = new MutableClock();

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(pg.jdbcUrl());
        DataSources.register(DS, ds);
    }

    @AfterAll
    static void stop() throws Exception {
        DataSources.unregister(DS, DataSources.find(DS));
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aCrashOfEveryMemberLosesOnlyTheLastWriteDelay() throws Exception {
        // long enough that the oldest decisions are well past the bound
        Run run = decideThenStop(TimeUnit.SECONDS.toNanos(2L * DELAY + 2), CrashLossTest::crashAll);
        long lost = 0;
        long lastDelay = 0;
        for (int u = 0; u < USERS; u++) {
            List<Long> ages = run.ages.get(u);
            int kept = (int) run.kept[u];
            assertThat(kept).as("user %d keeps a prefix of its decisions", u).isBetween(0, ages.size());
            lost += ages.size() - kept;
            if (kept < ages.size()) {
                // the user's decisions are counted in order: the first one lost is its oldest lost
                assertThat(ages.get(kept)).as("age in ns of user %d's oldest lost decision", u).isLessThan(BOUND);
            }
            lastDelay += ages.stream().filter(a -> a < TimeUnit.SECONDS.toNanos(DELAY)).count();
        }
        // a decision made just before the crash, on a user never seen: its entry could not be due yet, so only a
        // flush at termination could have written it
        assertThat(run.latecomerKept).as("terminate() does not flush the write-behind queue").isZero();
        System.out.printf(Locale.ROOT, "crash, write delay %d s: %d decisions, %d lost (+1 latecomer), %d made in "
                + "the last %d s before the crash%n", DELAY, run.decided(), lost, lastDelay, DELAY);
        assertThat(lost).as("decisions lost").isPositive();
    }

    @Test
    void aGracefulShutdownOfEveryMemberLosesNothing() throws Exception {
        Run run = decideThenStop(TimeUnit.SECONDS.toNanos(1), c -> {
            c.member(0).shutdown(); // its partitions, write-behind queues included, move to the other member
            c.member(1).shutdown(); // the last one flushes them
        });
        for (int u = 0; u < USERS; u++) {
            assertThat(run.kept[u]).as("user %d's decisions kept", u).isEqualTo((long) run.ages.get(u).size());
        }
        assertThat(run.latecomerKept).as("the decision made just before the shutdown").isEqualTo(1L);
    }

    /** Every member terminated at once, each on its own thread: neither can hand its queue to the other. */
    private static void crashAll(TestCluster c) {
        CompletableFuture.allOf(CompletableFuture.runAsync(() -> c.member(0).getLifecycleService().terminate()),
                CompletableFuture.runAsync(() -> c.member(1).getLifecycleService().terminate())).join();
    }

    /**
     * Decisions for {@link #USERS} users at the {@link #PACE} for {@code nanos}, through both members in turn, one
     * more on a new user, then {@code stop}; then new members on the same database count what each user kept.
     */
    private Run decideThenStop(long nanos, Consumer<TestCluster> stop) {
        String map = "crash-" + MAPS.incrementAndGet();
        // the clock never moves: only the day's count, so that no decision of a long run is ever denied
        QuotaLimits limits = QuotaLimits.builder().filesPerDay(1_000_000).off(Limit.REQUESTS_PER_MINUTE)
                .off(Limit.FILES_PER_HOUR).build();
        Run run = new Run();
        TestCluster first = TestCluster.start("crash", 5891, 2);
        long stopped;
        try {
            List<QuotaManager> m = managers(first, map, limits);
            long start = System.nanoTime();
            List<Long> made = new ArrayList<>();
            List<Integer> whose = new ArrayList<>();
            for (int i = 0; PACE * i < nanos; i++) {
                LockSupport.parkNanos(start + PACE * i - System.nanoTime());
                decide(m.get(i % 2), "user-" + i % USERS);
                made.add(System.nanoTime());
                whose.add(i % USERS);
            }
            decide(m.get(0), "latecomer");
            stopped = System.nanoTime();
            stop.accept(first);
            for (int i = 0; i < made.size(); i++) {
                run.ages.get(whose.get(i)).add(stopped - made.get(i));
            }
        } finally {
            first.close(); // a no-op on members already stopped
        }
        TestCluster second = TestCluster.start("crash", 5891, 2);
        try {
            QuotaManager m = managers(second, map, limits).get(1);
            for (int u = 0; u < USERS; u++) {
                run.kept[u] = m.usage("user-" + u).filesPerDay();
            }
            run.latecomerKept = m.usage("latecomer").filesPerDay();
        } finally {
            second.close();
        }
        return run;
    }

    private static void decide(QuotaManager m, String user) {
        ((QuotaPermit) m.acquire(user, QuotaRequest.upload(1, 10))).close();
    }

    private List<QuotaManager> managers(TestCluster c, String map, QuotaLimits limits) {
        List<QuotaManager> managers = new ArrayList<>();
        List<HazelcastQuotaStore> stores = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            HazelcastInstance hz = c.member(i);
            stores.add(HazelcastQuotaStore.builder(hz).mapName(map).clock(clock).maxTrackedUsers(1_000)
                    .persistence(new Persistence(DS, DELAY)).build());
            managers.add(DefaultQuotaManager.builder().store(stores.get(i)).tiers(new QuotaTiers(limits)).build());
        }
        HazelcastQuotaStoreContractTest.awaitProcessor(stores.toArray(HazelcastQuotaStore[]::new));
        return managers;
    }

    /** Each user's decisions (their ages at the stop, oldest first) and what the new members read back. */
    private static final class Run {
        final List<List<Long>> ages = new ArrayList<>();
        final long[] kept = new long[USERS];
        long latecomerKept;

        Run() {
            for (int u = 0; u < USERS; u++) {
                ages.add(new ArrayList<>());
            }
        }

        int decided() {
            return ages.stream().mapToInt(List::size).sum();
        }
    }
}
