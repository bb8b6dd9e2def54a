package org.quotaware.hazelcast;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import com.hazelcast.config.MapConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.hazelcast.persist.DataSources;
import org.quotaware.hazelcast.persist.Persistence;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreContract;
import org.quotaware.testing.MutableClock;
import org.quotaware.testing.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The store contract on the persistent map: a real two-member cluster whose users' map is kept in a real PostgreSQL
 * (started here) by the map store, written a second behind; and what persistence adds: states and admin changes
 * outlive a full restart of the cluster, a state is loaded when first used, eviction deletes nothing.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class PersistentStoreContractTest extends QuotaStoreContract {

    private static final String DS = "test/QuotaDB";
    private static final AtomicInteger MAPS = new AtomicInteger();
    private static PostgresServer pg;
    private static TestCluster cluster;

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
        org.postgresql.ds.PGSimpleDataSource ds = new org.postgresql.ds.PGSimpleDataSource();
        ds.setUrl(pg.jdbcUrl());
        DataSources.register(DS, ds);
        cluster = TestCluster.start("persistent", 5871, 2);
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) {
            cluster.close();
        }
        DataSources.unregister(DS, DataSources.find(DS));
        if (pg != null) {
            pg.close();
        }
    }

    private String mapName;

    @Override
    protected QuotaStore newStore(MutableClock clock, int maxTrackedUsers) {
        mapName = "kept-" + MAPS.incrementAndGet();
        HazelcastQuotaStore store = store(cluster.member(0), mapName, clock, maxTrackedUsers);
        HazelcastQuotaStoreContractTest.awaitProcessor(store, store(cluster.member(1), mapName, clock,
                maxTrackedUsers));
        return store;
    }

    private static HazelcastQuotaStore store(HazelcastInstance hz, String map, MutableClock clock, int maxTracked) {
        return HazelcastQuotaStore.builder(hz).mapName(map).clock(clock).maxTrackedUsers(maxTracked)
                .persistence(new Persistence(DS, 1)).build();
    }

    @Test
    void theMapIsKeptInTheDatabase() {
        assertThat(cluster.member(1).getConfig().getMapConfig(mapName).getMapStoreConfig().isEnabled()).isTrue();
    }

    @Test
    void theDaysCountsAndAnOverrideOutliveAFullRestart() throws Exception {
        QuotaLimits limits = QuotaLimits.builder().filesPerDay(10).build();
        String map = "restart-" + MAPS.incrementAndGet();
        String admin = "restart-admin-" + MAPS.incrementAndGet();
        TestCluster first = TestCluster.start("restart", 5881, 2);
        try {
            QuotaManager m = manager(first, map, limits);
            for (int i = 0; i < 3; i++) {
                ((QuotaPermit) m.acquire("ann", QuotaRequest.upload(1, 10))).close();
            }
            IMap<String, String> kept = keptMap(first.member(1), admin);
            kept.set("limits:ann", "files-per-day=20");
            // written a second behind; a whole cluster lost before that would lose these changes
            await(() -> rows(map) == 1 && rows(admin) == 1);
        } finally {
            first.close(); // every member at once: nothing is in memory any more
        }
        TestCluster second = TestCluster.start("restart", 5881, 2);
        try {
            IMap<String, String> kept = keptMap(second.member(0), admin);
            // the admin changes are all there at start, without asking for a key (a copy reads no store)
            assertThat(new java.util.HashMap<>(kept)).containsEntry("limits:ann", "files-per-day=20");
            QuotaManager m = manager(second, map, limits);
            IMap<String, byte[]> users = second.member(0).getMap(map);
            assertThat(users.size()).as("no state is read back at start").isZero();
            assertThat(m.usage("ann").filesPerDay()).as("loaded when first used").isEqualTo(3);
            assertThat(users.size()).isEqualTo(1);
        } finally {
            second.close();
        }
    }

    /** The admin map as quota-cdi's {@code HazelcastLink.keptMap} configures it: every entry loaded at start. */
    private static IMap<String, String> keptMap(HazelcastInstance hz, String name) {
        hz.getConfig().addMapConfig(new MapConfig(name).setMapStoreConfig(new Persistence(DS, 1).settings()));
        return hz.getMap(name);
    }

    private QuotaManager manager(TestCluster c, String map, QuotaLimits limits) {
        HazelcastQuotaStore own = store(c.member(0), map, clock, 1_000);
        HazelcastQuotaStoreContractTest.awaitProcessor(own, store(c.member(1), map, clock, 1_000));
        return DefaultQuotaManager.builder().store(own).tiers(new QuotaTiers(limits)).build();
    }

    @Test
    void anIdleUsersStateIsDeletedFromTheDatabase() throws Exception {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(5).build());
        ((QuotaPermit) m.acquire("erin", QuotaRequest.request())).close();
        await(() -> rows(mapName) == 1);
        clock.advance(java.time.Duration.ofSeconds(65));
        m.usage("erin"); // finds the state idle and removes it
        await(() -> rows(mapName) == 0);
    }

    /** Max-idle expiry (how abandoned states leave the map) is no removal: the database keeps the row. */
    @Test
    void anEntryExpiredByMaxIdleStaysInTheDatabase() throws Exception {
        String map = "expiring-" + MAPS.incrementAndGet();
        for (int i = 0; i < 2; i++) {
            cluster.member(i).getConfig().addMapConfig(new MapConfig(map).setMaxIdleSeconds(1)
                    .setMapStoreConfig(new Persistence(DS, 0).states()));
        }
        IMap<String, byte[]> m = cluster.member(0).getMap(map);
        m.set("gone", new byte[] {1, 2, 3});
        assertThat(rows(map)).as("written through with a delay of 0").isEqualTo(1);
        // an entry view never loads from the store: null once the entry expired (and was removed in passing)
        await(() -> m.getEntryView("gone") == null);
        assertThat(rows(map)).isEqualTo(1);
        assertThat(m.get("gone")).containsExactly(1, 2, 3);
    }

    private static long rows(String map) throws SQLException {
        try (Connection c = pg.connect();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + map.replace('-', '_'));
             ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // the table is made at the first write
            }
            throw e;
        }
    }

    /** Until {@code done}, at most 15 s: the write-behind and expiry run on Hazelcast's own clock. */
    private static void await(Check done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!done.ok()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }
}
