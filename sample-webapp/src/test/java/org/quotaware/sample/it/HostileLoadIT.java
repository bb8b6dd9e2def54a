package org.quotaware.sample.it;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample on a real Payara Micro under a hostile load: many anonymous addresses (through a trusted proxy's
 * {@code X-Forwarded-For}) each hold their slot and queue ten more requests. Queued requests are parked, not waiting
 * on container threads: none of the server's threads is inside the quota engine, and a premium upload is answered at
 * once. When the slots are freed, each address's requests run in the order they arrived, and nothing is left held.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
@Timeout(240)
class HostileLoadIT {

    private static final int ADDRESSES = 30;
    private static final int QUEUED_EACH = 10;
    private static final String WEB_XML = "WEB-INF/web.xml";
    private static final String CONFIG = "WEB-INF/classes/META-INF/microprofile-config.properties";

    /** HTTP/1.1: a connection per request in flight, as a flood of separate callers would open. */
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    @ArquillianResource
    private URL base;

    /**
     * The sample WAR with the probe, its test-only paths left out of the quota, and an anonymous tier that queues (the
     * sample's own does not). Every peer is trusted as a proxy, so the test names its callers' addresses in
     * X-Forwarded-For: the address the test client arrives from depends on the machine (not always the loopback).
     */
    @Deployment(testable = false)
    static WebArchive deployment() {
        WebArchive war = ShrinkWrap.createFromZipFile(WebArchive.class,
                new File(System.getProperty("sample.war", "target/sample-webapp.war")));
        String webXml = read(war, WEB_XML).replace(
                "<param-value>/api/quota/admin/*</param-value>",
                "<param-value>/api/quota/admin/*,/api/probe/state,/api/probe/release,/api/probe/ran,/api/probe/log,"
                        + "/api/probe/log/*</param-value>"
                        + "</init-param><init-param><param-name>identity.trusted-proxies</param-name>"
                        + "<param-value>0.0.0.0/0,::/0</param-value>");
        String config = read(war, CONFIG) + """

                # HostileLoadIT: anonymous callers may queue, and send more than the sample allows in a minute
                quotaware.anonymous.requests-per-minute=1000
                quotaware.anonymous.max-queue-size=10
                quotaware.anonymous.max-queue-wait=60s
                """;
        war.delete(WEB_XML);
        war.delete(CONFIG);
        return war.addAsWebInfResource(new StringAsset(webXml), "web.xml")
                .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties")
                .addClass(LoadProbe.class);
    }

    private static String read(WebArchive war, String path) {
        try (InputStream in = war.get(path).getAsset().openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String address(int i) {
        return "203.0.113." + (i + 1);
    }

    private CompletableFuture<HttpResponse<String>> get(String path, String forwardedFor) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "api/probe/" + path))
                        .header("X-Forwarded-For", forwardedFor).timeout(Duration.ofSeconds(120)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest upload(String key) {
        return HttpRequest.newBuilder(URI.create(base + "api/pricelists"))
                .header("X-API-Key", key).header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString("sku,name,price,currency\r\nA1,Widget,1.00,EUR\r\n"))
                .timeout(Duration.ofSeconds(120)).build();
    }

    private String probe(String method, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/probe/" + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private String state() throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/probe/state")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private void awaitState(String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String s = state();
        while (!s.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
            s = state();
        }
        assertThat(s).contains(expected);
    }

    @Test
    void parkedClientsThatHangUpThrowNothingLogNothingAndGiveEveryPlaceAndSlotBack() throws Exception {
        String address = "203.0.113.201";
        probe("POST", "log/start");
        CompletableFuture<HttpResponse<String>> holder = get("hold?gate=hang-up", address);
        awaitState("\"active\":1,");
        // uploads cut off halfway (the container still reads their bodies) and requests sent whole
        List<Socket> parked = new ArrayList<>();
        for (int n = 0; n < 6; n++) {
            Socket s = new Socket(base.getHost(), base.getPort());
            String head = (n < 3 ? "POST " : "GET ") + base.getPath() + "api/probe/work?from=hang-up&n=" + n
                    + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nX-Forwarded-For: " + address + "\r\n";
            s.getOutputStream().write((n < 3 ? head + "Content-Type: text/csv\r\nContent-Length: 100000\r\n\r\n"
                    + "sku,name,price,currency\r\n" : head + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            s.getOutputStream().flush();
            parked.add(s);
            awaitState("\"queued\":" + (n + 1) + ",");
        }

        // half of them reset (a client that crashed), half closed (a client that gave up)
        for (int n = 0; n < parked.size(); n++) {
            if (n % 2 == 0) {
                parked.get(n).setSoLinger(true, 0);
            }
            parked.get(n).close();
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String seen = state();
        while (!seen.contains("\"queued\":0,") && System.nanoTime() < deadline) {
            Thread.sleep(50);
            seen = state();
        }
        System.out.println("HostileLoadIT: 10 s after six parked clients hung up: " + seen);

        probe("POST", "release?gate=hang-up");
        assertThat(holder.get(60, TimeUnit.SECONDS).body()).isEqualTo("held");
        awaitState("\"active\":0,\"queued\":0,\"blocked\":0");
        HttpResponse<String> after = get("work?from=after-hang-up&n=0", address).get(60, TimeUnit.SECONDS);
        assertThat(after.statusCode()).as("the address's slot and queue are whole again").isEqualTo(200);
        System.out.println("HostileLoadIT: tasks of clients gone that ran: " + probe("GET", "ran?from=hang-up"));
        String logged = probe("GET", "log");
        probe("POST", "log/stop");
        System.out.println("HostileLoadIT: logged while six parked clients hung up: " + (logged.isEmpty() ? "nothing"
                : "\n" + logged));
        assertThat(logged).as("what the server logged").isEmpty();
    }

    @Test
    void queuedRequestsHoldNoThreadAPremiumCallerIsAnsweredAtOnceAndEachQueueRunsInOrder() throws Exception {
        List<CompletableFuture<HttpResponse<String>>> holders = new ArrayList<>();
        for (int a = 0; a < ADDRESSES; a++) {
            holders.add(get("hold", address(a)));
        }
        awaitState("\"active\":" + ADDRESSES + ",");
        List<List<CompletableFuture<HttpResponse<String>>>> queued = new ArrayList<>();
        int waiting = 0;
        for (int a = 0; a < ADDRESSES; a++) {
            List<CompletableFuture<HttpResponse<String>>> mine = new ArrayList<>();
            for (int n = 0; n < QUEUED_EACH; n++) {
                mine.add(get("work?from=" + address(a) + "&n=" + n, address(a)));
                waiting++;
                awaitState("\"queued\":" + waiting + ","); // one at a time: the arrival order is known
            }
            queued.add(mine);
        }

        // alice (3 slots) holds all of hers; two uploads queue behind them, through the @Quota upload method
        List<CompletableFuture<HttpResponse<String>>> aliceHolds = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            aliceHolds.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "api/probe/hold"))
                    .header("X-API-Key", "demo-default-key").timeout(Duration.ofSeconds(120)).GET().build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
        awaitState("\"active\":" + (ADDRESSES + 3) + ",");
        List<CompletableFuture<HttpResponse<String>>> aliceUploads = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            aliceUploads.add(HTTP.sendAsync(upload("demo-default-key"), HttpResponse.BodyHandlers.ofString()));
            waiting++;
            awaitState("\"queued\":" + waiting + ",");
        }

        // a scheduler thread polling the queue or renewing leases may be caught passing through the engine in one
        // read; a parked request that held a thread would be there in every read
        String parked = state();
        for (int read = 1; read < 20 && !parked.contains("\"threadsInEngine\":0"); read++) {
            Thread.sleep(50);
            parked = state();
        }
        assertThat(parked).contains("\"queued\":" + (ADDRESSES * QUEUED_EACH + 2) + ",", "\"blocked\":0,",
                "\"threadsInEngine\":0");

        long start = System.nanoTime();
        HttpResponse<String> premium = HTTP.send(upload("demo-premium-key"), HttpResponse.BodyHandlers.ofString());
        long premiumMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(premium.statusCode()).isEqualTo(201);
        System.out.printf("HostileLoadIT: %d requests parked, premium upload answered in %d ms%n",
                ADDRESSES * QUEUED_EACH, premiumMillis);

        HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/probe/release"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        for (CompletableFuture<HttpResponse<String>> h : holders) {
            assertThat(h.get(60, TimeUnit.SECONDS).body()).isEqualTo("held");
        }
        for (CompletableFuture<HttpResponse<String>> h : aliceHolds) {
            assertThat(h.get(60, TimeUnit.SECONDS).body()).isEqualTo("held");
        }
        // resumed from the queue, the @Quota method counted alice's file on her own quota (49, then 48 left)
        List<String> filesLeft = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> u : aliceUploads) {
            HttpResponse<String> r = u.get(60, TimeUnit.SECONDS);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
            String rateLimit = r.headers().firstValue("RateLimit").orElseThrow();
            filesLeft.add(rateLimit.replaceAll(".*\"files-hour\";r=(\\d+).*", "$1"));
        }
        assertThat(filesLeft).containsExactlyInAnyOrder("49", "48");
        for (int a = 0; a < ADDRESSES; a++) {
            for (int n = 0; n < QUEUED_EACH; n++) {
                HttpResponse<String> r = queued.get(a).get(n).get(60, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("ran " + n);
            }
            String order = HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/probe/ran?from=" + address(a)))
                    .GET().build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(order).isEqualTo(IntStream.range(0, QUEUED_EACH).boxed().toList().toString());
        }
        awaitState("\"active\":0,\"queued\":0,\"blocked\":0");
    }
}
