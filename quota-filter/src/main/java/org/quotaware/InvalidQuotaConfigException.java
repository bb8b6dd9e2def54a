package org.quotaware;

/**
 * A configuration value out of its allowed range. Every configuration error in the library is made here, so the message
 * always names the field, the value and the range: {@code maxConcurrentTasks must be between 1 and 100000, was 0}.
 * Configuration front ends (web.xml, MicroProfile Config) prefix it with the key the user wrote.
 */
public final class InvalidQuotaConfigException extends IllegalArgumentException {

    private final String field;

    private InvalidQuotaConfigException(String field, String message) {
        super(message);
        this.field = field;
    }

    /** The field or key that was wrong. */
    public String field() {
        return field;
    }

    public static InvalidQuotaConfigException outOfRange(String field, Object value, long min, long max) {
        return new InvalidQuotaConfigException(field,
                field + " must be between " + min + " and " + max + ", was " + value);
    }

    public static InvalidQuotaConfigException invalid(String field, Object value, String allowed) {
        return new InvalidQuotaConfigException(field, field + " must be " + allowed + ", was " + value);
    }

    /** The same error seen through a configuration key, e.g. web.xml's {@code default.max-concurrent-tasks}. */
    public InvalidQuotaConfigException forKey(String key) {
        InvalidQuotaConfigException e = new InvalidQuotaConfigException(key, key + ": " + getMessage());
        e.initCause(this);
        return e;
    }

    /** Checks {@code min <= value <= max}. */
    public static long requireRange(String field, long value, long min, long max) {
        if (value < min || value > max) {
            throw outOfRange(field, value, min, max);
        }
        return value;
    }
}
