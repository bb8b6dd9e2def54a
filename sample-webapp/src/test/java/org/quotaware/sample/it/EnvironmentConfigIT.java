package org.quotaware.sample.it;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quotaware.testing.PayaraMicro;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample started with a quota key only in its environment ({@code QUOTAWARE_PREMIUM_REQUESTS_PER_MINUTE=7}), a
 * key its properties file does not have: MicroProfile Config finds it when asked by name, and the premium key gets
 * exactly 7 requests a minute. Its own Payara Micro on port 18094, without a cluster. Given no JWT key either, as the
 * sample ships: a bearer token cannot be verified and is refused.
 */
class EnvironmentConfigIT {

    private static final int PORT = 18094;
    private static final String PREMIUM_KEY = "demo-premium-key";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    @AutoClose
    private static PayaraMicro payara;

    @BeforeAll
    static void start() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "environment-config-it"));
        PayaraMicro.clean(work, "single");
        payara = PayaraMicro.start("single", PayaraMicro.jar(), new File(System.getProperty("sample.war")).toPath(),
                work, List.of("-Dquotaware.protection.enabled=false"),
                List.of("--nocluster", "--port", Integer.toString(PORT)),
                Map.of("QUOTAWARE_PREMIUM_REQUESTS_PER_MINUTE", "7"));
        payara.awaitReady(Duration.ofMinutes(3));
        assertThat(payara.log()).as("deployed").doesNotContain("Exception while loading the app");
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return get(path, PREMIUM_KEY);
    }

    private static HttpResponse<String> get(String path, String apiKey) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT + path))
                .timeout(Duration.ofSeconds(30)).header("X-API-Key", apiKey).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTierKeyGivenOnlyAsAnEnvironmentVariableSetsThePremiumLimit() throws Exception {
        for (int i = 1; i <= 7; i++) {
            HttpResponse<String> r = get("/api/pricelists/none");
            assertThat(r.statusCode()).as("request %d", i).isEqualTo(404);
            assertThat(r.headers().firstValue("RateLimit-Policy")).as("request %d", i)
                    .hasValueSatisfying(policy -> assertThat(policy).contains("\"rpm\";q=7;w=60"));
        }

        HttpResponse<String> denied = get("/api/pricelists/none");

        assertThat(denied.statusCode()).as("the 8th request in the minute").isEqualTo(429);
        assertThat(denied.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
                policy -> assertThat(policy).contains("\"rpm\";q=7;w=60"));
        assertThat(get("/api/pricelists/none", "demo-default-key").headers().firstValue("RateLimit-Policy"))
                .as("the default tier keeps the properties file's value").hasValueSatisfying(
                        policy -> assertThat(policy).contains("\"rpm\";q=30;w=60"));
    }

    @Test
    void withoutAKeyEveryBearerTokenIsRefused() throws Exception {
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + PORT
                + "/api/pricelists/none")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + SignedTokens.token("erin", "acme")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(refused.statusCode()).as("no mp.jwt.verify.publickey: nothing to verify it with; "
                + refused.body()).isEqualTo(401);
        assertThat(refused.headers().firstValue("RateLimit")).as("refused before the quota filter").isEmpty();
    }
}
