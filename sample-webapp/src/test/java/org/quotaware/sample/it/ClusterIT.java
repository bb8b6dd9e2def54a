package org.quotaware.sample.it;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.testing.PayaraMicro;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Payara Micro members on loopback, one Hazelcast cluster, the sample WAR on both: one user's quota is enforced
 * exactly across both members, and when a member dies the survivor keeps the counters and gets the dead member's
 * slots back after the lease. Limits are set for the test with system properties (they override the WAR's
 * MicroProfile Config): files per hour 40 for the count; 2 slots for anonymous callers and a 6 s lease for the kill.
 */
@Timeout(value = 8, unit = TimeUnit.MINUTES)
class ClusterIT {

    private static final String KEY = "demo-default-key";
    private static final int[] PORTS = {18081, 18082};
    private static final int[] HZ_PORTS = {47811, 47812};
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String CSV = "sku,name,price,currency\nA1,Apple,1.00,EUR\n";

    private static PayaraMicro a;
    private static PayaraMicro b;

    @BeforeAll
    static void startCluster() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "cluster-it"));
        // the sample WAR plus one slow endpoint, so the test can hold slots while it kills a member
        Path war = work.resolve("sample-webapp.war");
        ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("sample.war")))
                .addClass(SlowResource.class).as(ZipExporter.class).exportTo(war.toFile(), true);
        String cluster = "quotaware-it-" + UUID.randomUUID();
        List<String> jvm = List.of("-Dquotaware.default.requests-per-minute=100000",
                "-Dquotaware.default.files-per-hour=40", "-Dquotaware.default.files-per-day=1000",
                "-Dquotaware.default.max-concurrent-tasks=1000", "-Dquotaware.default.max-queue-size=0",
                "-Dquotaware.anonymous.requests-per-minute=100000", "-Dquotaware.anonymous.max-concurrent-tasks=2",
                "-Dquotaware.anonymous.max-queue-size=0", "-Dquotaware.cluster.slot-lease=6",
                // two Payara JVMs on 2 cores run hot: never shed the test's requests (self-protection is unit-tested)
                "-Dquotaware.protection.enabled=false",
                // notice a killed member within seconds, not the default minute
                "-Dhazelcast.heartbeat.interval.seconds=1", "-Dhazelcast.max.no.heartbeat.seconds=8");
        // one after the other: on 2 cores two starting JVMs take three times as long as one each
        a = PayaraMicro.start("member-a", PayaraMicro.jar(), war, work, jvm, member(cluster, PORTS[0], HZ_PORTS[0]));
        a.awaitReady(Duration.ofMinutes(3));
        b = PayaraMicro.start("member-b", PayaraMicro.jar(), war, work, jvm, member(cluster, PORTS[1], HZ_PORTS[1]));
        b.awaitReady(Duration.ofMinutes(3));
        // one cluster: what bob spends on A shows on B (Payara does not log Hazelcast's membership)
        assertThat(send(PORTS[0], "POST", "/api/pricelists", "demo-premium-key").statusCode()).isEqualTo(201);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        String seen = "";
        while (System.nanoTime() < deadline && !seen.contains("\"filesPerHour\":1,")) {
            seen = send(PORTS[1], "GET", "/api/quota/me", "demo-premium-key").body();
            Thread.sleep(250);
        }
        assertThat(seen).as("member B sees member A's count").contains("\"filesPerHour\":1,",
                "\"store\":\"DISTRIBUTED\"");
    }

    private static List<String> member(String cluster, int port, int hzPort) {
        // own Hazelcast ports, away from the default 6900 any other Payara on the machine takes first
        return List.of("--port", String.valueOf(port), "--interfaces", "127.0.0.1", "--clustername", cluster,
                "--startport", String.valueOf(hzPort),
                "--clustermode", "tcpip:127.0.0.1:" + HZ_PORTS[0] + ",127.0.0.1:" + HZ_PORTS[1]);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
    }

    private static HttpResponse<String> send(int port, String method, String path, String key) throws Exception {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/csv")
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString(CSV)
                        : HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            r.header("X-API-Key", key);
        }
        return HTTP.send(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aUsersQuotaIsExactAcrossBothMembersAndSurvivesAMembersDeath() throws Exception {
        // 1. 100 uploads at once, spread over both members: exactly 40 files are admitted cluster-wide
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Future<Integer>> calls = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            int port = PORTS[i % 2];
            calls.add(pool.submit(() -> send(port, "POST", "/api/pricelists", KEY).statusCode()));
        }
        int created = 0;
        int refused = 0;
        for (Future<Integer> c : calls) {
            int status = c.get(2, TimeUnit.MINUTES);
            if (status == 201) {
                created++;
            } else if (status == 429) {
                refused++;
            }
        }
        pool.shutdown();
        assertThat(created).as("admitted").isEqualTo(40);
        assertThat(refused).as("refused").isEqualTo(60);

        // 2. anonymous callers (one user: 127.0.0.1) hold both of their slots on member B with long tasks
        {
            List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>(List.of(slowTask(PORTS[1]),
                    slowTask(PORTS[1])));
            awaitAnonymousActive(PORTS[0], 2, held);
            HttpResponse<String> third = send(PORTS[0], "GET", "/api/pricelists/none", null);
            assertThat(third.statusCode()).as("a third slot, asked on member A").isEqualTo(429);
            assertThat(third.body()).contains("\"limit\":\"tasks\",\"max\":2,\"current\":2");

            // 3. member B dies with both slots held
            long killedAt = System.nanoTime();
            b.kill();

            // the survivor gives the slots back once their lease (6 s) has run out, deciding in the cluster store
            long deadline = killedAt + TimeUnit.SECONDS.toNanos(90);
            String usage = "";
            while (System.nanoTime() < deadline) {
                usage = send(PORTS[0], "GET", "/api/quota/me", KEY).body();
                HttpResponse<String> anon = send(PORTS[0], "GET", "/api/quota/me", null);
                // the anonymous usage call holds one slot itself: admitted, and alone, once the dead slots are gone
                if (anon.statusCode() == 200 && anon.body().contains("\"activeTasks\":1")
                        && usage.contains("\"store\":\"DISTRIBUTED\"")) {
                    break;
                }
                Thread.sleep(250);
            }
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt);
            System.out.println("ClusterIT: the dead member's slots were back after " + seconds + " s");
            assertThat(System.nanoTime()).as("slots back within 90 s of the kill; last usage " + usage)
                    .isLessThan(deadline);
            // renewed every 2 s, a 6 s lease ends 4 to 6 s after the kill (seconds are truncated: at least 3)
            assertThat(seconds).as("not before the lease ran out").isGreaterThanOrEqualTo(3);

            // 4. the survivor kept the user's counters: the 41st file is still refused, counted 40
            assertThat(usage).contains("\"filesPerHour\":40", "\"store\":\"DISTRIBUTED\"");
            HttpResponse<String> more = send(PORTS[0], "POST", "/api/pricelists", KEY);
            assertThat(more.statusCode()).isEqualTo(429);
            assertThat(more.body()).contains("\"limit\":\"files-hour\",\"max\":40,\"current\":40");
        }
    }

    /** An anonymous request to the test's slow endpoint: it holds a slot for a minute unless its member dies. */
    private static CompletableFuture<HttpResponse<String>> slowTask(int port) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/slow"))
                .timeout(Duration.ofSeconds(120)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void awaitAnonymousActive(int port, int n, List<CompletableFuture<HttpResponse<String>>> held)
            throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String body = "";
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            // a slow task that lost its slot to a probe (both arrive at once) is sent again
            for (int i = 0; i < held.size(); i++) {
                if (held.get(i).isDone()) {
                    held.set(i, slowTask(PORTS[1]));
                }
            }
            Thread.sleep(500);
            // with every anonymous slot taken, an anonymous probe is refused and the refusal says how many are held
            HttpResponse<String> probe = send(port, "GET", "/api/pricelists/none", null);
            body = probe.body();
            if (probe.statusCode() == 429 && body.contains("\"current\":" + n)) {
                return;
            }
            Thread.sleep(200);
        }
        StringBuilder heldAnswers = new StringBuilder();
        for (CompletableFuture<HttpResponse<String>> h : held) {
            heldAnswers.append(h.isDone() ? h.handle((r, e) -> e != null ? e.toString() : r.statusCode() + " "
                    + r.body()).join() : "still running").append("; ");
        }
        throw new AssertionError("the slow tasks never took " + n + " slots; last answer " + body + "; slow tasks: "
                + heldAnswers);
    }
}
