package org.quotaware.http;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaCheckResult;
import org.quotaware.Violation;

/**
 * The response headers of the IETF draft "RateLimit header fields for HTTP" as its revision 08 writes them
 * (draft-ietf-httpapi-ratelimit-headers-08, October 2024), as structured-field lists: one item per
 * windowed limit, by its name ({@code rpm}, {@code files-hour}, {@code files-day}, and every limit a tier declares,
 * such as {@code uploads} or a rule's {@code reads.rpm}), and one for the concurrency limit ({@code tasks}), e.g.
 * <pre>
 * RateLimit-Policy: "rpm";q=30;w=60, "files-hour";q=50;w=3600, "files-day";q=200;w=86400, "tasks";q=3;qu="concurrent-requests"
 * RateLimit: "rpm";r=12;t=40, "files-hour";r=50, "files-day";r=200, "tasks";r=2
 * </pre>
 * A window below a second (a burst limit's) is written with {@code w=1}: the draft's windows are whole seconds.
 * Per-request limits (file size, queue length, queue wait) are not quotas a client can spend, so they are left out.
 */
public final class RateLimitHeaders {

    public static final String POLICY = "RateLimit-Policy";
    public static final String STATE = "RateLimit";
    public static final String RETRY_AFTER = "Retry-After";

    private RateLimitHeaders() {
    }

    /** Where the headers go: a servlet response's {@code setHeader}, a JAX-RS response builder's {@code header}. */
    @FunctionalInterface
    public interface Sink {
        void header(String name, String value);
    }

    /** The last policies written: the text changes only with the limits, so requests of a tier share one string. */
    private static final Policy[] POLICIES = new Policy[16];

    /** A policy text and the limits (their names, maxima and windows) it was written for. */
    private record Policy(long[] key, String[] names, String text) {
        /** True when {@code limits} are the ones this text was written for; reads them in place. */
        boolean describes(List<LimitStatus> limits) {
            if (names.length != limits.size()) {
                return false;
            }
            for (int i = 0; i < names.length; i++) {
                LimitStatus s = limits.get(i);
                String name = s.name();
                if (key[2 * i] != s.max() || key[2 * i + 1] != s.windowSeconds()
                        || name != names[i] && !name.equals(names[i])) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Both headers (and Retry-After for a denial that can pass later), in order; empty when no quota is enabled.
     */
    public static Map<String, String> of(QuotaCheckResult result) {
        Map<String, String> headers = new LinkedHashMap<>(4);
        write(result, headers::put);
        return headers;
    }

    /** Writes what {@link #of} answers, without building a map (the filter does this on every request). */
    public static void write(QuotaCheckResult result, Sink sink) {
        write(result, sink, HeaderSwitch.ALWAYS);
    }

    /**
     * The same, with the {@code RateLimit} fields only when {@code headers} sends them for the result's tier;
     * {@code Retry-After} on a denial always.
     */
    public static void write(QuotaCheckResult result, Sink sink, HeaderSwitch headers) {
        List<LimitStatus> limits = result.limits();
        String policy = headers.sends(result.tier()) ? policy(limits) : "";
        if (!policy.isEmpty()) {
            sink.header(POLICY, policy);
            sink.header(STATE, state(limits));
        }
        if (!result.allowed() && result.retryAfterSeconds() != Violation.NEVER && result.retryAfterSeconds() > 0) {
            sink.header(RETRY_AFTER, Long.toString(result.retryAfterSeconds()));
        }
    }

    public static String policy(List<LimitStatus> limits) {
        int hash = 1;
        for (LimitStatus s : limits) {
            hash = 31 * (31 * hash + s.name().hashCode()) + Long.hashCode(s.max());
        }
        int slot = Math.floorMod(hash, POLICIES.length);
        Policy cached = POLICIES[slot]; // a racy cache of immutable records: a miss only costs building the text again
        if (cached != null && cached.describes(limits)) {
            return cached.text; // the usual case: nothing allocated
        }
        StringBuilder items = new StringBuilder(96);
        for (LimitStatus s : limits) {
            if (s.windowed()) {
                item(items, s).append(";q=").append(s.max()).append(";w=").append(s.windowSeconds());
            } else if (s.limit() == Limit.CONCURRENT_TASKS) {
                item(items, s).append(";q=").append(s.max()).append(";qu=\"concurrent-requests\"");
            }
        }
        String text = items.toString();
        long[] key = new long[limits.size() * 2];
        String[] names = new String[limits.size()];
        for (int i = 0; i < names.length; i++) {
            LimitStatus s = limits.get(i);
            key[2 * i] = s.max();
            key[2 * i + 1] = s.windowSeconds();
            names[i] = s.name();
        }
        POLICIES[slot] = new Policy(key, names, text);
        return text;
    }

    public static String state(List<LimitStatus> limits) {
        StringBuilder items = new StringBuilder(80);
        for (LimitStatus s : limits) {
            if (s.windowed()) {
                item(items, s).append(";r=").append(s.remaining());
                // t is optional in the draft; 0 would claim a reset now, so it is sent only when something is in use
                if (s.resetSeconds() > 0) {
                    items.append(";t=").append(s.resetSeconds());
                }
            } else if (s.limit() == Limit.CONCURRENT_TASKS) {
                item(items, s).append(";r=").append(s.remaining());
            }
        }
        return items.toString();
    }

    /** Starts the next list item: its quoted name, after ", " unless it is the first. */
    private static StringBuilder item(StringBuilder items, LimitStatus limit) {
        if (items.length() > 0) {
            items.append(", ");
        }
        return items.append('"').append(limit.name()).append('"');
    }
}
