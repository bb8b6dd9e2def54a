package org.quotaware.sample.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quotaware.sample.it.PriceListApiChecks.assertProblemJson;
import static org.quotaware.sample.it.PriceListApiChecks.json;
import static org.quotaware.sample.it.PriceListApiChecks.send;

import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import jakarta.json.JsonObject;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * A CPU budget on the sample: its {@code metered} tier gives each user one second of CPU time a minute
 * ({@code quotaware.metered.limits=cpu=1s/1m}), and {@code GET /api/analysis/burn?ms=N} burns N ms of the request
 * thread's CPU time. Carol ({@code demo-metered-key}) burns until she is refused; Dave ({@code demo-metered-key-2}), of
 * the same tier, is served right after. Mixed into the Payara test classes of {@link PriceListApiChecks}, after its
 * checks; carol and dave are used here alone, so the counts are exact.
 */
interface CpuBudgetChecks {

    String CAROL = "demo-metered-key";
    String DAVE = "demo-metered-key-2";
    /** The tier's budget, in ms of CPU a minute. */
    int BUDGET_MILLIS = 1_000;
    /**
     * What each of carol's requests burns. A request is admitted while the window holds less than the budget, and is
     * charged when it ends with what its thread used: at least the 400 ms it burnt (the endpoint counts the same thread
     * clock as the filter), plus what Payara, Jersey and the filter spend on it (a few ms once warm). After two, at
     * least 800 ms and, unless each request cost 100 ms beyond its burn, under 1000: the third is admitted; after it,
     * at least 1200: the fourth is refused, whatever the load (it slows the burn down; it does not make it cheaper).
     */
    int BURN_MILLIS = 400;
    int ADMITTED = 3;

    /** The application's root, ending in {@code /}. */
    URL base();

    @Test
    @Order(40)
    default void aCallerWhoseRequestsBurnCpuIsRefusedByItsBudgetWhileAnotherIsServed() throws Exception {
        // the first request to the endpoint loads its classes on the request thread: dave pays for that, not carol
        HttpResponse<String> warm = send(burn(DAVE, "0"));
        assertThat(warm.statusCode()).as(warm.body()).isEqualTo(200);

        int admitted = 0;
        HttpResponse<String> refused = null;
        long burnt = 0;
        while (refused == null && admitted <= ADMITTED + 2) {
            HttpResponse<String> r = send(burn(CAROL, Integer.toString(BURN_MILLIS)));
            if (r.statusCode() == 200) {
                admitted++;
                JsonObject answer = json(r);
                assertThat(answer.getInt("requestedMillis")).isEqualTo(BURN_MILLIS);
                assertThat(answer.getJsonNumber("cpuMillis").longValue()).isGreaterThanOrEqualTo(BURN_MILLIS);
                burnt += answer.getJsonNumber("cpuMillis").longValue();
            } else {
                refused = r;
            }
        }
        HttpResponse<String> other = send(burn(DAVE, Integer.toString(BURN_MILLIS)));

        assertThat(refused).as("carol was never refused").isNotNull();
        System.out.printf("CpuBudgetChecks: carol admitted %d (the burns: %d ms of CPU), then %d: %s; Retry-After %s;"
                        + " RateLimit-Policy %s; RateLimit %s%n", admitted, burnt, refused.statusCode(), refused.body(),
                refused.headers().firstValue("Retry-After").orElse("-"),
                refused.headers().firstValue("RateLimit-Policy").orElse("-"),
                refused.headers().firstValue("RateLimit").orElse("-"));
        assertThat(admitted).as("carol's burns of %d ms admitted within %d ms a minute", BURN_MILLIS, BUDGET_MILLIS)
                .isEqualTo(ADMITTED);
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(429);
        assertProblemJson(refused);
        JsonObject problem = json(refused);
        assertThat(problem.getString("tier")).isEqualTo("metered");
        assertThat(problem.getString("detail")).as("the violation described by the limit's name")
                .startsWith("cpu: ").contains(" of " + BUDGET_MILLIS + " used; retry in ");
        JsonObject violation = problem.getJsonArray("violations").getJsonObject(0);
        assertThat(violation.getInt("max")).isEqualTo(BUDGET_MILLIS);
        assertThat(violation.getJsonNumber("current").longValue()).as("the ms charged to carol's minute")
                .isGreaterThanOrEqualTo((long) ADMITTED * BURN_MILLIS);
        assertThat(refused.headers().firstValue("Retry-After")).hasValueSatisfying(
                // the minute is 12 buckets of 5 s: what was charged counts for a window plus at most one bucket
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 65L));

        assertThat(other.statusCode()).as("dave, of the same tier, right after: " + other.body()).isEqualTo(200);
        assertThat(json(other).getJsonNumber("cpuMillis").longValue()).isGreaterThanOrEqualTo(BURN_MILLIS);

        // the limit by its own name wherever a client reads it
        SoftAssertions named = new SoftAssertions();
        named.assertThat(violation.getString("limit")).as("violations[0].limit").isEqualTo("cpu");
        named.assertThat(refused.headers().firstValue("RateLimit-Policy")).as("carol's RateLimit-Policy")
                .hasValueSatisfying(policy -> assertThat(policy).contains("\"cpu\";q=" + BUDGET_MILLIS + ";w=60"));
        named.assertThat(refused.headers().firstValue("RateLimit")).as("carol's RateLimit")
                .hasValueSatisfying(state -> assertThat(state).contains("\"cpu\";r=0"));
        named.assertThat(other.headers().firstValue("RateLimit")).as("dave's RateLimit")
                .hasValueSatisfying(state -> assertThat(state).containsPattern("\"cpu\";r=[1-9]"));
        named.assertAll();
    }

    @Test
    @Order(41)
    default void aBurnOutOfRangeIsProblem400() throws Exception {
        for (String bad : new String[] {"-1", "2001", "1.5", "abc"}) {
            HttpResponse<String> response = send(burn(DAVE, bad));
            assertThat(response.statusCode()).as(bad).isEqualTo(400);
            assertProblemJson(response);
            assertThat(json(response).getString("detail")).isEqualTo("ms must be a whole number of milliseconds of "
                    + "CPU time from 0 to 2000, was '" + bad + "'");
        }
        HttpResponse<String> missing = send(HttpRequest.newBuilder(uri("api/analysis/burn"))
                .timeout(Duration.ofSeconds(30)).header("X-API-Key", DAVE).GET().build());
        assertThat(missing.statusCode()).isEqualTo(400);
        assertThat(json(missing).getString("detail")).endsWith("was missing");
    }

    private HttpRequest burn(String apiKey, String ms) {
        return HttpRequest.newBuilder(uri("api/analysis/burn?ms=" + URLEncoder.encode(ms, StandardCharsets.UTF_8)))
                .timeout(Duration.ofSeconds(60))
                .header("X-API-Key", apiKey).GET().build();
    }

    private URI uri(String path) {
        return URI.create(base().toExternalForm()).resolve(path);
    }
}
