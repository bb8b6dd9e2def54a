package org.quotaware.http;

import java.util.List;
import java.util.StringJoiner;

import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.Violation;

/**
 * An RFC 9457 {@code application/problem+json} body, written by hand because the main scope has no JSON library.
 * Besides the standard members it carries {@code tier}, {@code retryAfter} (seconds, null when waiting will not help)
 * and {@code violations}: every violated limit with its {@code limit}, {@code max}, {@code current} and
 * {@code retryAfter}. Plain Java, so the servlet filter and the JAX-RS interceptor answer with the same body.
 */
public record Problem(String type, String title, int status, String detail, String instance, QuotaCheckResult result) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final String QUOTA_EXCEEDED = "urn:quotaware:problem:quota-exceeded";
    public static final String PAYLOAD_TOO_LARGE = "urn:quotaware:problem:payload-too-large";
    public static final String UNKNOWN_API_KEY = "urn:quotaware:problem:unknown-api-key";
    public static final String BAD_PATH = "urn:quotaware:problem:bad-path";
    public static final String REDUCED_CAPACITY = "urn:quotaware:problem:temporary-reduced-capacity";

    /**
     * The answer to a denial: 503 when the instance sheds load (not the caller's doing), 413 when the file is too
     * large (whatever else was violated: waiting will not help), otherwise 429; the detail lists every violation.
     */
    public static Problem denial(QuotaCheckResult result, String instance) {
        if (result.violated(Limit.LOAD_SHED)) {
            return new Problem(REDUCED_CAPACITY, "Temporarily reduced capacity", 503,
                    result.violations().get(0).describe(), instance, result);
        }
        boolean tooLarge = result.violated(Limit.FILE_SIZE);
        StringJoiner detail = new StringJoiner("; ");
        for (Violation v : result.violations()) {
            detail.add(v.describe());
        }
        return new Problem(tooLarge ? PAYLOAD_TOO_LARGE : QUOTA_EXCEEDED, tooLarge ? "Payload too large"
                : "Quota exceeded", tooLarge ? 413 : 429, detail.toString(), instance, result);
    }

    public String toJson() {
        StringBuilder json = new StringBuilder(256).append('{');
        member(json, "type", type).append(',');
        member(json, "title", title).append(',');
        json.append("\"status\":").append(status).append(',');
        member(json, "detail", detail).append(',');
        member(json, "instance", instance);
        if (result != null) {
            json.append(',');
            member(json, "tier", result.tier()).append(',');
            json.append("\"retryAfter\":").append(seconds(result.retryAfterSeconds())).append(',');
            json.append("\"violations\":[");
            List<Violation> violations = result.violations();
            for (int i = 0; i < violations.size(); i++) {
                Violation v = violations.get(i);
                json.append(i == 0 ? "{" : ",{");
                member(json, "limit", v.name()).append(',');
                json.append("\"max\":").append(v.max()).append(',');
                json.append("\"current\":").append(v.current()).append(',');
                json.append("\"retryAfter\":").append(seconds(v.retryAfterSeconds())).append('}');
            }
            json.append(']');
        }
        return json.append('}').toString();
    }

    private static String seconds(long value) {
        return value == Violation.NEVER || value <= 0 ? "null" : Long.toString(value);
    }

    private static StringBuilder member(StringBuilder json, String name, String value) {
        json.append('"').append(name).append("\":");
        return value == null ? json.append("null") : quote(json, value);
    }

    /** A JSON string (RFC 8259): quote, backslash and control characters escaped; the rest is UTF-8 as it is. */
    public static StringBuilder quote(StringBuilder json, String value) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> {
                    // control characters, and the line separators that break JavaScript string literals
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }
}
