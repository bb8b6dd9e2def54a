package org.quotaware.denials;

import java.time.Instant;
import java.util.List;

import org.quotaware.QuotaCheckResult;
import org.quotaware.Violation;

/**
 * One denial as the {@link DenialLog} keeps it.
 *
 * @param time       when it was decided
 * @param user       the user as the caller was identified ({@code key:alice}), cut to {@value #MAX_TEXT} characters
 * @param tier       the tier whose limits applied
 * @param target     where the request went: a request path or a {@code @Quota} method as {@code Class#method}; null
 *                   when the caller did not say (a direct use of the API)
 * @param member     which member decided
 * @param shadow     true when the request was admitted only because every limit it violated is in shadow mode
 * @param violations every limit it violated (for a shadow denial: those it would have been denied by)
 */
public record Denial(Instant time, String user, String tier, String target, String member, boolean shadow,
                     List<Violation> violations) {

    /** The longest text kept of a caller-chosen value: a user header can be kilobytes long. */
    public static final int MAX_TEXT = 256;

    public Denial {
        user = cut(user);
        target = cut(target);
        violations = List.copyOf(violations);
    }

    /** The denial (or shadow denial) in {@code result}, or null when the result violated nothing. */
    static Denial of(Instant time, String user, String target, String member, QuotaCheckResult result) {
        if (result.violations().isEmpty()) {
            return null;
        }
        return new Denial(time, user, result.tier(), target, member, result.allowed(), result.violations());
    }

    static String cut(String text) {
        return text == null || text.length() <= MAX_TEXT ? text : text.substring(0, MAX_TEXT - 1) + "\u2026";
    }
}
