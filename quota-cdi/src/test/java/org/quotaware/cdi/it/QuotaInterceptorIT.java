package org.quotaware.cdi.it;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code @Quota} in a real Payara Micro: one deployment shared by every test (each uses its own API key, so its own
 * quota). The WAR holds the test resource, a MicroProfile Config file and the two library jars as a user ships them.
 * MicroProfile JWT is on, and the identity chain starts with a claim of the verified token
 * ({@code jwt:tenant_id as tenant:, bean:region as region:, principal, api-key, ip}).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class QuotaInterceptorIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        File libs = new File(System.getProperty("it.libs", "target/it-libs"));
        String config;
        try {
            config = Files.readString(Path.of("src/test/resources/it/microprofile-config.properties"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // the key this run's tokens are signed with: the server verifies them, the library only reads a claim
        config += "mp.jwt.verify.publickey=" + SignedTokens.publicKey() + "\n"
                + "mp.jwt.verify.issuer=" + SignedTokens.ISSUER + "\n";
        return ShrinkWrap.create(WebArchive.class, "quota-it.war")
                .addClasses(JwtApplication.class, LimitedResource.class, RegionSource.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsWebInfResource(new StringAsset(webXml(config)), "web.xml")
                .addAsResource(new StringAsset(config), "META-INF/microprofile-config.properties")
                .addAsLibraries(libs.listFiles((dir, name) -> name.endsWith(".jar")));
    }

    /**
     * A {@code QuotaFilter} on one path, enforcing the application's manager as a user declares it. Its identity
     * init-params are the configuration's own: the filter's identification is then every request's.
     */
    private static String webXml(String config) {
        StringBuilder params = new StringBuilder();
        for (String key : List.of("identity.chain", "identity.api-keys")) {
            String value = config.lines().filter(l -> l.startsWith("quotaware." + key + "=")).findFirst()
                    .map(l -> l.substring(l.indexOf('=') + 1)).orElseThrow();
            params.append("<init-param><param-name>").append(key).append("</param-name><param-value>").append(value)
                    .append("</param-value></init-param>");
        }
        return "<web-app xmlns=\"https://jakarta.ee/xml/ns/jakartaee\" version=\"6.0\">"
                + "<filter><filter-name>quota</filter-name><filter-class>org.quotaware.servlet.QuotaFilter"
                + "</filter-class><async-supported>true</async-supported>" + params + "</filter>"
                + "<filter-mapping><filter-name>quota</filter-name><url-pattern>/api/limited/search</url-pattern>"
                + "</filter-mapping></web-app>";
    }

    private HttpResponse<String> call(String method, String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + "api/limited/" + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("sku,name,price,currency")
                        : HttpRequest.BodyPublishers.noBody());
        if (key != null) {
            b.header("X-API-Key", key);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void theInterceptorEnforcesTheFileLimitWithTheFiltersAnswer() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(call("POST", "upload", "key-upload").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> denied = call("POST", "upload", "key-upload");
        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(denied.headers().firstValue("Retry-After")).hasValueSatisfying(
                v -> assertThat(Long.parseLong(v)).isBetween(3_600L, 3_900L));
        assertThat(denied.headers().firstValue("RateLimit-Policy")).hasValue(
                "\"rpm\";q=1000;w=60, \"files-hour\";q=3;w=3600, \"files-day\";q=200;w=86400, "
                        + "\"tasks\";q=2;qu=\"concurrent-requests\"");
        assertThat(denied.headers().firstValue("RateLimit")).hasValueSatisfying(
                v -> assertThat(v).contains("\"files-hour\";r=0;t="));
        assertThat(denied.body()).contains("\"type\":\"urn:quotaware:problem:quota-exceeded\"", "\"status\":429",
                "\"tier\":\"default\"", "{\"limit\":\"files-hour\",\"max\":3,\"current\":3,\"retryAfter\":");
        assertThat(state("key:uploader")).contains("\"userFilesPerHour\":3");
    }

    @Test
    void aMethodWithItsOwnTierHasASeparateQuota() throws Exception {
        assertThat(call("GET", "report", "key-report").statusCode()).isEqualTo(200);
        assertThat(call("GET", "report", "key-report").statusCode()).isEqualTo(200);
        HttpResponse<String> denied = call("GET", "report", "key-report");
        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.body()).contains("\"tier\":\"reports\"", "\"limit\":\"rpm\",\"max\":2");
        // the caller's own quota is untouched by the report quota
        assertThat(call("POST", "upload", "key-report").statusCode()).isEqualTo(200);
    }

    @Test
    void aMethodChargedToARuleAndOneWithLimitsOfItsOwnAreCountedApartAndNamedInTheirRefusals() throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertThat(call("GET", "lookup", "key-rules").statusCode()).as("lookup %d of 3", i).isEqualTo(200);
        }
        HttpResponse<String> lookups = call("GET", "lookup", "key-rules");
        assertThat(lookups.statusCode()).isEqualTo(429);
        assertThat(lookups.body()).contains("\"detail\":\"lookups.requests: 3 of 3 used;",
                "\"violations\":[{\"limit\":\"lookups.requests\",\"max\":3,\"current\":3,");

        // the lookups spent nothing of the export method's own limit
        assertThat(call("GET", "export", "key-rules").statusCode()).isEqualTo(200);
        assertThat(call("GET", "export", "key-rules").statusCode()).isEqualTo(200);
        HttpResponse<String> exports = call("GET", "export", "key-rules");
        assertThat(exports.statusCode()).isEqualTo(429);
        assertThat(exports.body()).contains(
                "\"violations\":[{\"limit\":\"limitedresource.export.calls\",\"max\":2,\"current\":2,");
    }

    @Test
    void aRequestTheFilterCountedIsCountedOnceByTheRuleOfItsMethodAndItsRefusalNamesThatRule() throws Exception {
        for (int i = 1; i <= 3; i++) {
            assertThat(call("GET", "search", "key-searches").statusCode()).as("search %d of 3", i).isEqualTo(200);
        }
        HttpResponse<String> refused = call("GET", "search", "key-searches");
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(refused.body()).contains("\"detail\":\"lookups.requests: 3 of 3 used;",
                "\"violations\":[{\"limit\":\"lookups.requests\",\"max\":3,\"current\":3,");
        // the filter counted all four requests under its rule and the limits on every request, the method's rule
        // its three admitted calls: nothing twice, nothing missed, and no slot kept
        assertThat(state("key:searcher")).contains("\"rpm\":4,", "\"searches.requests\":4,",
                "\"lookups.requests\":3,", "\"tasks\":0", "\"userActive\":0");
    }

    @Test
    void slotsComeBackOnExceptionsAsyncResponsesAndCompletionStages() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(call("GET", "boom", "key-slots").statusCode()).isEqualTo(500);
        }
        for (int i = 0; i < 5; i++) {
            HttpResponse<String> async = call("GET", "async", "key-slots");
            assertThat(async.statusCode()).isEqualTo(200);
            assertThat(async.body()).isEqualTo("resumed");
            HttpResponse<String> stage = call("GET", "stage", "key-slots");
            assertThat(stage.statusCode()).isEqualTo(200);
            assertThat(stage.body()).isEqualTo("staged");
        }
        awaitState("key:worker", "\"userActive\":0");
    }

    @Test
    void concurrentCallsAreAdmittedExactlyUpToTheSlots() throws Exception {
        call("POST", "gate?open=false", null);
        List<CompletableFuture<HttpResponse<String>>> calls = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                try {
                    return call("GET", "slow", "key-slow");
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
        // the six refused calls come back while the two admitted ones are held at the gate
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (calls.stream().filter(CompletableFuture::isDone).count() < 6 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        call("POST", "gate?open=true", null);
        int ok = 0;
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> c : calls) {
            HttpResponse<String> r = c.get(30, TimeUnit.SECONDS);
            if (r.statusCode() == 200) {
                ok++;
            } else {
                assertThat(r.statusCode()).isEqualTo(429);
                assertThat(r.body()).contains("\"limit\":\"tasks\",\"max\":2,\"current\":2");
                refused++;
            }
        }
        assertThat(ok).isEqualTo(2);
        assertThat(refused).isEqualTo(6);
        awaitState("key:sloth", "\"userActive\":0");
    }

    @Test
    void queuedAsynchronousCallsHoldNoThreadAndRunWhenTheSlotIsHandedOver() throws Exception {
        call("POST", "queue-gate?open=false", null);
        CompletableFuture<HttpResponse<String>> holder = callAsync("held", "key-queue");
        awaitState("key:queuer", "\"userActive\":1");
        List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(callAsync("queued-async?n=" + i, "key-queue"));
            waiting.add(callAsync("queued-stage?n=" + i, "key-queue"));
        }
        awaitState("key:queuer", "\"queued\":20,\"blocked\":0");

        call("POST", "queue-gate?open=true", null);
        assertThat(holder.get(30, TimeUnit.SECONDS).body()).isEqualTo("held");
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> async = waiting.get(2 * i).get(30, TimeUnit.SECONDS);
            assertThat(async.statusCode()).isEqualTo(200);
            assertThat(async.body()).isEqualTo("async " + i);
            HttpResponse<String> stage = waiting.get(2 * i + 1).get(30, TimeUnit.SECONDS);
            assertThat(stage.statusCode()).isEqualTo(200);
            assertThat(stage.body()).isEqualTo("stage " + i);
        }
        awaitState("key:queuer", "\"queued\":0,\"blocked\":0");
        awaitState("key:queuer", "\"userActive\":0");
    }

    private CompletableFuture<HttpResponse<String>> callAsync(String path, String key) {
        return HTTP.sendAsync(HttpRequest.newBuilder(URI.create(base + "api/limited/" + path))
                .timeout(Duration.ofSeconds(60)).header("X-API-Key", key).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> withToken(String path, String token) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/limited/" + path))
                .timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void callersOfOneTenantShareItsQuotaByTheClaimOfTheirVerifiedToken() throws Exception {
        String alice = SignedTokens.token("alice", "acme");
        String bob = SignedTokens.token("bob", "acme");
        String carol = SignedTokens.token("carol", "globex");

        assertThat(withToken("state", bob).body()).contains("\"user\":\"tenant:acme\"");
        assertThat(withToken("report", alice).statusCode()).isEqualTo(200);
        assertThat(withToken("report", bob).statusCode()).isEqualTo(200);
        HttpResponse<String> refused = withToken("report", alice);
        assertThat(refused.statusCode()).as("alice and bob spend the one quota of tenant acme: 2 a minute")
                .isEqualTo(429);
        assertThat(refused.body()).contains("\"tier\":\"reports\"", "{\"limit\":\"rpm\",\"max\":2,\"current\":2,");
        assertThat(withToken("report", carol).statusCode()).as("another tenant has a quota of its own")
                .isEqualTo(200);
        assertThat(withToken("state", carol).body()).contains("\"user\":\"tenant:globex\"");
    }

    @Test
    void aTokenWithoutTheClaimOrNoTokenFallsToTheNextSource() throws Exception {
        assertThat(withToken("state", SignedTokens.token("dave", null)).body())
                .as("a verified token without tenant_id: its principal").contains("\"user\":\"principal:dave\"");
        assertThat(call("GET", "state", "key-jwtless").body()).as("no token: the API key")
                .contains("\"user\":\"key:jwtless\"");
    }

    @Test
    void aBeanOfTheApplicationIsAnEntryOfTheChain() throws Exception {
        HttpResponse<String> state = HTTP.send(HttpRequest.newBuilder(URI.create(base + "api/limited/state"))
                .timeout(Duration.ofSeconds(30)).header("X-Region", "eu").header("X-API-Key", "key-jwtless").GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(state.body()).as("bean:region comes before the API key").contains("\"user\":\"region:eu\"");
    }

    @Test
    void theBeansAreInjectable() throws Exception {
        String state = call("GET", "state", "key-paths").body();
        assertThat(state).contains("\"tiers\":\"default,reports,waiting\"", "\"user\":\"key:pathfinder\"",
                "\"sameManager\":true");
    }

    private String state(String user) throws Exception {
        return call("GET", "state?user=" + user, null).body();
    }

    private void awaitState(String user, String expected) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        String s = state(user);
        while (!s.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            s = state(user);
        }
        assertThat(s).contains(expected);
    }
}
