package org.quotaware.servlet;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaManager;
import org.quotaware.http.HeaderSwitch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code rate-limit-headers}: the RateLimit fields left out per tier or everywhere; Retry-After stays on a 429. */
class QuotaFilterHeaderSwitchTest {

    private QuotaManager manager;
    private JettyServer jetty;
    private RawHttp http;

    private void start(String... params) throws Exception {
        Map<String, String> init = new LinkedHashMap<>();
        for (int i = 0; i < params.length; i += 2) {
            init.put(params[i], params[i + 1]);
        }
        FilterSettings settings = FilterSettings.parse(init);
        manager = settings.newManager();
        jetty = new JettyServer().filter(new QuotaFilter(manager, settings))
                .servlet("/*", new TestServlets.Ok()).start();
        http = new RawHttp(jetty.port());
    }

    @AfterEach
    void stop() {
        if (jetty != null) {
            jetty.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void aTierWithTheSwitchOffGetsNoRateLimitFieldsButKeepsRetryAfter() throws Exception {
        start("tiers", "private", "default.requests-per-minute", "2", "private.requests-per-minute", "2",
                "private.rate-limit-headers", "false", "identity.api-keys", "k-pat=pat:private,k-dan=dan");

        for (int i = 0; i < 2; i++) {
            RawHttp.Response ok = http.get("/app/x", "X-API-Key: k-pat");
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.header("RateLimit")).isNull();
            assertThat(ok.header("RateLimit-Policy")).isNull();
        }
        RawHttp.Response denied = http.get("/app/x", "X-API-Key: k-pat");
        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.header("RateLimit")).isNull();
        assertThat(denied.header("RateLimit-Policy")).isNull();
        assertThat(Long.parseLong(denied.header("Retry-After"))).isPositive();

        // the default tier still carries them
        RawHttp.Response other = http.get("/app/x", "X-API-Key: k-dan");
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.header("RateLimit-Policy")).startsWith("\"rpm\";q=2;w=60");
        assertThat(other.header("RateLimit")).startsWith("\"rpm\";r=1;t=");
    }

    @Test
    void theGlobalSwitchTurnsThemOffEverywhereAndATierCanTurnThemBackOn() throws Exception {
        start("rate-limit-headers", "false", "tiers", "open", "open.rate-limit-headers", "true",
                "identity.api-keys", "k-olga=olga:open");

        assertThat(http.get("/app/x").header("RateLimit-Policy")).isNull();
        assertThat(http.get("/app/x", "X-API-Key: k-olga").header("RateLimit-Policy")).startsWith("\"rpm\";q=");
    }

    @Test
    void aFilterBuiltFromInitParamsTakesTheSwitchTheApplicationPublished() throws Exception {
        jetty = new JettyServer().filter(new QuotaFilter()).servlet("/*", new TestServlets.Ok());
        jetty.context().setAttribute(QuotaFilter.HEADERS_ATTRIBUTE, new HeaderSwitch(false, Map.of()));
        jetty.start();
        http = new RawHttp(jetty.port());

        RawHttp.Response r = http.get("/app/x");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("RateLimit")).isNull();
        assertThat(r.header("RateLimit-Policy")).isNull();
    }

    @Test
    void aValueOtherThanTrueOrFalseIsRefusedNamingTheKey() {
        assertThatThrownBy(() -> FilterSettings.parse(Map.of("rate-limit-headers", "no")))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("rate-limit-headers: rateLimitHeaders must be true or false, was no");
        assertThatThrownBy(() -> FilterSettings.parse(Map.of("tiers", "gold", "silver.rate-limit-headers", "false")))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessageStartingWith("silver.rate-limit-headers: tier must be one of the tiers listed in 'tiers'");
    }
}
