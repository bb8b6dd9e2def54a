package org.quotaware;

import java.util.List;

/**
 * A decision with its reasons: whether the request passes, <b>every</b> limit it violates, the overall retry-after and
 * the state of each enabled limit.
 *
 * @param allowed           true when the request passes (perhaps after waiting, see {@code queued})
 * @param queued            true when it passes only after waiting for a concurrency slot
 * @param tier              the tier whose limits were applied ({@code "override"} for a per-user override)
 * @param violations        every violated limit. When allowed: the limits in shadow mode it violated (enforced, they
 *                          would have denied it; see {@link #shadowed()}), usually none
 * @param retryAfterSeconds the largest finite retry-after of the violations, at least 1; 0 when allowed (also when
 *                          admitted in shadow mode: the caller need not wait);
 *                          {@link Violation#NEVER} when only limits that never pass as they are were violated
 * @param limits            the state of each enabled limit after the decision
 */
public record QuotaCheckResult(boolean allowed, boolean queued, String tier, List<Violation> violations,
                               long retryAfterSeconds, List<LimitStatus> limits) {

    public QuotaCheckResult {
        violations = List.copyOf(violations);
        limits = List.copyOf(limits);
    }

    public static QuotaCheckResult allowed(String tier, boolean queued, List<LimitStatus> limits) {
        return new QuotaCheckResult(true, queued, tier, List.of(), 0, limits);
    }

    /**
     * Allowed, though it violated {@code shadow}: limits in shadow mode, which report what they would deny and deny
     * nothing.
     */
    public static QuotaCheckResult allowed(String tier, boolean queued, List<Violation> shadow,
                                           List<LimitStatus> limits) {
        return new QuotaCheckResult(true, queued, tier, shadow, 0, limits);
    }

    /** True when it was allowed only because every limit it violated is in shadow mode: a would-be denial. */
    public boolean shadowed() {
        return allowed && !violations.isEmpty();
    }

    public static QuotaCheckResult denied(String tier, List<Violation> violations, List<LimitStatus> limits) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("a denial needs at least one violation");
        }
        long retry = 0;
        boolean finite = false;
        for (Violation v : violations) {
            if (v.retryAfterSeconds() != Violation.NEVER) {
                finite = true;
                retry = Math.max(retry, v.retryAfterSeconds());
            }
        }
        return new QuotaCheckResult(false, false, tier, violations, finite ? Math.max(1, retry) : Violation.NEVER,
                limits);
    }

    /** True when one of the violations is the given limit. */
    public boolean violated(Limit limit) {
        for (Violation v : violations) {
            if (v.limit() == limit) {
                return true;
            }
        }
        return false;
    }

    /** The status of one limit, or null when it is off. */
    public LimitStatus status(Limit limit) {
        for (LimitStatus s : limits) {
            if (s.limit() == limit) {
                return s;
            }
        }
        return null;
    }
}
