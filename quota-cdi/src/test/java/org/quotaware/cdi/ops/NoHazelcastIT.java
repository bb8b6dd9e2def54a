package org.quotaware.cdi.ops;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quotaware.testing.PayaraMicro;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A single Payara Micro started with {@code --nohazelcast} and no {@code quotaware.cluster.*} key: the full limits on
 * the local store, health not degraded, one INFO line saying quotas are per instance. Its own Payara on port 18093.
 */
class NoHazelcastIT {

    private static final int PORT = 18093;
    private static final String BASE = "http://127.0.0.1:" + PORT;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static PayaraMicro payara;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "no-hazelcast"));
        // a fresh root: Payara Micro deploys again what an earlier run left in it, which would log everything twice
        if (Files.exists(work.resolve("single"))) {
            try (Stream<Path> old = Files.walk(work.resolve("single"))) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        File war = work.resolve("no-hazelcast.war").toFile();
        ShrinkWrap.create(WebArchive.class, "no-hazelcast.war")
                .addClasses(OpsApplication.class, OpsResource.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsResource(new File("src/test/resources/ops/no-hazelcast.properties"),
                        "META-INF/microprofile-config.properties")
                .addAsLibraries(new File(System.getProperty("it.libs", "target/it-libs"))
                        .listFiles((dir, name) -> name.endsWith(".jar")))
                .as(ZipExporter.class).exportTo(war, true);
        payara = PayaraMicro.start("single", PayaraMicro.jar(), war.toPath(), work, List.of(),
                List.of("--nohazelcast", "--port", Integer.toString(PORT)));
        payara.awaitReady(Duration.ofMinutes(3));
        assertThat(payara.log()).as("deployed").doesNotContain("Exception while loading the app");
    }

    @AfterAll
    static void stop() throws Exception {
        if (payara != null) {
            payara.close();
        }
    }

    private static HttpResponse<String> get(String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(BASE + path)).timeout(Duration.ofSeconds(30));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTierOfThreePerMinuteAdmitsExactlyThreeOnTheLocalStore() throws Exception {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            statuses.add(get("/api/ops/call").statusCode());
        }
        assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
        HttpResponse<String> denied = get("/api/ops/call");
        assertThat(denied.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
                p -> assertThat(p).startsWith("\"rpm\";q=3;w=60"));
    }

    @Test
    void aTierWithoutRateLimitHeadersStillSaysWhenToRetry() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(get("/api/ops/call", "X-API-Key", "key-private").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> denied = get("/api/ops/call", "X-API-Key", "key-private");
        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.headers().firstValue("RateLimit")).isEmpty();
        assertThat(denied.headers().firstValue("RateLimit-Policy")).isEmpty();
        assertThat(denied.headers().firstValue("Retry-After")).hasValueSatisfying(
                s -> assertThat(Long.parseLong(s)).isPositive());
    }

    @Test
    void aMemberThatKeepsNoDenialLogAnswersItsDenialsWith404() throws Exception {
        // what the dashboard asks every refresh, and what it asks for one user
        for (String path : new String[] {"/api/quota/admin/denials?limit=20", "/api/quota/admin/denials",
            "/api/quota/admin/users/key:private-user/denials"}) {
            HttpResponse<String> r = get(path, "X-Admin-Key", "no-hazelcast-it-admin-key-4e1d");
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(404);
            assertThat(r.body()).contains("urn:quotaware:problem:no-denial-log", "quotaware.denials.log-size=0");
        }
    }

    @Test
    void healthIsNotDegradedAndTheLogSaysOnceThatQuotasArePerInstance() throws Exception {
        assertThat(get("/api/ops/metered").statusCode()).isEqualTo(200); // the manager exists now, in any order
        HttpResponse<String> ready = get("/health/ready");
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        assertThat(ready.body()).contains("\"store\":\"LOCAL\"", "\"degraded\":\"false\"");
        Matcher m = Pattern.compile("no Hazelcast on this member, so quotas are per instance").matcher(payara.log());
        int lines = 0;
        while (m.find()) {
            lines++;
        }
        assertThat(lines).as(payara.tail(40)).isEqualTo(1);
        assertThat(payara.log()).doesNotContain("1/2 of each limit")
                .doesNotContain("Unable to inject HazelcastInstance"); // Payara's WARNING when its producer is asked
    }
}
