package org.quotaware.sample.it;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.quotaware.testing.PayaraMicro;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two Payara Micro members on loopback, one Hazelcast cluster, the sample WAR on both, started as the README shows:
 * each decides with one invocation on the entry's owner (Payara's own Hazelcast runs the StateProcessor), one user's
 * quota is enforced exactly across both members, with the sample's own limits and queue, and when the member owning
 * the user's entry
 * dies the survivor keeps every count and gets the dead member's slots back after the lease. Only the anonymous tier
 * is changed for the test (system properties override the WAR's MicroProfile Config): 2 slots, no queue, and a 6 s
 * lease, so the test can hold slots on the member it kills.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class) // the quota test kills a member: it goes last
class ClusterIT {

    private static final String KEY = "demo-default-key";
    /** alice's entry in the quota map: the filter keys a caller with an API key by "key:" and the key's user. */
    private static final String USER = "key:alice";
    private static final int[] PORTS = {18081, 18082};
    /** Premium callers the test adds ({@code it-key-N}, user {@code key:itN}), and their minute's limit. */
    private static final int IT_USERS = 12;
    private static final int PREMIUM_RPM = 600;
    private static final int[] HZ_PORTS = {47811, 47812};
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String CSV = "sku,name,price,currency\nA1,Apple,1.00,EUR\n";
    /** One log record of Payara Micro starts with its timestamp in brackets. */
    private static final Pattern RECORD = Pattern.compile("(?m)^(?=\\[\\d{4}-\\d\\d-\\d\\dT)");
    /** Payara Micro colours the level and logger names in its console output. */
    private static final Pattern COLOUR = Pattern.compile("\u001B\\[[;\\d]*m");

    private static final PayaraMicro[] members = new PayaraMicro[2];

    @BeforeAll
    static void startCluster() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "cluster-it"));
        // the sample WAR plus one slow endpoint (to hold slots on a member the test kills) and one that tells which
        // member owns a user's entry
        Path war = work.resolve("sample-webapp.war");
        WebArchive sample = ShrinkWrap.createFromZipFile(WebArchive.class, new File(System.getProperty("sample.war")));
        // twelve more premium callers for the allowance tests: enough that each member owns the entry of some
        String webXml = new String(sample.get("WEB-INF/web.xml").getAsset().openStream().readAllBytes(),
                StandardCharsets.UTF_8);
        StringBuilder keys = new StringBuilder("demo-premium-key=bob:premium");
        for (int i = 1; i <= IT_USERS; i++) {
            keys.append(",it-key-").append(i).append("=it").append(i).append(":premium");
        }
        assertThat(webXml).contains("demo-premium-key=bob:premium");
        sample.delete("WEB-INF/web.xml");
        sample.setWebXML(new org.jboss.shrinkwrap.api.asset.StringAsset(webXml.replace("demo-premium-key=bob:premium",
                keys)));
        sample.addClasses(SlowResource.class, PingResource.class, EntryOwnerServlet.class, InvocationsServlet.class,
                        UsageServlet.class, PayaraHazelcast.class)
                .as(ZipExporter.class).exportTo(war.toFile(), true);
        String cluster = "quotaware-it-" + UUID.randomUUID();
        List<String> jvm = List.of("-Dquotaware.anonymous.requests-per-minute=100000",
                "-Dquotaware.anonymous.max-concurrent-tasks=2", "-Dquotaware.anonymous.max-queue-size=0",
                // premium far from its limits, where members decide within allowances
                "-Dquotaware.premium.requests-per-minute=" + PREMIUM_RPM,
                "-Dquotaware.premium.max-concurrent-tasks=40",
                "-Dquotaware.cluster.slot-lease=6",
                // two Payara JVMs on 2 cores run hot: never shed the test's requests (self-protection is unit-tested)
                "-Dquotaware.protection.enabled=false",
                // notice a killed member within seconds, not the default minute
                "-Dhazelcast.heartbeat.interval.seconds=1", "-Dhazelcast.max.no.heartbeat.seconds=8");
        // one after the other: on 2 cores two starting JVMs take three times as long as one each
        for (int i = 0; i < 2; i++) {
            members[i] = PayaraMicro.start("member-" + (char) ('a' + i), PayaraMicro.jar(), war, work, jvm,
                    member(cluster, PORTS[i], HZ_PORTS[i]));
            members[i].awaitReady(Duration.ofMinutes(3));
        }
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
        for (PayaraMicro m : members) {
            if (m != null) {
                m.close();
            }
        }
    }

    private static HttpResponse<String> send(int port, String method, String path, String key) throws Exception {
        return HTTP.send(request(port, method, path, key), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(int port, String method, String path, String key) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/csv")
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString(CSV)
                        : HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            r.header("X-API-Key", key);
        }
        return r.build();
    }

    /** The JSON value of {@code name} (a quoted field name) in {@code json}, as written. */
    private static String value(String json, String name) {
        int start = json.indexOf(name + ":") + name.length() + 1;
        int end = start;
        while (end < json.length() && json.charAt(end) != ',' && json.charAt(end) != '}') {
            end++;
        }
        return json.substring(start, end);
    }

    @Test
    @Order(1)
    void anAnalysisUploadedOnOneMemberIsAnsweredByTheOther() throws Exception {
        // the largest analysis the default limits allow: 100 invalid rows and 100 repeated skus, every echoed value
        // 64 characters of two UTF-8 bytes, ten lines on every duplicate
        StringBuilder csv = new StringBuilder("sku,name,price,currency\n");
        for (int i = 0; i < 100; i++) {
            csv.append("é".repeat(70)).append(i).append(",n,").append("ü".repeat(80)).append(',')
                    .append("ö".repeat(80)).append('\n');
        }
        for (int i = 0; i < 100; i++) {
            csv.append(("é".repeat(70) + i + ",n,1,EUR\n").repeat(11));
        }
        HttpResponse<String> posted = HTTP.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + PORTS[0] + "/api/pricelists"))
                .timeout(Duration.ofSeconds(60)).header("Content-Type", "text/csv; charset=UTF-8")
                .header("X-API-Key", "demo-premium-key").POST(HttpRequest.BodyPublishers.ofString(csv.toString()))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(201);
        String path = URI.create(posted.headers().firstValue("Location").orElseThrow()).getPath();

        HttpResponse<String> elsewhere = send(PORTS[1], "GET", path, "demo-premium-key");
        assertThat(elsewhere.statusCode()).as("GET on member B of what member A analysed").isEqualTo(200);
        assertThat(elsewhere.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        int postedBytes = posted.body().getBytes(StandardCharsets.UTF_8).length;
        int bytes = elsewhere.body().getBytes(StandardCharsets.UTF_8).length;
        System.out.println("ClusterIT: the largest analysis is " + postedBytes + " bytes of JSON, kept in " + bytes);
        assertThat(postedBytes).as("the largest analysis's JSON").isLessThan(96 * 1024);
        // the cluster keeps at most pricelist.store.max-bytes of JSON: 33 554 432 / 1 084 analyses = 30 954 bytes
        // each, so this one is kept listing fewer rows and skus, its counts whole
        assertThat(bytes).as("what one map entry holds").isLessThanOrEqualTo(30_954);
        for (String count : new String[] {"\"id\"", "\"rowCount\"", "\"invalidRowCount\"", "\"duplicateSkuCount\""}) {
            assertThat(value(elsewhere.body(), count)).as(count).isEqualTo(value(posted.body(), count));
        }
        String firstRow = posted.body().substring(posted.body().indexOf("\"invalidRows\":[{"));
        assertThat(elsewhere.body()).contains(firstRow.substring(0, firstRow.indexOf('}') + 1));
        assertThat(send(PORTS[0], "GET", path, "demo-premium-key").body()).isEqualTo(elsewhere.body());

        for (int port : PORTS) {
            HttpResponse<String> unknown = send(port, "GET", "/api/pricelists/" + UUID.randomUUID(), "demo-premium-key");
            assertThat(unknown.statusCode()).isEqualTo(404);
            assertThat(unknown.headers().firstValue("Content-Type")).hasValueSatisfying(
                    type -> assertThat(type).startsWith("application/problem+json"));
            assertThat(unknown.body()).contains("\"status\":404", "no price list analysis with id");
        }
        for (int i = 0; i < 2; i++) {
            assertThat(members[i].log()).as("member " + (char) ('A' + i) + " says where analyses live")
                    .contains("pricelist: analyses in Hazelcast map 'quotaware-sample-analyses', at most 1084 in the "
                            + "cluster, each for 86400 s");
        }
    }

    /**
     * Premium callers far from their limits: the members decide within allowances the owners grant, the owners run a
     * fraction of one operation a request, and waves of concurrent requests through both members admit exactly the
     * minute's limit, never one more.
     */
    @Test
    @Order(2)
    void membersDecideWithinAllowancesAndAWindowNeverAdmitsMoreThanItsLimit() throws Exception {
        // A. a steady stream of one caller through both members, 8 at a time
        Counts[] before = {counts(PORTS[0]), counts(PORTS[1])};
        long t0 = System.nanoTime();
        int requests = 400;
        List<CompletableFuture<Integer>> streams = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            int thread = t;
            streams.add(CompletableFuture.supplyAsync(() -> {
                int ok = 0;
                for (int j = 0; j < requests / 8; j++) {
                    try {
                        ok += send(PORTS[(thread + j) % 2], "GET", "/api/ping", "demo-premium-key").statusCode() == 200
                                ? 1 : 0;
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }
                return ok;
            }));
        }
        int ok = 0;
        for (CompletableFuture<Integer> stream : streams) {
            ok += stream.get(2, TimeUnit.MINUTES);
        }
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        Counts[] after = {counts(PORTS[0]), counts(PORTS[1])};
        long writes = after[0].puts - before[0].puts + after[1].puts - before[1].puts;
        long invocations = after[0].invocations - before[0].invocations + after[1].invocations
                - before[1].invocations;
        System.out.printf(java.util.Locale.ROOT, "ClusterIT: %d requests of one caller through both members in %d ms: "
                + "the owners wrote its entry %d times (%.3f a request; 2 a request deciding one by one), the members "
                + "started %.3f Hazelcast invocations a request (their background included)%n", requests, millis,
                writes, (double) writes / requests, (double) invocations / requests);
        assertThat(ok).as("admitted, far from the limits").isEqualTo(requests);
        assertThat((double) writes / requests).as("operations on the owner a request").isLessThan(0.25);

        // B. waves of 64 at once, alternating members, of another caller until a refusal names the minute's limit;
        // then, once unused allowances have gone back (a second), until nothing more is admitted
        String key = "it-key-" + IT_USERS;
        long firstWave = System.nanoTime();
        Waves waves = waves(List.of(PORTS[0], PORTS[1]), key, 0);
        System.out.println("ClusterIT: allowances: " + waves);
        assertThat(System.nanoTime() - firstWave).as("all within the minute of the first wave")
                .isLessThan(TimeUnit.SECONDS.toNanos(55));
        assertThat(waves.admitted).as("admitted in the minute: exactly its limit").isEqualTo(PREMIUM_RPM);
        assertThat(waves.atFirstRefusal).as("admitted when the first refusal came").isLessThanOrEqualTo(PREMIUM_RPM);
    }

    /** What waves of one caller's requests got: all admitted, and admitted when the first refusal came. */
    private record Waves(int admitted, int atFirstRefusal, int waves, String refusal) {
        @Override
        public String toString() {
            return waves + " waves: " + admitted + " admitted, " + atFirstRefusal + " when the first refusal came ("
                    + (PREMIUM_RPM - atFirstRefusal) + " parked on members until they went back); " + refusal;
        }
    }

    /**
     * Waves of 64 pings at once with {@code key} over {@code ports} in turn, until a refusal names the minute's
     * limit (counting {@code before} admitted earlier in the minute); then, a second and a half later (an unused allowance goes back after a second), waves again until one
     * admits nothing. Any other answer fails the test.
     */
    private static Waves waves(List<Integer> ports, String key, int before) throws Exception {
        int admitted = before;
        int atFirstRefusal = -1;
        String refusal = null;
        int count = 0;
        while (true) {
            assertThat(count).as("waves").isLessThan(30);
            int wave = count++;
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                calls.add(HTTP.sendAsync(request(ports.get((wave + i) % ports.size()), "GET", "/api/ping", key),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int inWave = 0;
            boolean refused = false;
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> r = call.get(2, TimeUnit.MINUTES);
                if (r.statusCode() == 200) {
                    inWave++;
                } else if (r.statusCode() == 429 && r.body().contains("\"limit\":\"rpm\"")) {
                    refused = true;
                    refusal = r.body();
                } else {
                    throw new AssertionError("wave " + count + ": unexpected answer " + r.statusCode() + " " + r.body());
                }
            }
            admitted += inWave;
            if (refused && atFirstRefusal < 0) {
                atFirstRefusal = admitted;
            } else if (atFirstRefusal >= 0 && inWave == 0) {
                return new Waves(admitted, atFirstRefusal, count, refusal);
            }
            if (atFirstRefusal >= 0) {
                Thread.sleep(1_500);
            }
        }
    }

    @Test
    @Order(3)
    void aUsersQueuedQuotaIsExactAcrossBothMembersAndSurvivesTheOwnersDeath() throws Exception {
        // 0. one round trip per store operation, on Payara's own Hazelcast: anonymous requests with a slot (an
        // acquire and a release each) sent to the member that does not own the caller's entry
        String anonymous = "ip:127.0.0.1";
        int ownerOfAnonymous = send(PORTS[0], "GET", "/it/owner?user=" + anonymous, null).body().equals("local") ? 0 : 1;
        int caller = PORTS[1 - ownerOfAnonymous];
        Counts idleFrom = counts(caller);
        long t0 = System.nanoTime();
        Thread.sleep(5_000);
        Counts idleTo = counts(caller);
        long idleNanos = System.nanoTime() - t0;
        Counts[] before = {counts(PORTS[0]), counts(PORTS[1])};
        long t1 = System.nanoTime();
        int requests = 100;
        for (int i = 0; i < requests; i++) {
            assertThat(send(caller, "GET", "/api/pricelists/none", null).statusCode()).isEqualTo(404);
        }
        long busyNanos = System.nanoTime() - t1;
        Counts[] after = {counts(PORTS[0]), counts(PORTS[1])};
        Counts callerBefore = before[1 - ownerOfAnonymous];
        Counts callerAfter = after[1 - ownerOfAnonymous];
        // the member's own background invocations (Payara's and Hazelcast's), at the rate measured just before
        double background = (double) (idleTo.invocations - idleFrom.invocations) * busyNanos / idleNanos;
        double perRequest = (callerAfter.invocations - callerBefore.invocations - background) / requests;
        long gets = after[0].gets - before[0].gets + after[1].gets - before[1].gets;
        long writes = after[0].puts - before[0].puts + after[1].puts - before[1].puts;
        System.out.printf(java.util.Locale.ROOT, "ClusterIT: %d requests with a slot on the member without the entry: "
                + "%.2f invocations each (%d in %d ms, less %.0f of background); the owners wrote entries %d times, read %d%n",
                requests, perRequest, callerAfter.invocations - callerBefore.invocations,
                TimeUnit.NANOSECONDS.toMillis(busyNanos), background, writes, gets);
        // on the owner, each store operation is one processor run (a write) and nothing reads the entry: compare-and-set
        // reads it before each write (measured on that path: 205 reads, 4.19 invocations per request)
        assertThat(gets).as("entries read on the owners").isZero();
        assertThat(writes).as("processor runs on the owner: the acquire and the release of each request (and the "
                + "odd renewal of a slot held at a renewal tick)").isBetween(2L * requests, 2L * requests + 10);
        // The calling member's own invocation count is printed, not asserted: besides the store's two, the GET reads
        // the analyses map once, and the member's background invocations come in bursts the idle rate above does
        // not catch (3.08 and 4.42 per request in two clean-clone runs of the same code). The owners' counts above are
        // the exact proof of one processor run per store operation.

        // 1. waves of 64 uploads at once, alternating members, until a refusal names the minute's limit. The
        // default tier: 30 a minute, 3 slots and a queue of 10 (30 s): a wave counts the 3 that run and the 10 that
        // wait for a slot freed on either member (more, as slots free while the wave still arrives); the others are
        // refused for the full queue and count nothing
        long firstWave = System.nanoTime();
        int admitted = 0;
        int timedOut = 0;
        int queueFull = 0;
        int waves = 0;
        String rpmRefusal = null;
        while (rpmRefusal == null) {
            assertThat(waves).as("waves before a refusal names the minute's limit").isLessThan(6);
            int wave = waves++;
            List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
            for (int i = 0; i < 64; i++) {
                calls.add(HTTP.sendAsync(request(PORTS[(wave + i) % 2], "POST", "/api/pricelists", KEY),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> call : calls) {
                HttpResponse<String> r = call.get(2, TimeUnit.MINUTES);
                String body = r.body();
                if (r.statusCode() == 201) {
                    admitted++;
                } else if (r.statusCode() == 429 && body.contains("\"limit\":\"queue-wait\"")) {
                    timedOut++; // a wait that ended without a slot stays counted (by design), and says so
                } else if (r.statusCode() == 429 && body.contains("\"limit\":\"rpm\"")) {
                    rpmRefusal = body;
                } else if (r.statusCode() == 429 && body.contains("\"limit\":\"queue\"")) {
                    queueFull++;
                } else {
                    throw new AssertionError("wave " + waves + ": unexpected answer " + r.statusCode() + " " + body);
                }
            }
            Thread.sleep(1_000);
        }
        System.out.println("ClusterIT: " + waves + " waves: " + admitted + " admitted, " + timedOut
                + " waits timed out, " + queueFull + " refused for the full queue; " + rpmRefusal);
        assertThat(timedOut).as("waits that timed out (each counted, never admitted)").isZero();
        assertThat(admitted).as("admitted: every counted request, and no more").isEqualTo(30);
        assertThat(rpmRefusal).contains("\"detail\":\"rpm: 30 of 30 used");

        // 2. the member that owns alice's entry (its primary copy) holds both anonymous slots with long tasks
        int owner = ownerOf(USER);
        int survivor = 1 - owner;
        // and allowances between the members: V's entry is on the member about to die, and the survivor decides V's
        // requests within an allowance; U's entry is on the survivor, and the member about to die holds an allowance
        // of U's, two of its slots taken by long tasks decided there
        int v = premiumOwnedBy(owner);
        int u = premiumOwnedBy(survivor);
        CompletableFuture<Void> vDemand = CompletableFuture.runAsync(() -> pings(PORTS[survivor], "it-key-" + v, 40));
        pings(PORTS[owner], "it-key-" + u, 40);
        vDemand.get(1, TimeUnit.MINUTES);
        List<CompletableFuture<HttpResponse<String>>> uTasks = List.of(slowTask(PORTS[owner], "it-key-" + u),
                slowTask(PORTS[owner], "it-key-" + u));
        // U keeps the dying member busy until it dies, so its allowance holds units then (an idle one goes back)
        java.util.concurrent.atomic.AtomicBoolean dying = new java.util.concurrent.atomic.AtomicBoolean();
        CompletableFuture<Void> uStream = CompletableFuture.runAsync(() -> {
            while (!dying.get()) {
                try {
                    send(PORTS[owner], "GET", "/api/ping", "it-key-" + u);
                    Thread.sleep(20);
                } catch (Exception killed) {
                    return;
                }
            }
        });
        List<CompletableFuture<HttpResponse<String>>> held = new ArrayList<>(List.of(slowTask(PORTS[owner]),
                slowTask(PORTS[owner])));
        awaitAnonymousActive(PORTS[survivor], 2, held, PORTS[owner]);
        HttpResponse<String> third = send(PORTS[survivor], "GET", "/api/pricelists/none", null);
        assertThat(third.statusCode()).as("a third anonymous slot, asked on the survivor").isEqualTo(429);
        assertThat(third.body()).contains("\"limit\":\"tasks\",\"max\":2,\"current\":2");

        assertThat(uTasks).noneMatch(CompletableFuture::isDone);
        long[] uBefore = usage(PORTS[survivor], "key:it" + u);
        long uHeld = uBefore[0];
        long uCounted = uBefore[1];
        assertThat(uBefore[2]).as("allowances in U's entry: the dying member's").isEqualTo(1);
        assertThat(uHeld).as("U's slots at its owner: the dying member's two tasks' (and any spare)")
                .isGreaterThanOrEqualTo(2);

        // 3. the owner dies without a goodbye; the survivor decides on the backup copy
        long killedAt = System.nanoTime();
        dying.set(true);
        members[owner].kill();
        uStream.get(1, TimeUnit.MINUTES);
        HttpResponse<String> more = send(PORTS[survivor], "POST", "/api/pricelists", KEY);
        assertThat(System.nanoTime() - firstWave).as("still within the minute of the first wave")
                .isLessThan(TimeUnit.SECONDS.toNanos(55));
        assertThat(more.statusCode()).as("the 31st upload of the minute, after the owner's death").isEqualTo(429);
        assertThat(more.body()).contains("\"limit\":\"rpm\",\"max\":30,\"current\":30");
        assertThat(more.headers().firstValue("RateLimit")).as("30 of 50 files this hour").hasValueSatisfying(
                header -> assertThat(header).contains("\"files-hour\";r=20;"));

        // 3b. V: the survivor, now the owner of V's entry (the backup copy, its own allowance in it), never admits
        // more than the minute's limit
        Waves vWaves = waves(List.of(PORTS[survivor]), "it-key-" + v, 40);
        System.out.println("ClusterIT: after the owner's death, V: " + vWaves);
        assertThat(vWaves.admitted).as("V's minute, 40 before its owner died").isEqualTo(PREMIUM_RPM);

        // 3c. U: the dead member's allowance holds its slots until it expires (one lease, 6 s, after its last
        // settlement, at most 2 s before the kill), never less; its units stay counted, as used at the expiry
        long uDeadline = killedAt + TimeUnit.SECONDS.toNanos(60);
        long[] uAfter = usage(PORTS[survivor], "key:it" + u);
        while (System.nanoTime() < uDeadline && uAfter[0] > 0) {
            Thread.sleep(50);
            uAfter = usage(PORTS[survivor], "key:it" + u);
        }
        long uSeconds = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
        System.out.println("ClusterIT: the dead member's allowance of U: " + uHeld + " slots at its owner before the "
                + "kill, back after " + uSeconds + " ms; U's minute counted " + uCounted + " then, " + uAfter[1]
                + " after");
        assertThat(uAfter[0]).as("U's slots back").isZero();
        // renewed at most 2.25 s before the kill (every 2 s, on a 250 ms tick): expired at least 3.75 s after it
        assertThat(uSeconds).as("not before the allowance expired").isGreaterThanOrEqualTo(3_700);
        // what it had used and not yet reported, and what it held unused, all counted as used at the expiry
        assertThat(uAfter[1]).as("its units still counted").isGreaterThanOrEqualTo(uCounted)
                .isLessThanOrEqualTo(PREMIUM_RPM);

        // 4. the survivor gives the dead owner's slots back once their lease (6 s) has run out, in the cluster store
        long deadline = killedAt + TimeUnit.SECONDS.toNanos(90);
        String usage = "";
        while (System.nanoTime() < deadline) {
            HttpResponse<String> anon = send(PORTS[survivor], "GET", "/api/quota/me", null);
            usage = anon.body();
            // the anonymous usage call holds one slot itself: admitted, and alone, once the dead slots are gone
            if (anon.statusCode() == 200 && usage.contains("\"activeTasks\":1")
                    && usage.contains("\"store\":\"DISTRIBUTED\"")) {
                break;
            }
            Thread.sleep(250);
        }
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - killedAt);
        System.out.println("ClusterIT: the dead owner's slots were back after " + seconds + " s");
        assertThat(System.nanoTime()).as("slots back within 90 s of the kill; last usage " + usage)
                .isLessThan(deadline);
        // renewed every 2 s, a 6 s lease ends 4 to 6 s after the kill (seconds are truncated: at least 3)
        assertThat(seconds).as("not before the lease ran out").isGreaterThanOrEqualTo(3);

        // 5. neither member logged a failure to read the quota's own classes, at any time; each said once how it
        // decides (Payara starts the application twice at boot: the second start keeps the choice silently)
        for (int i = 0; i < 2; i++) {
            String name = "member " + (char) ('A' + i);
            List<String> records = RECORD.splitAsStream(COLOUR.matcher(members[i].log()).replaceAll("")).toList();
            List<String> severe = records.stream().filter(r -> r.contains("[SEVERE]")).toList();
            List<String> quota = severe.stream().filter(r -> r.contains("org.quotaware")).toList();
            List<String> path = records.stream().filter(r -> r.contains("quotaware: deciding")).toList();
            System.out.println("ClusterIT: " + name + ": " + severe.size() + " SEVERE records, " + quota.size()
                    + " about quotaware classes; " + path.size() + " record of its decision path");
            assertThat(quota).as(name + ": SEVERE records about quotaware classes").isEmpty();
            assertThat(path).as(name + ": its decision path, said once").singleElement().asString()
                    .contains("[INFO]", "quotaware: deciding with the StateProcessor on each entry's owner");
        }
    }

    /** A member's Hazelcast invocations so far, and the reads and writes of the quota map's entries it owns. */
    private record Counts(long invocations, long gets, long puts) {
    }

    private static Counts counts(int port) throws Exception {
        String[] c = send(port, "GET", "/it/invocations", null).body().trim().split(" ");
        return new Counts(Long.parseLong(c[0]), Long.parseLong(c[1]), Long.parseLong(c[2]));
    }

    /** An anonymous request to the test's slow endpoint: it holds a slot for a minute unless its member dies. */
    private static CompletableFuture<HttpResponse<String>> slowTask(int port) {
        return slowTask(port, null);
    }

    /** The same, with an API key (null: anonymous). */
    private static CompletableFuture<HttpResponse<String>> slowTask(int port, String key) {
        HttpRequest.Builder r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/slow"))
                .timeout(Duration.ofSeconds(120)).GET();
        if (key != null) {
            r.header("X-API-Key", key);
        }
        return HTTP.sendAsync(r.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code n} pings in a row with {@code key}, each admitted. */
    private static void pings(int port, String key, int n) {
        for (int i = 0; i < n; i++) {
            try {
                assertThat(send(port, "GET", "/api/ping", key).statusCode()).isEqualTo(200);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** Which member (0 or 1) owns the primary copy of {@code user}'s entry. */
    private static int ownerOf(String user) throws Exception {
        return send(PORTS[0], "GET", "/it/owner?user=" + user, null).body().equals("local") ? 0 : 1;
    }

    /** One of the test's premium callers ({@code it-key-N}, N below the last) whose entry member {@code m} owns. */
    private static int premiumOwnedBy(int m) throws Exception {
        for (int i = 1; i < IT_USERS; i++) {
            if (ownerOf("key:it" + i) == m) {
                return i;
            }
        }
        throw new AssertionError("member " + m + " owns none of the test callers' entries");
    }

    /**
     * {@code user}'s slots held, requests counted this minute and allowances recorded, read from the map without
     * counting a request.
     */
    private static long[] usage(int port, String user) throws Exception {
        String[] s = send(port, "GET", "/it/usage?user=" + user, null).body().trim().split(" ");
        return new long[] {Long.parseLong(s[0]), Long.parseLong(s[1]), Long.parseLong(s[2])};
    }

    private static void awaitAnonymousActive(int port, int n, List<CompletableFuture<HttpResponse<String>>> held,
                                             int heldOn) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String body = "";
        while (System.nanoTime() < deadline) {
            Thread.sleep(500);
            // a slow task that lost its slot to a probe (both arrive at once) is sent again
            for (int i = 0; i < held.size(); i++) {
                if (held.get(i).isDone()) {
                    held.set(i, slowTask(heldOn));
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
