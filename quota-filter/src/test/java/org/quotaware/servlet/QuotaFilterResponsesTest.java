package org.quotaware.servlet;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** What clients see: RateLimit headers on every counted answer, and a 429 problem when a quota is spent. */
class QuotaFilterResponsesTest {

    private static final String POLICY = "\"rpm\";q=3;w=60, \"files-hour\";q=50;w=3600, \"files-day\";q=200;w=86400, "
            + "\"tasks\";q=3;qu=\"concurrent-requests\"";

    private final MutableClock clock = new MutableClock();
    private QuotaManager manager;
    private JettyServer jetty;
    private RawHttp http;

    @BeforeEach
    void start() throws Exception {
        manager = DefaultQuotaManager.builder()
                .tiers(new QuotaTiers(QuotaLimits.builder().requestsPerMinute(3).build()))
                .clock(clock)
                .build();
        jetty = new JettyServer().filter(new QuotaFilter(manager, FilterSettings.defaults()))
                .servlet("/*", new TestServlets.Ok()).start();
        http = new RawHttp(jetty.port());
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
        manager.close();
    }

    @Test
    void allowedRequestCarriesRateLimitHeaders() throws Exception {
        RawHttp.Response r = http.get("/app/hello");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("ok");
        assertThat(r.header("RateLimit-Policy")).isEqualTo(POLICY);
        assertThat(r.header("RateLimit")).startsWith("\"rpm\";r=2;t=")
                .endsWith(", \"files-hour\";r=50, \"files-day\";r=200, \"tasks\";r=2");
        assertThat(r.header("Retry-After")).isNull();
    }

    @Test
    void aRateInShadowServesTheRequestWithTheHeadersEnforcementWouldSendAndLogsTheWouldBeDenial() throws Exception {
        QuotaManager shadowed = DefaultQuotaManager.builder().clock(clock).tiers(new QuotaTiers(QuotaLimits.builder()
                .requestsPerMinute(3).shadow(java.util.List.of(org.quotaware.Limit.REQUESTS_PER_MINUTE)).build()))
                .build();
        org.quotaware.denials.DenialLog log = new org.quotaware.denials.DenialLog(10, "here", clock);
        ((org.quotaware.engine.DefaultQuotaManager) shadowed).listen(log);
        try (JettyServer server = new JettyServer().filter(new QuotaFilter(shadowed, FilterSettings.defaults()))
                .servlet("/*", new TestServlets.Ok()).start()) {
            RawHttp client = new RawHttp(server.port());
            for (int i = 0; i < 3; i++) {
                assertThat(client.get("/app/hello").status()).isEqualTo(200);
            }
            RawHttp.Response over = client.get("/app/hello");

            assertThat(over.status()).isEqualTo(200);
            assertThat(over.body()).isEqualTo("ok");
            assertThat(over.header("RateLimit-Policy")).isEqualTo(POLICY);
            assertThat(over.header("RateLimit")).startsWith("\"rpm\";r=0;t=");
            assertThat(over.header("Retry-After")).as("a served request tells nobody to back off").isNull();
            assertThat(log.latest(10)).singleElement().satisfies(d -> {
                assertThat(d.shadow()).isTrue();
                assertThat(d.target()).isEqualTo("/hello");
            });
        } finally {
            shadowed.close();
        }
    }

    @Test
    void requestOverTheRateIsDeniedWithProblemAndHeaders() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(http.get("/app/hello").status()).isEqualTo(200);
        }
        int servedBefore = TestServlets.Ok.CALLS.get();

        RawHttp.Response denied = http.get("/app/hello");

        assertThat(denied.status()).isEqualTo(429);
        assertThat(TestServlets.Ok.CALLS.get()).isEqualTo(servedBefore);
        long retryAfter = Long.parseLong(denied.header("Retry-After"));
        assertThat(retryAfter).isPositive();
        assertThat(denied.header("RateLimit-Policy")).isEqualTo(POLICY);
        assertThat(denied.header("RateLimit")).startsWith("\"rpm\";r=0;t=" + retryAfter + ",");
        assertThat(denied.header("Content-Type")).startsWith("application/problem+json");
        assertThat(denied.body()).isEqualTo("{\"type\":\"urn:quotaware:problem:quota-exceeded\","
                + "\"title\":\"Quota exceeded\",\"status\":429,"
                + "\"detail\":\"rpm: 3 of 3 used; retry in " + retryAfter + " s\",\"instance\":\"/app/hello\","
                + "\"tier\":\"default\",\"retryAfter\":" + retryAfter + ","
                + "\"violations\":[{\"limit\":\"rpm\",\"max\":3,\"current\":3,\"retryAfter\":" + retryAfter + "}]}");

        clock.advance(Duration.ofSeconds(retryAfter));
        assertThat(http.get("/app/hello").status()).isEqualTo(200);
    }

    @Test
    void optionsIsFreeAndHeadCounts() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertThat(http.send("OPTIONS", "/app/hello", new String[0], null).header("RateLimit")).isNull();
        }
        assertThat(manager.usage("ip:127.0.0.1").requestsPerMinute()).isZero();

        assertThat(http.send("HEAD", "/app/hello", new String[0], null).header("RateLimit")).startsWith("\"rpm\";r=2");
        assertThat(manager.usage("ip:127.0.0.1").requestsPerMinute()).isEqualTo(1);
    }
}
