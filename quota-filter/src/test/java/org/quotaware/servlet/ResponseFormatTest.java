package org.quotaware.servlet;

import java.net.InetAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaCheckResult;
import org.quotaware.Violation;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-written JSON and header formats, and address handling, in isolation. */
class ResponseFormatTest {

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
    void addressesAreLiteralsOnlyAndIpv6CountsPerSlash64() throws Exception {
        assertThat(IpAddresses.parse("localhost")).isNull();
        assertThat(IpAddresses.parse("10.1")).isNull();
        assertThat(IpAddresses.parse("unknown")).isNull();
        assertThat(IpAddresses.parse("203.0.113.9:4711")).isEqualTo(InetAddress.getByName("203.0.113.9"));
        assertThat(IpAddresses.parse("[2001:db8::1]:443")).isEqualTo(InetAddress.getByName("2001:db8::1"));
        assertThat(IpAddresses.identity(IpAddresses.parse("2001:0db8:0001:0002:ffff::1")))
                .isEqualTo("2001:db8:1:2::/64");
        assertThat(IpAddresses.identity(IpAddresses.parse("::ffff:198.51.100.7"))).isEqualTo("198.51.100.7");

        IpAddresses.Range range = IpAddresses.parseRanges("k", "10.0.0.0/9").get(0);
        assertThat(range.contains(InetAddress.getByName("10.127.255.255"))).isTrue();
        assertThat(range.contains(InetAddress.getByName("10.128.0.0"))).isFalse();
        assertThat(range.contains(InetAddress.getByName("::ffff:10.1.2.3"))).isTrue();
        assertThat(IpAddresses.parseRanges("k", "2001:db8::/32").get(0)
                .contains(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
    }
}
