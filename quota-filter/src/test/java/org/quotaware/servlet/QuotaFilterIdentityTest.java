package org.quotaware.servlet;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.DispatcherType;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** Whose quota a request spends, and that no header a client writes changes it. */
class QuotaFilterIdentityTest {

    private QuotaManager manager;
    private JettyServer jetty;
    private RawHttp http;

    private void start(String... settings) throws Exception {
        start(InMemoryQuotaStore.DEFAULT_MAX_TRACKED_USERS, settings);
    }

    private void start(int maxTrackedUsers, String... settings) throws Exception {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            params.put(settings[i], settings[i + 1]);
        }
        FilterSettings parsed = FilterSettings.parse(params);
        manager = DefaultQuotaManager.builder().tiers(parsed.tiers()).clock(new MutableClock())
                .maxTrackedUsers(maxTrackedUsers).build();
        jetty = new JettyServer();
        jetty.context().addFilter(new FilterHolder(new TestServlets.PrincipalFromHeader()), "/*",
                EnumSet.of(DispatcherType.REQUEST));
        jetty.filter(new QuotaFilter(manager, parsed)).servlet("/*", new TestServlets.Ok()).start();
        http = new RawHttp(jetty.port());
    }

    @AfterEach
    void stop() {
        if (jetty != null) {
            jetty.close();
            manager.close();
        }
    }

    private long requests(String user) {
        return manager.usage(user).requestsPerMinute();
    }

    @Test
    void atTheTrackedUserCapOnlyCallersKnownByTheirAddressShareTheOverflow() throws Exception {
        start(1, "identity.api-keys", "k-bob=bob", "identity.user-header", "X-User",
                "identity.trusted-proxies", "127.0.0.1");

        assertThat(http.get("/app/x", "X-Forwarded-For: 203.0.113.1").status()).isEqualTo(200);
        assertThat(http.get("/app/x", "X-Forwarded-For: 203.0.113.2").status()).isEqualTo(200);
        assertThat(http.get("/app/x", "X-API-Key: k-bob").status()).isEqualTo(200);
        assertThat(http.get("/app/x", "X-Test-Principal: alice").status()).isEqualTo(200);
        assertThat(http.get("/app/x", "X-User: carol").status()).isEqualTo(200);

        assertThat(requests("ip:203.0.113.1")).isEqualTo(1);
        assertThat(requests("ip:203.0.113.2")).isZero();
        assertThat(requests(QuotaStore.overflowUser(QuotaTiers.DEFAULT))).isEqualTo(1);
        assertThat(requests("key:bob")).isEqualTo(1);
        assertThat(requests("principal:alice")).isEqualTo(1);
        assertThat(requests("user:carol")).isEqualTo(1);
        assertThat(manager.statistics().overflowed()).isEqualTo(1);
    }

    @Test
    void containerPrincipalComesBeforeAnApiKey() throws Exception {
        start("identity.api-keys", "k-bob=bob");

        assertThat(http.get("/app/x", "X-Test-Principal: alice", "X-API-Key: k-bob").status()).isEqualTo(200);

        assertThat(requests("principal:alice")).isEqualTo(1);
        assertThat(requests("key:bob")).isZero();
    }

    @Test
    void apiKeyStandsForItsUserInItsTier() throws Exception {
        start("tiers", "premium", "premium.requests-per-minute", "100", "identity.api-keys", "k-bob=bob:premium");

        RawHttp.Response r = http.get("/app/x", "X-API-Key: k-bob");

        assertThat(r.header("RateLimit-Policy")).startsWith("\"rpm\";q=100;w=60");
        assertThat(requests("key:bob")).isEqualTo(1);
        assertThat(manager.usage("key:bob").tier()).isEqualTo("premium");
        // the same name by another route is another user
        assertThat(requests("principal:bob")).isZero();
    }

    @Test
    void unknownApiKeyIsRefusedAndNeverServedAsAnonymous() throws Exception {
        start("identity.api-keys", "k-bob=bob");
        int served = TestServlets.Ok.CALLS.get();

        RawHttp.Response r = http.get("/app/x", "X-API-Key: guessed");

        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("WWW-Authenticate")).isNotNull();
        assertThat(r.body()).contains("\"type\":\"urn:quotaware:problem:unknown-api-key\"", "\"status\":401");
        assertThat(TestServlets.Ok.CALLS.get()).isEqualTo(served);
        assertThat(requests("ip:127.0.0.1")).as("guesses are rate limited per address").isEqualTo(1);
        assertThat(manager.statistics().active()).isZero();
    }

    @Test
    void apiKeyHeaderIsLeftToTheApplicationWhenNoKeysAreConfigured() throws Exception {
        start();

        assertThat(http.get("/app/x", "X-API-Key: the-apps-own-key").status()).isEqualTo(200);
        assertThat(requests("ip:127.0.0.1")).isEqualTo(1);
    }

    @Test
    void forwardedForFromAnUntrustedPeerIsIgnored() throws Exception {
        start();

        http.get("/app/x", "X-Forwarded-For: 203.0.113.9");

        assertThat(requests("ip:127.0.0.1")).isEqualTo(1);
        assertThat(requests("ip:203.0.113.9")).isZero();
    }

    @Test
    void trustedProxyChainGivesTheRightMostUntrustedAddress() throws Exception {
        start("identity.trusted-proxies", "127.0.0.1, 10.0.0.0/8");

        // 198.51.100.1 was written by the client itself; 10.0.0.5 is our own second proxy
        http.get("/app/x", "X-Forwarded-For: 198.51.100.1, 203.0.113.9", "X-Forwarded-For: 10.0.0.5");
        http.get("/app/x", "X-Forwarded-For: 2001:db8:1:2::7");

        assertThat(requests("ip:203.0.113.9")).isEqualTo(1);
        assertThat(requests("ip:198.51.100.1")).isZero();
        assertThat(requests("ip:127.0.0.1")).isZero();
        assertThat(requests("ip:2001:db8:1:2::/64")).as("IPv6 counts per /64").isEqualTo(1);
    }

    @Test
    void userHeaderIsIgnoredUnlessEnabled() throws Exception {
        start("identity.trusted-proxies", "127.0.0.1");

        http.get("/app/x", "X-User: carol");

        assertThat(requests("user:carol")).isZero();
        assertThat(requests("ip:127.0.0.1")).isEqualTo(1);
    }

    @Test
    void enabledUserHeaderFromATrustedPeerNamesTheUser() throws Exception {
        start("identity.user-header", "X-User", "identity.trusted-proxies", "127.0.0.1");

        http.get("/app/x", "X-User: carol");

        assertThat(requests("user:carol")).isEqualTo(1);
    }

    @Test
    void enabledUserHeaderFromAnUntrustedPeerIsIgnored() throws Exception {
        start("identity.user-header", "X-User", "identity.trusted-proxies", "192.0.2.1");

        http.get("/app/x", "X-User: carol");

        assertThat(requests("user:carol")).isZero();
        assertThat(requests("ip:127.0.0.1")).isEqualTo(1);
    }

    @Test
    void anonymousCallersGetTheAnonymousTier() throws Exception {
        start("tiers", "anonymous", "anonymous.requests-per-minute", "1");

        assertThat(http.get("/app/x").status()).isEqualTo(200);
        RawHttp.Response denied = http.get("/app/x");

        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.body()).contains("\"tier\":\"anonymous\"");
        assertThat(http.get("/app/x", "X-Test-Principal: alice").status()).as("a known user is not anonymous")
                .isEqualTo(200);
    }
}
