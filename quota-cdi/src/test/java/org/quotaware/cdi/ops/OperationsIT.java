package org.quotaware.cdi.ops;

import java.io.File;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Metrics, health and the admin API in a real Payara Micro: one deployment for every test, each test with its own API
 * key or tier so they do not depend on their order. The admin resources come from the quota-cdi jar in WEB-INF/lib,
 * found by the container's scan (the application lists no classes).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class OperationsIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private static final String ADMIN_KEY = "ops-it-admin-key-0123456789";

    @ArquillianResource
    URL base;

    @Deployment(testable = false)
    static WebArchive deployment() {
        File libs = new File(System.getProperty("it.libs", "target/it-libs"));
        return ShrinkWrap.create(WebArchive.class, "ops-it.war")
                .addClasses(OpsApplication.class, OpsResource.class, CountingHazelcast.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsResource(new File("src/test/resources/ops/microprofile-config.properties"),
                        "META-INF/microprofile-config.properties")
                .addAsLibraries(libs.listFiles((dir, name) -> name.endsWith(".jar")));
    }

    private HttpResponse<String> send(String method, String url, Map<String, String> headers, String body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> api(String path, String apiKey) throws Exception {
        return send("GET", base + "api/" + path, apiKey == null ? Map.of() : Map.of("X-API-Key", apiKey), null);
    }

    private HttpResponse<String> admin(String method, String path, String body) throws Exception {
        return send(method, base + "api/quota/admin/" + path, Map.of("X-Admin-Key", ADMIN_KEY,
                "Content-Type", body != null && body.startsWith("{") ? "application/json" : "text/plain"), body);
    }

    private String server(String path) {
        return URI.create(base.toString()).resolve(path).toString();
    }

    @Test
    void metricsCountDecisionsByOutcomeReasonAndTierAndPublishTheGauges() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(api("ops/metered", "key-metrics").statusCode()).isEqualTo(200);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(api("ops/metered", "key-metrics").statusCode()).isEqualTo(429);
        }
        HttpResponse<String> r = send("GET", server("/metrics?scope=application"), Map.of(), null);
        assertThat(r.statusCode()).isEqualTo(200);
        String text = r.body();
        String method = "method=\"org.quotaware.cdi.ops.OpsResource#metered\"";
        assertThat(sample(text, "quotaware_decisions_total", method, "outcome=\"allowed\"", "tier=\"metered\""))
                .as(text).hasValue(3.0);
        assertThat(sample(text, "quotaware_decisions_total", method, "outcome=\"denied\"", "tier=\"metered\""))
                .hasValue(2.0);
        // the series of decisions without a method exist too, with the same tag names
        assertThat(sample(text, "quotaware_decisions_total", "method=\"none\"", "outcome=\"allowed\"",
                "tier=\"metered\"")).hasValue(0.0);
        assertThat(sample(text, "quotaware_denials_total", "reason=\"rpm\"", "tier=\"metered\"")).hasValue(2.0);
        // registered at start for every configured tier, before any request
        assertThat(sample(text, "quotaware_decisions_total", "outcome=\"allowed\"", "tier=\"premium\"")).isPresent();
        assertThat(sample(text, "quotaware_decision_duration_seconds_count", "outcome=\"allowed\"")).isPresent();
        assertThat(sample(text, "quotaware_tasks_active")).hasValue(0.0);
        assertThat(sample(text, "quotaware_tasks_queued")).hasValue(0.0);
        assertThat(sample(text, "quotaware_users_tracked")).isPresent();
        assertThat(sample(text, "quotaware_store_mode", "mode=\"DISTRIBUTED\"")).hasValue(1.0);
        assertThat(sample(text, "quotaware_store_mode", "mode=\"FALLBACK\"")).hasValue(0.0);
        assertThat(sample(text, "quotaware_store_transitions")).hasValue(0.0);
        assertThat(sample(text, "quotaware_capacity_desired")).isPresent();
        assertThat(sample(text, "quotaware_capacity_actual")).isPresent();
        assertThat(sample(text, "quotaware_protection_level")).hasValue(0.0);
        assertThat(sample(text, "quotaware_cluster_members")).hasValue(1.0);
    }

    /** The value of the first sample of {@code name} whose labels contain every one of {@code labels}. */
    private static Optional<Double> sample(String prometheus, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})?\\s+(\\S+)").matcher(prometheus);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String l : labels) {
                all &= found.contains(l);
            }
            if (all) {
                return Optional.of(Double.parseDouble(m.group(2)));
            }
        }
        return Optional.empty();
    }

    @Test
    void healthChecksAreUpAndTellTheStoreMode() throws Exception {
        for (String path : new String[] {"/health/ready", "/health/live"}) {
            HttpResponse<String> r = send("GET", server(path), Map.of(), null);
            assertThat(r.statusCode()).as(path + " " + r.body()).isEqualTo(200);
            assertThat(r.body()).contains("\"quotaware\"", "\"store\":\"DISTRIBUTED\"");
        }
        assertThat(send("GET", server("/health/ready"), Map.of(), null).body())
                // Payara writes every data value as a string
                .contains("\"degraded\":\"false\"", "\"protectionLevel\":\"0\"", "\"scaler\":");
    }

    @Test
    void theAdminApiRefusesCallersWithoutTheRightKey() throws Exception {
        HttpResponse<String> none = api("quota/admin/statistics", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(none.body()).contains("\"type\":\"urn:quotaware:problem:admin-unauthorized\"", "X-Admin-Key");
        HttpResponse<String> wrong = send("PUT", base + "api/quota/admin/users/key:tier-user/tier",
                Map.of("X-Admin-Key", ADMIN_KEY + "x"), "premium");
        assertThat(wrong.statusCode()).isEqualTo(403);
        assertThat(wrong.body()).contains("\"type\":\"urn:quotaware:problem:admin-forbidden\"");
        HttpResponse<String> stats = admin("GET", "statistics", null);
        assertThat(stats.statusCode()).isEqualTo(200);
        assertThat(stats.body()).contains("\"store\":\"DISTRIBUTED\"", "\"allowed\":");
        HttpResponse<String> scaling = admin("GET", "scaling", null);
        assertThat(scaling.statusCode()).isEqualTo(200);
        assertThat(scaling.body()).contains("\"state\":", "\"desiredCapacity\":", "\"actualCapacity\":",
                "\"protectionLevel\":0", "\"history\":[");
    }

    @Test
    void aScriptWithAWrongKeyLocksOutItsKeyNotTheOperatorsAtTheSameAddressNorTheirRightKey() throws Exception {
        // every peer is a trusted proxy in this deployment, so the test chooses its client addresses
        String office = "203.0.113.7";
        assertThat(adminFrom(office, ADMIN_KEY).statusCode()).as("the operator, once").isEqualTo(200);
        for (int i = 1; i <= 5; i++) {
            assertThat(adminFrom(office, "old-admin-key-2025-0b1c").statusCode()).as("script %d", i).isEqualTo(403);
        }

        HttpResponse<String> script = adminFrom(office, "old-admin-key-2025-0b1c");
        HttpResponse<String> operator = adminFrom(office, ADMIN_KEY);

        assertThat(script.statusCode()).isEqualTo(429);
        assertThat(script.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 60L));
        assertThat(script.body()).startsWith("{\"type\":\"urn:quotaware:problem:admin-key-attempts\",\"title\":"
                + "\"Too many wrong admin keys\",\"status\":429,\"detail\":\"5 wrong admin keys beginning like this "
                + "one from this address within 60 s; retry in ");
        assertThat(operator.statusCode()).as("the right key, same address").isEqualTo(200);
    }

    @Test
    void guessesAreBoundedPerKeyBeginningAndPerAddressAndTheRightGuessIsNotRecognised() throws Exception {
        String guesser = "203.0.113.8";
        for (int i = 1; i <= 5; i++) {
            assertThat(adminFrom(guesser, ADMIN_KEY + "?" + i).statusCode()).as("guess %d", i).isEqualTo(403);
        }
        assertThat(adminFrom(guesser, ADMIN_KEY).statusCode()).as("the right key, among guesses like it")
                .isEqualTo(429);

        String wide = "203.0.113.9";
        for (int i = 0; i < 50; i++) {
            assertThat(adminFrom(wide, i + "-guess").statusCode()).as("guess %d", i).isEqualTo(403);
        }
        HttpResponse<String> locked = adminFrom(wide, ADMIN_KEY);
        assertThat(locked.statusCode()).isEqualTo(429);
        assertThat(locked.body()).contains("50 wrong admin keys from this address within 60 s");
        assertThat(admin("GET", "tiers", null).statusCode()).as("another client address").isEqualTo(200);
    }

    private HttpResponse<String> adminFrom(String address, String key) throws Exception {
        return send("GET", base + "api/quota/admin/tiers", Map.of("X-Forwarded-For", address, "X-Admin-Key", key),
                null);
    }

    @Test
    void anIpv6CallersKeyIsLookedUpGivenLimitsAndFreedWithItsSlashAsItIs() throws Exception {
        assertThat(send("GET", base + "api/ops/call", Map.of("X-Forwarded-For", "2001:db8:1:2::7"), null)
                .statusCode()).isEqualTo(200);
        // the dashboard's spelling: the key percent-encoded, its '/' as it is (an encoded one is refused by Payara)
        String user = "users/ip%3A2001%3Adb8%3A1%3A2%3A%3A/64";

        HttpResponse<String> usage = admin("GET", user, null);
        HttpResponse<String> put = admin("PUT", user + "/limits", "{\"requests-per-minute\": 9}");
        HttpResponse<String> limits = admin("GET", user + "/limits", null);
        HttpResponse<String> denials = admin("GET", user + "/denials", null);
        HttpResponse<String> removed = admin("DELETE", user + "/limits", null);

        assertThat(usage.statusCode()).as(usage.body()).isEqualTo(200);
        assertThat(usage.body()).contains("\"user\":\"ip:2001:db8:1:2::/64\"");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.body()).contains("\"user\":\"ip:2001:db8:1:2::/64\"", "\"requests-per-minute\":9");
        assertThat(limits.body()).contains("\"requests-per-minute\":9");
        assertThat(denials.statusCode()).isEqualTo(200);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
    }

    @Test
    void scrapesOfMetricsAndHealthCountTheTrackedUsersAtMostOnceASecond() throws Exception {
        long before = Long.parseLong(api("ops/map-sizes", null).body());
        long start = System.nanoTime();

        for (int i = 0; i < 20; i++) {
            assertThat(send("GET", server("/metrics?scope=application"), Map.of(), null).statusCode()).isEqualTo(200);
            assertThat(send("GET", server("/health/ready"), Map.of(), null).statusCode()).isEqualTo(200);
        }

        long seconds = (System.nanoTime() - start) / 1_000_000_000L + 1;
        long counts = Long.parseLong(api("ops/map-sizes", null).body()) - before;
        System.out.printf("OperationsIT: 20 scrapes of /metrics and /health in at most %d s: %d map.size() calls%n",
                seconds, counts);
        // the statistics' count once a second, and the store's own refresh of its estimate once a second at most
        assertThat(counts).isLessThanOrEqualTo(2 * seconds);
    }

    @Test
    void aUserPutInATierFollowsItsLimitsAtOnce() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(api("ops/call", "key-tier").statusCode()).isEqualTo(200);
        }
        assertThat(api("ops/call", "key-tier").statusCode()).isEqualTo(429);
        HttpResponse<String> put = admin("PUT", "users/key:tier-user/tier", "premium");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).contains("\"tier\":\"premium\"", "\"appliedOn\":\"cluster\"");
        assertThat(api("ops/call", "key-tier").statusCode()).isEqualTo(200);
        HttpResponse<String> user = admin("GET", "users/key:tier-user", null);
        assertThat(user.body()).contains("\"user\":\"key:tier-user\"", "\"tier\":\"premium\"",
                "\"requestsPerMinute\":4");
        HttpResponse<String> unknown = admin("PUT", "users/key:tier-user/tier", "{\"tier\":\"platinum\"}");
        assertThat(unknown.statusCode()).isEqualTo(400);
        assertThat(unknown.body()).contains("urn:quotaware:problem:invalid-change",
                "tier must be one of the defined tiers [bulk, default, ", "], was platinum");
    }

    @Test
    void aTiersLimitsChangeAtOnceAndABadValueIsRefusedNamingFieldAndRange() throws Exception {
        HttpResponse<String> bad = admin("PUT", "tiers/bulk", "{\"requests-per-minute\": 0}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(bad.body()).contains(
                "bulk.requests-per-minute: requestsPerMinute must be between 1 and 1000000, was 0");

        // the key's ":bulk" is assigned by the servlet filter at start; this WAR has no filter, so assign it here
        assertThat(admin("PUT", "users/key:limits-user/tier", "bulk").statusCode()).isEqualTo(200);
        HttpResponse<String> put = admin("PUT", "tiers/bulk", "requests-per-minute=2");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(200);
        assertThat(put.body()).contains("\"requests-per-minute\":2", "\"appliedOn\":\"cluster\"");
        assertThat(api("ops/call", "key-limits").statusCode()).isEqualTo(200);
        assertThat(api("ops/call", "key-limits").statusCode()).isEqualTo(200);
        HttpResponse<String> denied = api("ops/call", "key-limits");
        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
                p -> assertThat(p).contains("\"rpm\";q=2;w=60"));

        HttpResponse<String> created = admin("PUT", "tiers/gold", "{\"requests-per-minute\": 7}");
        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(admin("GET", "tiers", null).body()).contains("\"gold\":{\"requests-per-minute\":7");
    }

    /**
     * The cap (16) counts every state: this test fills what the other tests' key holders left of it with addresses,
     * then new addresses share the default tier's overflow (3 requests a minute) and a new key holder still gets in.
     * Exact as long as no other test's state goes idle meanwhile (a minute after its last request).
     */
    @Test
    void atTheTrackedUserCapNewAddressesShareTheOverflowAndKeyHoldersAreAdmitted() throws Exception {
        long room = 16 - statistic("trackedUsers");
        assertThat(room).isPositive();
        for (int i = 0; i < room; i++) {
            HttpResponse<String> r = fromAddress("198.51.100." + i);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        }
        assertThat(statistic("trackedUsers")).isEqualTo(16);
        assertThat(statistic("overflowed")).isZero();

        for (int i = 0; i < 3; i++) {
            assertThat(fromAddress("203.0.113." + i).statusCode()).isEqualTo(200);
        }
        HttpResponse<String> denied = fromAddress("203.0.113.3");
        HttpResponse<String> keyHolder = api("ops/call", "key-cap");

        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.body()).contains("\"detail\":\"rpm: 3 of 3 used; retry in ");
        assertThat(denied.headers().firstValue("Retry-After")).hasValueSatisfying(
                v -> assertThat(Long.parseLong(v)).isBetween(55L, 65L));
        assertThat(keyHolder.statusCode()).isEqualTo(200);
        assertThat(statistic("overflowed")).isEqualTo(4);
        assertThat(statistic("trackedUsers")).isEqualTo(16 + 2); // the overflow and the key holder, beyond the cap
        // the gauges read statistics at most a second old
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        Optional<Double> overflowed = Optional.empty();
        while (!overflowed.equals(Optional.of(4.0)) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            overflowed = sample(send("GET", server("/metrics?scope=application"), Map.of(), null).body(),
                    "quotaware_users_overflowed");
        }
        assertThat(overflowed).hasValue(4.0);
    }

    private HttpResponse<String> fromAddress(String address) throws Exception {
        return send("GET", base + "api/ops/call", Map.of("X-Forwarded-For", address), null);
    }

    /** A number of the admin API's statistics. */
    private long statistic(String name) throws Exception {
        String body = admin("GET", "statistics", null).body();
        Matcher m = Pattern.compile("\"" + name + "\":(\\d+)").matcher(body);
        assertThat(m.find()).as(body).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void everyDenialIsInTheDenialLogWithUserTierEveryViolationPathAndMember() throws Exception {
        for (int i = 0; i < 3; i++) {
            assertThat(api("ops/call", "key-denials").statusCode()).isEqualTo(200);
        }
        assertThat(api("ops/call", "key-denials").statusCode()).isEqualTo(429);

        HttpResponse<String> latest = admin("GET", "denials?limit=50", null);
        HttpResponse<String> mine = admin("GET", "users/key:denials-user/denials", null);

        assertThat(latest.statusCode()).as(latest.body()).isEqualTo(200);
        assertThat(latest.body()).startsWith("[{").contains("{\"time\":\"")
                .contains("\"user\":\"key:denials-user\",\"tier\":\"default\",\"path\":"
                        + "\"org.quotaware.cdi.ops.OpsResource#call\",\"member\":\"");
        assertThat(mine.statusCode()).isEqualTo(200);
        Matcher entry = Pattern.compile("^\\[\\{\"time\":\"[^\"]+\",\"user\":\"key:denials-user\",\"tier\":"
                + "\"default\",\"path\":\"org.quotaware.cdi.ops.OpsResource#call\",\"member\":\"([^\"]+)\","
                + "\"shadow\":false,\"violations\":\\[\\{\"limit\":\"rpm\",\"max\":3,\"current\":3,"
                + "\"retryAfterSeconds\":(\\d+),\"message\":\"rpm: 3 of 3 used; retry in \\2 s\"}]}]$")
                .matcher(mine.body());
        assertThat(entry.find()).as(mine.body()).isTrue();
        assertThat(entry.group(1)).as("the member: Payara's Hazelcast instance").isNotBlank();
        assertThat(admin("GET", "users/key:nobody/denials", null).body()).isEqualTo("[]");

        HttpResponse<String> bad = admin("GET", "denials?limit=0", null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("limit must be between 1 and 1000");
        assertThat(api("quota/admin/denials", null).statusCode()).as("behind the admin access").isEqualTo(401);
    }

    @Test
    void aLimitInShadowModeAdmitsAndItsWouldBeDenialsAreMarkedCountedAndLogged() throws Exception {
        for (int i = 0; i < 4; i++) {
            HttpResponse<String> r = api("ops/shadowed", "key-shadow");
            assertThat(r.statusCode()).as("call %d: rpm 2 in shadow", i + 1).isEqualTo(200);
        }
        HttpResponse<String> denials = admin("GET", "users/tier:shadowed:key:shadow-user/denials", null);
        assertThat(denials.body()).as(denials.body()).startsWith("[{").contains(
                "\"user\":\"tier:shadowed:key:shadow-user\",\"tier\":\"shadowed\",\"path\":"
                        + "\"org.quotaware.cdi.ops.OpsResource#shadowed\"", "\"shadow\":true",
                "{\"limit\":\"rpm\",\"max\":2,\"current\":2,");
        assertThat(denials.body().split("\"shadow\":true", -1)).hasSize(3);
        assertThat(statistic("shadowDenied")).isGreaterThanOrEqualTo(2);
        HttpResponse<String> user = admin("GET", "users/tier:shadowed:key:shadow-user", null);
        assertThat(user.body()).as("counted as when enforced").contains("\"requestsPerMinute\":2");

        String metrics = send("GET", server("/metrics?scope=application"), Map.of(), null).body();
        assertThat(sample(metrics, "quotaware_denials_shadow_total", "reason=\"rpm\"", "tier=\"shadowed\""))
                .as(metrics).hasValue(2.0);
        assertThat(sample(metrics, "quotaware_decisions_total", "method=\"org.quotaware.cdi.ops.OpsResource#shadowed\"",
                "outcome=\"allowed\"", "tier=\"shadowed\"")).hasValue(4.0);
        assertThat(sample(metrics, "quotaware_decisions_total", "method=\"none\"", "tier=\"shadowed\"")).isPresent();
    }

    @Test
    void everyMetricHasItsDescription() throws Exception {
        String metrics = send("GET", server("/metrics?scope=application"), Map.of(), null).body();
        for (String name : new String[] {"quotaware_decisions_total", "quotaware_denials_total",
            "quotaware_tasks_active", "quotaware_store_mode", "quotaware_users_tracked",
            "quotaware_decision_duration_seconds"}) {
            assertThat(metrics).as(name + " in\n" + metrics).containsPattern("(?m)^# HELP " + name + " \\S");
        }
        assertThat(metrics).contains("# HELP quotaware_decisions_total Decisions of the quota manager by outcome");
    }

    @Test
    void aUserWithLimitsOfItsOwnFollowsThemUntilTheyAreRemovedAndTheirNumberIsBounded() throws Exception {
        HttpResponse<String> put = admin("PUT", "users/key:override-user/limits", "{\"requests-per-minute\": 5}");
        assertThat(put.statusCode()).as(put.body()).isEqualTo(201);
        assertThat(put.body()).contains("\"user\":\"key:override-user\"", "\"requests-per-minute\":5",
                "\"appliedOn\":\"cluster\"", "\"tier\":\"override\"", "\"maxOverrides\":2");
        for (int i = 0; i < 5; i++) {
            assertThat(api("ops/call", "key-override").statusCode()).isEqualTo(200);
        }
        HttpResponse<String> sixth = api("ops/call", "key-override");
        assertThat(sixth.statusCode()).isEqualTo(429);
        assertThat(sixth.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
                p -> assertThat(p).contains("\"rpm\";q=5;w=60"));

        // a second PUT changes the settings it names and keeps the others
        HttpResponse<String> changed = admin("PUT", "users/key:override-user/limits", "max-concurrent-tasks=2");
        assertThat(changed.statusCode()).as(changed.body()).isEqualTo(200);
        assertThat(changed.body()).contains("\"requests-per-minute\":5", "\"max-concurrent-tasks\":2");
        assertThat(admin("GET", "users/key:override-user/limits", null).body())
                .contains("\"max-concurrent-tasks\":2");

        HttpResponse<String> bad = admin("PUT", "users/key:override-user/limits", "{\"requests-per-minute\": 0}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(bad.body()).contains("urn:quotaware:problem:invalid-change",
                "override.requests-per-minute: requestsPerMinute must be between 1 and 1000000, was 0");
        assertThat(admin("PUT", "users/key:override-user/limits", "{\"scale\": 2}").statusCode()).isEqualTo(400);

        // quotaware.admin.max-overrides=2: a second user may have one, a third may not
        assertThat(admin("PUT", "users/key:second/limits", "requests-per-minute=9").statusCode()).isEqualTo(201);
        HttpResponse<String> third = admin("PUT", "users/key:third/limits", "requests-per-minute=9");
        assertThat(third.statusCode()).isEqualTo(409);
        assertThat(third.body()).contains("urn:quotaware:problem:too-many-overrides",
                "at most 2 users may have limits of their own (quotaware.admin.max-overrides)");
        assertThat(admin("DELETE", "users/key:second/limits", null).statusCode()).isEqualTo(200);

        HttpResponse<String> removed = admin("DELETE", "users/key:override-user/limits", null);
        assertThat(removed.statusCode()).as(removed.body()).isEqualTo(200);
        assertThat(removed.body()).contains("\"tier\":\"default\"", "\"overrides\":0");
        HttpResponse<String> back = api("ops/call", "key-override");
        assertThat(back.statusCode()).isEqualTo(429);
        assertThat(back.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
                p -> assertThat(p).contains("\"rpm\";q=3;w=60"));
        HttpResponse<String> none = admin("GET", "users/key:override-user/limits", null);
        assertThat(none.statusCode()).isEqualTo(404);
        assertThat(none.body()).contains("urn:quotaware:problem:no-override");
        assertThat(admin("DELETE", "users/key:override-user/limits", null).statusCode()).isEqualTo(404);
        assertThat(send("PUT", base + "api/quota/admin/users/key:third/limits", Map.of(), "requests-per-minute=9")
                .statusCode()).isEqualTo(401);
    }

    @Test
    void quotaMeAnswersTheCallersOwnUsageWithoutAdminRights() throws Exception {
        assertThat(api("ops/call", "key-me").statusCode()).isEqualTo(200);
        HttpResponse<String> me = api("quota/me", "key-me");
        assertThat(me.statusCode()).isEqualTo(200);
        assertThat(me.body()).contains("\"user\":\"key:me-user\"", "\"tier\":\"default\"", "\"requestsPerMinute\":1",
                "{\"limit\":\"rpm\",\"max\":3,\"used\":1,\"remaining\":2");
    }
}
