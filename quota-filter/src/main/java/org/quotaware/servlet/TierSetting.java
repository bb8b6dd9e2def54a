package org.quotaware.servlet;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;

/**
 * The per-tier settings, {@code <tier>.<name>}, and how each one is applied to a {@link QuotaLimits.Builder}. The range
 * checks stay in the builder; this only turns text into numbers and prefixes the builder's message with the key.
 */
enum TierSetting {
    REQUESTS_PER_MINUTE("requests-per-minute", Limit.REQUESTS_PER_MINUTE, 1, QuotaLimits.MAX_RATE),
    FILES_PER_HOUR("files-per-hour", Limit.FILES_PER_HOUR, 1, QuotaLimits.MAX_RATE),
    FILES_PER_DAY("files-per-day", Limit.FILES_PER_DAY, 1, QuotaLimits.MAX_FILES_PER_DAY),
    MAX_CONCURRENT_TASKS("max-concurrent-tasks", Limit.CONCURRENT_TASKS, 1, QuotaLimits.MAX_CONCURRENT_TASKS),
    MAX_QUEUE_SIZE("max-queue-size", Limit.QUEUE_SIZE, 0, QuotaLimits.MAX_QUEUE_SIZE),
    MAX_FILE_SIZE("max-file-size", Limit.FILE_SIZE, 1, QuotaLimits.MAX_FILE_SIZE),
    MAX_QUEUE_WAIT("max-queue-wait", Limit.QUEUE_WAIT, 0, QuotaLimits.MAX_QUEUE_WAIT_MILLIS);

    /** Multiplies the inherited default tier; only for tiers other than {@code default}. */
    static final String SCALE = "scale";
    /** The limits of the tier in shadow mode; see {@code SettingsParser#shadow}. */
    static final String SHADOW = "shadow";

    private final String suffix;
    private final Limit limit;
    private final long min;
    private final long max;

    TierSetting(String suffix, Limit limit, long min, long max) {
        this.suffix = suffix;
        this.limit = limit;
        this.min = min;
        this.max = max;
    }

    String suffix() {
        return suffix;
    }

    static TierSetting bySuffix(String suffix) {
        for (TierSetting s : values()) {
            if (s.suffix.equals(suffix)) {
                return s;
            }
        }
        return null;
    }

    /** Applies the text of {@code key} to the builder; a bad value throws with the key in front of the message. */
    void apply(QuotaLimits.Builder builder, String key, String raw) {
        String field = fieldName();
        if (ConfigValues.isOff(raw)) {
            if (this == MAX_QUEUE_WAIT) {
                throw ConfigValues.fail(key, field, raw, "seconds, or a number with 'ms' or 's' "
                        + "('off' is not allowed: set max-queue-size=0 for no queue)");
            }
            builder.off(limit);
            return;
        }
        try {
            switch (this) {
                case REQUESTS_PER_MINUTE -> builder.requestsPerMinute(ConfigValues.count(key, field, raw, min, max, true));
                case FILES_PER_HOUR -> builder.filesPerHour(ConfigValues.count(key, field, raw, min, max, true));
                case FILES_PER_DAY -> builder.filesPerDay(ConfigValues.count(key, field, raw, min, max, true));
                case MAX_CONCURRENT_TASKS ->
                        builder.maxConcurrentTasks(ConfigValues.count(key, field, raw, min, max, true));
                case MAX_QUEUE_SIZE -> builder.maxQueueSize(ConfigValues.count(key, field, raw, min, max, true));
                case MAX_FILE_SIZE -> builder.maxFileSizeBytes(ConfigValues.size(key, field, raw, max));
                case MAX_QUEUE_WAIT -> builder.maxQueueWait(ConfigValues.duration(key, field, raw));
            }
        } catch (InvalidQuotaConfigException e) {
            // messages made above already carry the key; the builder's range errors do not yet
            throw key.equals(e.field()) ? e : e.forKey(key);
        }
    }

    /** The builder's field name, so our messages and the builder's agree, e.g. {@code requestsPerMinute}. */
    private String fieldName() {
        return switch (this) {
            case REQUESTS_PER_MINUTE -> "requestsPerMinute";
            case FILES_PER_HOUR -> "filesPerHour";
            case FILES_PER_DAY -> "filesPerDay";
            case MAX_CONCURRENT_TASKS -> "maxConcurrentTasks";
            case MAX_QUEUE_SIZE -> "maxQueueSize";
            case MAX_FILE_SIZE -> "maxFileSizeBytes";
            case MAX_QUEUE_WAIT -> "maxQueueWait";
        };
    }
}
