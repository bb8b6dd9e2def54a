package org.quotaware.servlet;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaManager;
import org.quotaware.config.RuleSettings;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rules per endpoint in a real servlet container: a request is charged to every rule it matches (method and path),
 * a rule's limits count only its requests, and a refusal names the rule's limit.
 */
class QuotaFilterRulesTest {

    private static final String[] CSV = {"Content-Type: text/csv"};
    private static final byte[] BODY = "a,b\n".getBytes();
    private static final String USER = "ip:127.0.0.1";

    private final MutableClock clock = new MutableClock();
    private QuotaManager manager;
    private JettyServer jetty;

    /** Remembers what the filter told later components about the caller. */
    static final class CallerEcho extends HttpServlet {
        static final AtomicReference<QuotaCaller> SEEN = new AtomicReference<>();

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws java.io.IOException {
            SEEN.set((QuotaCaller) req.getAttribute(QuotaCaller.ATTRIBUTE));
            resp.getWriter().write("ok");
        }
    }

    private RawHttp start(String... pairs) throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            params.put(pairs[i], pairs[i + 1]);
        }
        FilterSettings settings = FilterSettings.parse(params);
        manager = DefaultQuotaManager.builder().tiers(settings.tiers()).clock(clock).build();
        jetty = new JettyServer().filter(new QuotaFilter(manager, settings)).servlet("/*", new CallerEcho()).start();
        return new RawHttp(jetty.port());
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void readsAndUploadsAreLimitedSeparatelyAndARefusalNamesTheRulesLimit() throws Exception {
        RawHttp http = start("default.requests-per-minute", "100",
                "rules", "reads,uploads",
                "rule.reads.methods", "GET", "rule.reads.paths", "/api/pricelists/*",
                "rule.reads.limits", "requests=3/1m",
                "rule.uploads.methods", "POST", "rule.uploads.paths", "/api/pricelists", "rule.uploads.files", "true",
                "rule.uploads.limits", "files=5/1m, per-second=2 files/1s");

        for (int i = 1; i <= 3; i++) {
            assertThat(http.get("/app/api/pricelists/" + i).status()).as("read %d of 3", i).isEqualTo(200);
        }
        RawHttp.Response refused = http.get("/app/API/PriceLists/4/");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body()).contains("\"limit\":\"reads.requests\",\"max\":3,\"current\":3");
        assertThat(http.get("/app/api/other").status()).as("a request matching no rule").isEqualTo(200);

        // the reads used nothing of the uploads' limits: the per-second limit admits exactly two, then refuses
        assertThat(http.send("POST", "/app/api/pricelists", CSV, BODY).status()).isEqualTo(200);
        assertThat(CallerEcho.SEEN.get().rules()).containsExactly("uploads");
        assertThat(http.send("POST", "/app/api/pricelists", CSV, BODY).status()).isEqualTo(200);
        RawHttp.Response burst = http.send("POST", "/app/api/pricelists", CSV, BODY);
        assertThat(burst.status()).isEqualTo(429);
        assertThat(burst.body()).contains("\"limit\":\"uploads.per-second\",\"max\":2,\"current\":2");
        assertThat(manager.usage(USER).filesPerHour()).as("a rule's files=true makes its requests uploads")
                .isEqualTo(2);

        clock.advance(Duration.ofMillis(1_100));
        assertThat(http.send("POST", "/app/api/pricelists", CSV, BODY).status()).as("after the second")
                .isEqualTo(200);
        assertThat(http.send("POST", "/app/api/pricelists", CSV, BODY).status()).isEqualTo(200);
        clock.advance(Duration.ofMillis(1_100));
        assertThat(http.send("POST", "/app/api/pricelists", CSV, BODY).status()).as("the fifth").isEqualTo(200);
        clock.advance(Duration.ofMillis(1_100));
        RawHttp.Response minute = http.send("POST", "/app/api/pricelists", CSV, BODY);
        assertThat(minute.status()).isEqualTo(429);
        assertThat(minute.body()).contains("\"limit\":\"uploads.files\",\"max\":5,\"current\":5");
        assertThat(http.get("/app/api/pricelists/5").status()).as("the uploads freed no read").isEqualTo(429);
        assertThat(manager.usage(USER).requestsPerMinute()).as("3 reads, 1 other, 5 uploads").isEqualTo(9);
    }

    @Test
    void aRequestMatchingTwoRulesIsChargedToBothAndCostsTheSumOfTheirCosts() throws Exception {
        RawHttp http = start("default.requests-per-minute", "100", "default.limits", "cost=12/1m",
                "rules", "api,heavy",
                "rule.api.paths", "/api/*", "rule.api.limits", "requests=10/1m",
                "rule.heavy.paths", "/api/report", "rule.heavy.cost", "4", "rule.heavy.limits", "requests=2/1m");

        assertThat(http.get("/app/api/report").status()).isEqualTo(200);
        assertThat(CallerEcho.SEEN.get().rules()).containsExactlyInAnyOrder("api", "heavy");
        assertThat(http.get("/app/api/report").status()).isEqualTo(200);
        RawHttp.Response refused = http.get("/app/api/report");
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.body()).contains("\"limit\":\"heavy.requests\",\"max\":2,\"current\":2");
        // 2 × (1 + 4) = 10 cost units of 12 spent; a plain /api request costs 1 (its one rule's cost)
        assertThat(http.get("/app/api/list").status()).isEqualTo(200);
        assertThat(http.get("/app/api/list").status()).isEqualTo(200);
        RawHttp.Response spent = http.get("/app/api/list");
        assertThat(spent.status()).isEqualTo(429);
        assertThat(spent.body()).contains("\"limit\":\"cost\",\"max\":12,\"current\":12")
                .doesNotContain("api.requests");
        assertThat(http.get("/app/other").status()).as("no rule: cost 1, and none left").isEqualTo(429);
        assertThat(manager.usage(USER).requestsPerMinute()).as("refusals are not counted").isEqualTo(4);
    }

    @Test
    void aFilterOnTheApplicationsManagerMatchesTheRulesTheApplicationPublishes() throws Exception {
        org.quotaware.config.QuotaSettings q = org.quotaware.config.QuotaSettings.parse("quotaware.",
                Map.of("rules", "reads", "rule.reads.methods", "GET", "rule.reads.paths", "/r/*",
                        "rule.reads.limits", "requests=1/1m"));
        manager = DefaultQuotaManager.builder().tiers(q.tiers()).clock(clock).build();
        jetty = new JettyServer();
        jetty.context().setAttribute(QuotaFilter.MANAGER_ATTRIBUTE, manager);
        jetty.context().setAttribute(QuotaFilter.RULES_ATTRIBUTE, q.rules());
        FilterHolder holder = new FilterHolder(QuotaFilter.class);
        holder.setName("quota");
        holder.setAsyncSupported(true);
        jetty.context().addFilter(holder, "/*", java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        jetty.servlet("/*", new CallerEcho()).start();
        RawHttp http = new RawHttp(jetty.port());

        assertThat(http.get("/app/r/1").status()).isEqualTo(200);
        assertThat(CallerEcho.SEEN.get().rules()).isEqualTo(Set.of("reads"));
        assertThat(http.send("POST", "/app/r/1", CSV, BODY).status()).as("another method").isEqualTo(200);
        assertThat(http.get("/app/r/2").body()).contains("\"limit\":\"reads.requests\",\"max\":1,\"current\":1");
        assertThat(List.copyOf(q.rules())).extracting(RuleSettings::name).containsExactly("reads");
    }
}
