package org.quotaware;

import static org.quotaware.InvalidQuotaConfigException.requireRange;

/**
 * What one call counts as.
 *
 * @param files         how many files it counts as against the hourly and daily file limits (0 for a plain request)
 * @param fileSizeBytes the size of the largest file, or -1 when not known before the body is read
 * @param concurrent    whether it holds a concurrency slot while it runs
 * @param tier          the tier to apply when the user has no tier or override of its own; null for {@code default}
 * @param countsRequest whether it counts as a request (its cost and body bytes too) against the limits it applies to;
 *                      false when the same HTTP request was already counted (by the filter, before a {@code @Quota}
 *                      method adds its files), except against the rules of {@code uncounted}
 * @param anonymous     whether the caller is known only by something it can change at will (its address): a new
 *                      anonymous user gets state of its own only while the store has room, otherwise it shares the
 *                      overflow quota of its tier. False for a caller identified by configuration or authentication
 *                      (API key, principal, trusted user header), whose number is bounded by that configuration or
 *                      authentication and who therefore always gets state. True unless said otherwise, so a caller
 *                      of the API that does not say keeps memory bounded.
 * @param target        where the request goes, for the denial log: the filter's request path, or a {@code @Quota}
 *                      method as {@code Class#method}; null when not told. Never part of a decision, so it does not
 *                      travel to a store; cut to {@value #MAX_TARGET} characters.
 * @param cost          what it counts against the limits on {@linkplain Counted#COST cost units} (1 unless said)
 * @param rules         the rules it matched (a filter rule per endpoint, or a {@code @Quota} method's): the limits of
 *                      those rules count it, besides the limits on every request; empty for none
 * @param uncounted     the rules of {@code rules} whose limits still count it as a request (its cost and body bytes
 *                      too) when {@code countsRequest} is false: a {@code @Quota} method's rules that the filter,
 *                      which counted the request, did not match; empty for none. See
 *                      {@link #alreadyCounted(java.util.Set)}.
 */
public record QuotaRequest(int files, long fileSizeBytes, boolean concurrent, String tier, boolean countsRequest,
                           boolean anonymous, String target, int cost, java.util.Set<String> rules,
                           java.util.Set<String> uncounted)
        implements java.io.Serializable {

    /** The largest cost of one request. */
    public static final int MAX_COST = 1_000_000;

    /** The longest {@link #target} kept: a caller chooses its path, and a denial log keeps it. */
    public static final int MAX_TARGET = 256;

    private static final QuotaRequest PLAIN = new QuotaRequest(0, -1, true, null, true, true);

    public QuotaRequest {
        requireRange("files", files, 0, QuotaLimits.MAX_RATE);
        requireRange("fileSizeBytes", fileSizeBytes, -1, Long.MAX_VALUE);
        requireRange("cost", cost, 0, MAX_COST);
        rules = rules == null ? java.util.Set.of() : java.util.Set.copyOf(rules);
        uncounted = uncounted == null || uncounted.isEmpty() ? java.util.Set.of() : java.util.Set.copyOf(uncounted);
        if (target != null && target.length() > MAX_TARGET) {
            target = target.substring(0, MAX_TARGET - 1) + "\u2026";
        }
    }

    /** A request of cost 1 matching no rule. */
    public QuotaRequest(int files, long fileSizeBytes, boolean concurrent, String tier, boolean countsRequest,
                        boolean anonymous, String target) {
        this(files, fileSizeBytes, concurrent, tier, countsRequest, anonymous, target, 1, java.util.Set.of(),
                java.util.Set.of());
    }

    /** A request counted against every limit it applies to, or none ({@code countsRequest}). */
    public QuotaRequest(int files, long fileSizeBytes, boolean concurrent, String tier, boolean countsRequest,
                        boolean anonymous, String target, int cost, java.util.Set<String> rules) {
        this(files, fileSizeBytes, concurrent, tier, countsRequest, anonymous, target, cost, rules, java.util.Set.of());
    }

    /** A request without a target. */
    public QuotaRequest(int files, long fileSizeBytes, boolean concurrent, String tier, boolean countsRequest,
                        boolean anonymous) {
        this(files, fileSizeBytes, concurrent, tier, countsRequest, anonymous, null);
    }

    /** A plain request of an anonymous caller: counts against requests per minute and holds a concurrency slot. */
    public static QuotaRequest request() {
        return PLAIN;
    }

    /** An upload of {@code files} files, the largest {@code fileSizeBytes} bytes (-1 if unknown). */
    public static QuotaRequest upload(int files, long fileSizeBytes) {
        return new QuotaRequest(files, fileSizeBytes, true, null, true, true);
    }

    public QuotaRequest withTier(String tier) {
        return new QuotaRequest(files, fileSizeBytes, concurrent, tier, countsRequest, anonymous, target, cost, rules,
                uncounted);
    }

    public QuotaRequest withConcurrent(boolean concurrent) {
        return new QuotaRequest(files, fileSizeBytes, concurrent, tier, countsRequest, anonymous, target, cost, rules,
                uncounted);
    }

    /** The same, already counted as a request against every limit: only its files still count. */
    public QuotaRequest alreadyCounted() {
        return new QuotaRequest(files, fileSizeBytes, concurrent, tier, false, anonymous, target, cost, rules,
                java.util.Set.of());
    }

    /**
     * The same, already counted as a request against the limits on every request and against those of the rules
     * {@code counted} (the filter's); the limits of its other {@link #rules} still count it, once. Its files count
     * everywhere they apply.
     */
    public QuotaRequest alreadyCounted(java.util.Set<String> counted) {
        java.util.Set<String> left = new java.util.HashSet<>(rules);
        left.removeAll(counted);
        return new QuotaRequest(files, fileSizeBytes, concurrent, tier, false, anonymous, target, cost, rules, left);
    }

    /**
     * Whether the limits of {@code rule} (null for the limits on every request) count it as a request: its request,
     * its cost and its body bytes. Its files always count.
     */
    public boolean countsRequestIn(String rule) {
        return countsRequest || rule != null && uncounted.contains(rule);
    }

    /** The same, for a caller that is anonymous or identified; see {@link #anonymous()}. */
    public QuotaRequest withAnonymous(boolean anonymous) {
        return anonymous == this.anonymous ? this
                : new QuotaRequest(files, fileSizeBytes, concurrent, tier, countsRequest, anonymous, target, cost,
                        rules, uncounted);
    }

    /** The same, going to {@code target} (a request path or {@code Class#method}); see {@link #target()}. */
    public QuotaRequest withTarget(String target) {
        return new QuotaRequest(files, fileSizeBytes, concurrent, tier, countsRequest, anonymous, target, cost, rules,
                uncounted);
    }

    /** The same, costing {@code cost} units against the limits on cost. */
    public QuotaRequest withCost(int cost) {
        return new QuotaRequest(files, fileSizeBytes, concurrent, tier, countsRequest, anonymous, target, cost, rules,
                uncounted);
    }

    /** The same, matching the rules {@code rules} (see {@link #rules()}). */
    public QuotaRequest withRules(java.util.Set<String> rules) {
        return new QuotaRequest(files, fileSizeBytes, concurrent, tier, countsRequest, anonymous, target, cost, rules,
                uncounted);
    }
}
