package org.quotaware.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaCheckResult;
import org.quotaware.Violation;

/**
 * The response headers of the IETF draft "RateLimit header fields for HTTP", as structured-field lists: one item per
 * quota ({@code rpm}, {@code files-hour}, {@code files-day}, {@code tasks}), e.g.
 * <pre>
 * RateLimit-Policy: "rpm";q=30;w=60, "files-hour";q=50;w=3600, "files-day";q=200;w=86400, "tasks";q=3;qu="concurrent-requests"
 * RateLimit: "rpm";r=12;t=40, "files-hour";r=50, "files-day";r=200, "tasks";r=2
 * </pre>
 * Per-request limits (file size, queue length, queue wait) are not quotas a client can spend, so they are left out.
 */
public final class RateLimitHeaders {

    public static final String POLICY = "RateLimit-Policy";
    public static final String STATE = "RateLimit";
    public static final String RETRY_AFTER = "Retry-After";

    private RateLimitHeaders() {
    }

    /**
     * Both headers (and Retry-After for a denial that can pass later), in order; empty when no quota is enabled.
     */
    public static Map<String, String> of(QuotaCheckResult result) {
        Map<String, String> headers = new LinkedHashMap<>(4);
        String policy = policy(result.limits());
        if (!policy.isEmpty()) {
            headers.put(POLICY, policy);
            headers.put(STATE, state(result.limits()));
        }
        if (!result.allowed() && result.retryAfterSeconds() != Violation.NEVER && result.retryAfterSeconds() > 0) {
            headers.put(RETRY_AFTER, Long.toString(result.retryAfterSeconds()));
        }
        return headers;
    }

    public static String policy(List<LimitStatus> limits) {
        StringJoiner items = new StringJoiner(", ");
        for (LimitStatus s : limits) {
            if (s.limit().windowed()) {
                items.add(name(s.limit()) + ";q=" + s.max() + ";w=" + s.limit().windowSeconds());
            } else if (s.limit() == Limit.CONCURRENT_TASKS) {
                items.add(name(s.limit()) + ";q=" + s.max() + ";qu=\"concurrent-requests\"");
            }
        }
        return items.toString();
    }

    public static String state(List<LimitStatus> limits) {
        StringJoiner items = new StringJoiner(", ");
        for (LimitStatus s : limits) {
            if (s.limit().windowed()) {
                // t is optional in the draft; 0 would claim a reset now, so it is sent only when something is in use
                items.add(name(s.limit()) + ";r=" + s.remaining() + (s.resetSeconds() > 0 ? ";t=" + s.resetSeconds() : ""));
            } else if (s.limit() == Limit.CONCURRENT_TASKS) {
                items.add(name(s.limit()) + ";r=" + s.remaining());
            }
        }
        return items.toString();
    }

    /** A structured-field string; policy names are fixed ASCII words, so no escaping is needed. */
    private static String name(Limit limit) {
        return '"' + limit.policyName() + '"';
    }
}
