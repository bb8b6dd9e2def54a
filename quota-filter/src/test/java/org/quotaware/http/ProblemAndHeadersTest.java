package org.quotaware.http;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaCheckResult;
import org.quotaware.Violation;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written JSON and header formats, shared by the filter and the interceptor. */
class ProblemAndHeadersTest {

    @Test
    void jsonStringsAreEscaped() {
        String json = new Problem("t", "title", 400, "a \"quoted\" \\ back\nslash\u0001\u2028", "/x?q=\"", null)
                .toJson();

        assertThat(json).isEqualTo("{\"type\":\"t\",\"title\":\"title\",\"status\":400,"
                + "\"detail\":\"a \\\"quoted\\\" \\\\ back\\nslash\\u0001\\u2028\",\"instance\":\"/x?q=\\\"\"}");
    }

    @Test
    void problemListsEveryViolation() {
        QuotaCheckResult result = QuotaCheckResult.denied("premium", List.of(
                new Violation(Limit.REQUESTS_PER_MINUTE, 30, 30, 12),
                new Violation(Limit.FILE_SIZE, 1024, 4096, Violation.NEVER)), List.of());

        String json = new Problem(Problem.PAYLOAD_TOO_LARGE, "Payload too large", 413, "d", "/u", result).toJson();

        assertThat(json).endsWith(",\"tier\":\"premium\",\"retryAfter\":12,\"violations\":["
                + "{\"limit\":\"rpm\",\"max\":30,\"current\":30,\"retryAfter\":12},"
                + "{\"limit\":\"file-size\",\"max\":1024,\"current\":4096,\"retryAfter\":null}]}");
    }

    @Test
    void rateLimitHeadersFollowTheDraft() {
        List<LimitStatus> limits = List.of(new LimitStatus(Limit.REQUESTS_PER_MINUTE, 30, 18, 12, 40),
                new LimitStatus(Limit.FILES_PER_DAY, 200, 0, 200, 0),
                new LimitStatus(Limit.CONCURRENT_TASKS, 3, 1, 2, 0),
                new LimitStatus(Limit.FILE_SIZE, 1024, 0, 1024, 0));

        assertThat(RateLimitHeaders.policy(limits))
                .isEqualTo("\"rpm\";q=30;w=60, \"files-day\";q=200;w=86400, \"tasks\";q=3;qu=\"concurrent-requests\"");
        assertThat(RateLimitHeaders.state(limits)).isEqualTo("\"rpm\";r=12;t=40, \"files-day\";r=200, \"tasks\";r=2");
    }

    @Test
    void theRememberedPolicyTextIsAlwaysTheOneOfTheLimitsGiven() {
        for (int round = 0; round < 3; round++) {
            for (long max = 1; max <= 40; max++) { // more distinct policies than the cache has places
                List<LimitStatus> limits = List.of(new LimitStatus(Limit.REQUESTS_PER_MINUTE, max, 0, max, 0),
                        new LimitStatus(Limit.CONCURRENT_TASKS, 41 - max, 0, 41 - max, 0));
                assertThat(RateLimitHeaders.policy(limits)).isEqualTo("\"rpm\";q=" + max + ";w=60, \"tasks\";q="
                        + (41 - max) + ";qu=\"concurrent-requests\"");
            }
        }
        assertThat(RateLimitHeaders.policy(List.of())).isEmpty();
    }

    @Test
    void aDenialIs413WhenTheFileIsTooLargeElse429() {
        QuotaCheckResult size = QuotaCheckResult.denied("default", List.of(
                new Violation(Limit.REQUESTS_PER_MINUTE, 30, 30, 12),
                new Violation(Limit.FILE_SIZE, 1024, 4096, Violation.NEVER)), List.of());
        assertThat(Problem.denial(size, "/u").status()).isEqualTo(413);
        QuotaCheckResult rate = QuotaCheckResult.denied("default", List.of(
                new Violation(Limit.REQUESTS_PER_MINUTE, 30, 30, 12)), List.of(
                new LimitStatus(Limit.REQUESTS_PER_MINUTE, 30, 30, 0, 12)));
        Problem p = Problem.denial(rate, "/u");
        assertThat(p.status()).isEqualTo(429);
        assertThat(p.detail()).isEqualTo("rpm: 30 of 30 used; retry in 12 s");
        assertThat(RateLimitHeaders.of(rate)).containsExactly(
                java.util.Map.entry("RateLimit-Policy", "\"rpm\";q=30;w=60"),
                java.util.Map.entry("RateLimit", "\"rpm\";r=0;t=12"),
                java.util.Map.entry("Retry-After", "12"));
    }
}
