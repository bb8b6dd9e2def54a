package org.quotaware;

import static org.quotaware.InvalidQuotaConfigException.requireRange;

/**
 * What one call counts as.
 *
 * @param files         how many files it counts as against the hourly and daily file limits (0 for a plain request)
 * @param fileSizeBytes the size of the largest file, or -1 when not known before the body is read
 * @param concurrent    whether it holds a concurrency slot while it runs
 * @param tier          the tier to apply when the user has no tier or override of its own; null for {@code default}
 * @param countsRequest whether it counts against requests per minute; false when the same HTTP request was already
 *                      counted (by the filter, before a {@code @Quota} method adds its files)
 */
public record QuotaRequest(int files, long fileSizeBytes, boolean concurrent, String tier, boolean countsRequest)
        implements java.io.Serializable {

    private static final QuotaRequest PLAIN = new QuotaRequest(0, -1, true, null, true);

    public QuotaRequest {
        requireRange("files", files, 0, QuotaLimits.MAX_RATE);
        requireRange("fileSizeBytes", fileSizeBytes, -1, Long.MAX_VALUE);
    }

    /** A plain request: counts against requests per minute and holds a concurrency slot. */
    public static QuotaRequest request() {
        return PLAIN;
    }

    /** An upload of {@code files} files, the largest {@code fileSizeBytes} bytes (-1 if unknown). */
    public static QuotaRequest upload(int files, long fileSizeBytes) {
        return new QuotaRequest(files, fileSizeBytes, true, null, true);
    }

    public QuotaRequest withTier(String tier) {
        return new QuotaRequest(files, fileSizeBytes, concurrent, tier, countsRequest);
    }

    public QuotaRequest withConcurrent(boolean concurrent) {
        return new QuotaRequest(files, fileSizeBytes, concurrent, tier, countsRequest);
    }

    /** The same, not counted against requests per minute again. */
    public QuotaRequest alreadyCounted() {
        return new QuotaRequest(files, fileSizeBytes, concurrent, tier, false);
    }
}
