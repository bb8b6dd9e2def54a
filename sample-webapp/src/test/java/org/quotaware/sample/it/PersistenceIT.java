package org.quotaware.sample.it;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.testing.PayaraMicro;
import org.quotaware.testing.PostgresServer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cluster's state outlives a full restart ({@code quotaware.cluster.persistence=jdbc/QuotaDB}): two Payara Micro
 * members on loopback with the sample WAR as it is, each with the server DataSource {@code jdbc/QuotaDB} on a real
 * PostgreSQL (started here), made by post-boot commands, and the driver and quota-hazelcast's map store jar (classifier
 * {@code persist}) added with {@code --addlibs}. A user uploads and the admin gives another user an override; both members stop; both start
 * again: the day's file count and the override are still there, read back from the database.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class PersistenceIT {

    private static final int[] PORTS = {18085, 18086};
    private static final int[] HZ_PORTS = {47821, 47822};
    private static final String ADMIN_KEY = "demo-admin-key-for-local-use-only";
    private static final String CSV = "sku,name,price,currency\nA1,Apple,1.00,EUR\n";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private static PostgresServer pg;
    private static Path war;
    private static Path postBoot;
    private static Path driver;
    private static Path persistJar;
    private static Path work;
    private static final PayaraMicro[] members = new PayaraMicro[2];

    @BeforeAll
    static void start() throws Exception {
        pg = PostgresServer.start();
        work = Files.createDirectories(Path.of("target", "persistence-it"));
        war = Path.of(System.getProperty("sample.war"));
        // the DataSource is the server's, made at boot before the application deploys (where quotaware looks it up):
        // a pool and a resource by Payara Micro's post-boot commands, the driver on the server's class path; PostgreSQL
        // trusts 127.0.0.1 here, but Payara's pool wants a password property
        postBoot = work.resolve("post-boot.txt");
        Files.writeString(postBoot, """
                create-jdbc-connection-pool --datasourceclassname org.postgresql.ds.PGSimpleDataSource \
                --restype javax.sql.DataSource --property user=postgres:password=unused:serverName=127.0.0.1:\
                portNumber=%d:\
                databaseName=postgres QuotaPool
                create-jdbc-resource --connectionpoolid QuotaPool jdbc/QuotaDB
                """.formatted(pg.port()));
        driver = Path.of(org.postgresql.Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        // the map store alone, on every member's class path: a member joining the cluster reads the maps'
        // configuration (the store's factory in it) before it deploys the application
        persistJar = Path.of(System.getProperty("persist.jar")).toAbsolutePath();
        assertThat(persistJar).exists();
    }

    @AfterAll
    static void stop() throws Exception {
        stopMembers();
        if (pg != null) {
            pg.close();
        }
    }

    private static void startMembers(String cluster) throws Exception {
        // allowances off: a member's usage then shows what was counted, without the units an owner granted ahead
        // (a grant counts at the owner as used until it is settled or given back, as on any cluster)
        List<String> jvm = List.of("-Dquotaware.cluster.persistence=jdbc/QuotaDB", "-Dquotaware.cluster.allowances=false",
                "-Dquotaware.protection.enabled=false");
        for (int i = 0; i < 2; i++) { // one after the other: on 2 cores two starting JVMs take longer than both
            members[i] = PayaraMicro.start("member-" + (char) ('a' + i), PayaraMicro.jar(), war, work, jvm,
                    List.of("--port", String.valueOf(PORTS[i]), "--interfaces", "127.0.0.1", "--clustername",
                            cluster, "--startport", String.valueOf(HZ_PORTS[i]), "--clustermode",
                            "tcpip:127.0.0.1:" + HZ_PORTS[0] + ",127.0.0.1:" + HZ_PORTS[1],
                            "--addlibs", driver + ":" + persistJar, "--postbootcommandfile",
                            postBoot.toAbsolutePath().toString()));
            members[i].awaitReady(Duration.ofMinutes(3));
        }
    }

    private static void stopMembers() throws Exception {
        for (int i = 0; i < 2; i++) {
            if (members[i] != null) {
                members[i].close();
                members[i] = null;
            }
        }
    }

    @Test
    void theDaysCountsAndAnOverrideOutliveAFullRestart() throws Exception {
        String cluster = "quotaware-persist-" + UUID.randomUUID();
        startMembers(cluster);
        for (int i = 0; i < 3; i++) {
            assertThat(send(PORTS[i % 2], "POST", "/api/pricelists", "demo-premium-key", CSV).statusCode())
                    .isEqualTo(201);
        }
        HttpResponse<String> override = send(PORTS[1], "PUT", "/api/quota/admin/users/key:alice/limits", null,
                "files-per-day=7");
        assertThat(override.statusCode()).as(override.body()).isEqualTo(201);
        assertThat(override.body()).contains("\"appliedOn\":\"cluster\"");
        assertThat(filesPerDay(send(PORTS[1], "GET", "/api/quota/me", "demo-premium-key", null).body()))
                .isEqualTo("3");
        // written a second behind; both members stop gracefully, which writes what is still queued anyway
        await(() -> rows("quotaware_users_root", "key:bob") == 1
                && rows("quotaware_tiers_root", "limits:key:alice") == 1);
        stopMembers();

        startMembers(cluster);
        String me = send(PORTS[1], "GET", "/api/quota/me", "demo-premium-key", null).body();
        assertThat(filesPerDay(me)).as("the day's files, loaded from the database on first use").isEqualTo("3");
        HttpResponse<String> kept = send(PORTS[0], "GET", "/api/quota/admin/users/key:alice/limits", null, null);
        assertThat(kept.statusCode()).as(kept.body()).isEqualTo(200);
        assertThat(kept.body()).contains("\"files-per-day\":7");
        for (PayaraMicro m : members) {
            assertThat(m.log()).as("no member failed to read or write the database")
                    .doesNotContain("quotaware: could not");
        }
    }

    private static String filesPerDay(String usage) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"filesPerDay\":(\\d+)").matcher(usage);
        assertThat(m.find()).as(usage).isTrue();
        return m.group(1);
    }

    private static long rows(String table, String key) throws SQLException {
        try (Connection c = pg.connect();
             PreparedStatement s = c.prepareStatement("SELECT count(*) FROM " + table + " WHERE key = ?")) {
            s.setString(1, key);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        } catch (SQLException e) {
            if ("42P01".equals(e.getSQLState())) {
                return 0; // made at the first write
            }
            throw e;
        }
    }

    private static void await(Check done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!done.ok()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            Thread.sleep(200);
        }
    }

    @FunctionalInterface
    interface Check {
        boolean ok() throws Exception;
    }

    private static HttpResponse<String> send(int port, String method, String path, String key, String body)
            throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            r.header("Content-Type", method.equals("POST") ? "text/csv" : "text/plain");
        }
        if (key != null) {
            r.header("X-API-Key", key);
        } else {
            r.header("X-Admin-Key", ADMIN_KEY);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }
}
