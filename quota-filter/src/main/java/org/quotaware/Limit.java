package org.quotaware;

/**
 * Every limit the engine enforces, with the policy name used in {@code RateLimit-Policy} headers and problem bodies.
 * The windowed limits carry their window length.
 */
public enum Limit {
    /** Requests of any kind in any 60-second interval. */
    REQUESTS_PER_MINUTE("rpm", 60),
    /** Files (uploads, weighted by cost) in any 3600-second interval. */
    FILES_PER_HOUR("files-hour", 3_600),
    /** Files in any 86400-second interval. */
    FILES_PER_DAY("files-day", 86_400),
    /** Tasks of one user running at once. */
    CONCURRENT_TASKS("tasks", 0),
    /** Requests of one user waiting for a concurrency slot. */
    QUEUE_SIZE("queue", 0),
    /** A queued request waited longer than the configured longest wait. */
    QUEUE_WAIT("queue-wait", 0),
    /** Bytes in one uploaded file. */
    FILE_SIZE("file-size", 0),
    /** Tasks running at once on this instance, all users together. */
    SYSTEM_CONCURRENT_TASKS("system-tasks", 0),
    /** Requests waiting on this instance, all users together. */
    SYSTEM_QUEUE_SIZE("system-queue", 0),
    /** This instance protects itself from overload and sheds the caller's tier for now (503, not a quota). */
    LOAD_SHED("load-shed", 0),
    /**
     * Requests waiting for a slot on a blocked container thread on this instance, all users together: only requests
     * that cannot wait asynchronously (a servlet or filter in their chain is not async-supported) block a thread.
     */
    SYSTEM_BLOCKED_WAITS("system-blocked-waits", 0);

    private final String policyName;
    private final long windowSeconds;

    Limit(String policyName, long windowSeconds) {
        this.policyName = policyName;
        this.windowSeconds = windowSeconds;
    }

    /** Short name used in headers and problem bodies, e.g. {@code rpm}. */
    public String policyName() {
        return policyName;
    }

    /** The window length in seconds for a windowed limit, 0 for the others. */
    public long windowSeconds() {
        return windowSeconds;
    }

    /** True for limits counted over a sliding time window. */
    public boolean windowed() {
        return windowSeconds > 0;
    }
}
