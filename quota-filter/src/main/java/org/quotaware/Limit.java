package org.quotaware;

import java.time.Duration;

/**
 * The table of limits: one row per limit the engine knows, with what it counts, its window, how its value is written
 * (the setting's name, its range and unit) and the policy name {@code RateLimit-Policy} headers and problem bodies use.
 * The windowed rows are presets: names for a {@link WindowedLimit} that a tier can also declare in its own words
 * ({@code limits=uploads=30/1m}); a declared row of any other window is a {@link #WINDOW}, named by its own name.
 * <p>
 * A new windowed preset is one row here: the configuration, the admin API, the engine, headers and metrics take every
 * row from this table. Rows are appended (their ordinals travel in the wire format); adding one raises
 * {@code WireFormat.VERSION}.
 */
public enum Limit {
    /** Requests of any kind in any 60-second interval. */
    REQUESTS_PER_MINUTE("rpm", Counted.REQUESTS, Duration.ofMinutes(1), "requests-per-minute", "requestsPerMinute",
            1, QuotaLimits.MAX_RATE, Measure.COUNT),
    /** Files (uploads, weighted by cost) in any 3600-second interval. */
    FILES_PER_HOUR("files-hour", Counted.FILES, Duration.ofHours(1), "files-per-hour", "filesPerHour",
            1, QuotaLimits.MAX_RATE, Measure.COUNT),
    /** Files in any 86400-second interval. */
    FILES_PER_DAY("files-day", Counted.FILES, Duration.ofDays(1), "files-per-day", "filesPerDay",
            1, QuotaLimits.MAX_FILES_PER_DAY, Measure.COUNT),
    /** Tasks of one user running at once. */
    CONCURRENT_TASKS("tasks", null, Duration.ZERO, "max-concurrent-tasks", "maxConcurrentTasks",
            1, QuotaLimits.MAX_CONCURRENT_TASKS, Measure.COUNT),
    /** Requests of one user waiting for a concurrency slot; 0 (or off) denies at once when every slot is taken. */
    QUEUE_SIZE("queue", null, Duration.ZERO, "max-queue-size", "maxQueueSize",
            0, QuotaLimits.MAX_QUEUE_SIZE, Measure.COUNT),
    /** A queued request waited longer than the configured longest wait (milliseconds; never off). */
    QUEUE_WAIT("queue-wait", null, Duration.ZERO, "max-queue-wait", "maxQueueWait",
            0, QuotaLimits.MAX_QUEUE_WAIT_MILLIS, Measure.MILLIS),
    /** Bytes in one uploaded file. */
    FILE_SIZE("file-size", null, Duration.ZERO, "max-file-size", "maxFileSizeBytes",
            1, QuotaLimits.MAX_FILE_SIZE, Measure.BYTES),
    /** Tasks running at once on this instance, all users together. */
    SYSTEM_CONCURRENT_TASKS("system-tasks"),
    /** Requests waiting on this instance, all users together. */
    SYSTEM_QUEUE_SIZE("system-queue"),
    /** This instance protects itself from overload and sheds the caller's tier for now (503, not a quota). */
    LOAD_SHED("load-shed"),
    /**
     * Requests waiting for a slot on a blocked container thread on this instance, all users together: only requests
     * that cannot wait asynchronously (a servlet or filter in their chain is not async-supported) block a thread.
     */
    SYSTEM_BLOCKED_WAITS("system-blocked-waits"),
    /** A windowed limit a tier declared in its own words ({@code uploads=30/1m}); its name says which. */
    WINDOW("window"),
    /** Requests of any kind in any 3600-second interval. */
    REQUESTS_PER_HOUR("rph", Counted.REQUESTS, Duration.ofHours(1), "requests-per-hour", "requestsPerHour",
            1, QuotaLimits.MAX_FILES_PER_DAY, Measure.COUNT);

    /** How a row's value is written: a count, a size ({@code 10MB}) or a duration ({@code 30s}, {@code 500ms}). */
    public enum Measure { COUNT, BYTES, MILLIS }

    private final String policyName;
    private final Counted counted;
    private final Duration window;
    private final String setting;
    private final String fieldName;
    private final long min;
    private final long max;
    private final Measure measure;

    Limit(String policyName, Counted counted, Duration window, String setting, String fieldName, long min, long max,
          Measure measure) {
        this.policyName = policyName;
        this.counted = counted;
        this.window = window;
        this.setting = setting;
        this.fieldName = fieldName;
        this.min = min;
        this.max = max;
        this.measure = measure;
    }

    /** A limit of the instance or a declared window: not configured per user by a setting of its own. */
    Limit(String policyName) {
        this(policyName, null, Duration.ZERO, null, null, 0, 0, Measure.COUNT);
    }

    /** Short name used in headers and problem bodies, e.g. {@code rpm}. */
    public String policyName() {
        return policyName;
    }

    /** The window length in seconds for a windowed preset, 0 for the others. */
    public long windowSeconds() {
        return window.toSeconds();
    }

    /** True for the presets counted over a sliding time window (not for {@link #WINDOW}, which has no one window). */
    public boolean windowed() {
        return counted != null;
    }

    /** What a windowed preset counts; null for the others. */
    public Counted counted() {
        return counted;
    }

    /** The setting users write, e.g. {@code requests-per-minute}; null for a limit not configured per user. */
    public String setting() {
        return setting;
    }

    /** The builder's field name, so messages of the builder and of the configuration agree. */
    public String fieldName() {
        return fieldName;
    }

    /** The smallest value but off. */
    public long min() {
        return min;
    }

    /** The largest value, in the unit's base (bytes, milliseconds). */
    public long max() {
        return max;
    }

    public Measure measure() {
        return measure;
    }

    /** The row of a windowed preset at {@code value}. */
    public WindowedLimit row(long value) {
        if (counted == null) {
            throw new IllegalStateException(this + " is not a windowed preset");
        }
        return new WindowedLimit(policyName, counted, window.toMillis(), value, null);
    }

    /** Whether {@code row} is this preset's row (its name, what it counts, its window, on every request). */
    public boolean presets(WindowedLimit row) {
        return counted != null && row.rule() == null && row.counted() == counted
                && row.windowMillis() == window.toMillis() && row.name().equals(policyName);
    }

    /** The preset {@code row} is, or {@link #WINDOW}. */
    public static Limit of(WindowedLimit row) {
        for (Limit l : PRESETS) {
            if (l.presets(row)) {
                return l;
            }
        }
        return WINDOW;
    }

    private static final Limit[] PRESETS = java.util.Arrays.stream(values()).filter(Limit::windowed)
            .toArray(Limit[]::new);

    /** The windowed presets, in the table's order. */
    public static java.util.List<Limit> presets() {
        return java.util.List.of(PRESETS);
    }
}
