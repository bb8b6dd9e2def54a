package org.quotaware.config;

import java.util.ArrayList;
import java.util.List;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;

/**
 * A user's limits as they are configured, one per row of the {@link Limit} table that has a setting: the setting's name
 * ({@code <tier>.<name>} in web.xml and MicroProfile Config, the field of the admin API), the {@link Limit}, the
 * allowed range and the unit, all read from the table. Everything that reads or writes limits as text goes through it,
 * so a row added to the table is configurable at once.
 * The range checks stay in {@link QuotaLimits.Builder}; this only turns text into numbers and back.
 *
 * @param setting   the name users write, e.g. {@code requests-per-minute}
 * @param fieldName the builder's field name, so our messages and the builder's agree, e.g. {@code requestsPerMinute}
 * @param limit     the limit it sets
 * @param min       the smallest value but {@code off}
 * @param max       the largest value, in the unit's base (bytes, milliseconds)
 * @param unit      how a value is written
 */
public record LimitSetting(String setting, String fieldName, Limit limit, long min, long max, LimitSetting.Unit unit) {

    /** The rows of the {@link Limit} table a user configures, in its order: each row's setting, range and unit. */
    private static final List<LimitSetting> ALL = java.util.Arrays.stream(Limit.values())
            .filter(l -> l.setting() != null)
            .map(l -> new LimitSetting(l.setting(), l.fieldName(), l, l.min(), l.max(), Unit.valueOf(l.measure().name())))
            .toList();

    /** How a value is written: a count, a size ({@code 10MB}) or a duration ({@code 30s}, {@code 500ms}). */
    public enum Unit { COUNT, BYTES, MILLIS }

    /** Every row, in the order the configuration reference lists them. */
    public static List<LimitSetting> values() {
        return ALL;
    }

    /** Whether it may be switched off: every limit but the queue wait ({@code max-queue-size=0} means no queue). */
    public boolean switchable() {
        return unit != Unit.MILLIS;
    }

    /** The setting of that name, or null. */
    public static LimitSetting named(String setting) {
        for (LimitSetting s : values()) {
            if (s.setting.equals(setting)) {
                return s;
            }
        }
        return null;
    }

    /** The setting of a limit, or null for a limit that is not configured per user (the instance's own). */
    public static LimitSetting of(Limit limit) {
        for (LimitSetting s : values()) {
            if (s.limit == limit) {
                return s;
            }
        }
        return null;
    }

    /** Every setting's name, in the table's order. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        for (LimitSetting s : values()) {
            names.add(s.setting);
        }
        return names;
    }

    /**
     * The value of {@code raw}: a number in the unit's base or {@link QuotaLimits#OFF}.
     *
     * @throws InvalidQuotaConfigException with {@code key} in front, for text that is not a value of this unit
     */
    public long parse(String key, String raw) {
        String field = fieldName;
        if (ConfigValues.isOff(raw)) {
            if (!switchable()) {
                throw ConfigValues.fail(key, field, raw, "seconds, or a number with 'ms' or 's' "
                        + "('off' is not allowed: set max-queue-size=0 for no queue)");
            }
            return QuotaLimits.OFF;
        }
        return switch (unit) {
            case COUNT -> ConfigValues.count(key, field, raw, min, max, true);
            case BYTES -> ConfigValues.size(key, field, raw, max);
            case MILLIS -> ConfigValues.duration(key, field, raw, "seconds, or a number with 'ms' or 's', between 0 "
                    + "and " + max / 1000 + "s ('off' is not allowed: set max-queue-size=0 for no queue)").toMillis();
        };
    }

    /** Sets the value {@code raw} on the builder; a bad value throws with the key in front of the builder's message. */
    public void apply(QuotaLimits.Builder builder, String key, String raw) {
        long value = parse(key, raw);
        try {
            builder.set(limit, value);
        } catch (InvalidQuotaConfigException e) {
            throw e.forKey(key);
        }
    }

    /** The value of {@code limits} as users write it: {@code off}, a number, or milliseconds ({@code 500ms}). */
    public String text(QuotaLimits limits) {
        long v = limits.get(limit);
        if (v == QuotaLimits.OFF) {
            return ConfigValues.OFF;
        }
        return unit == Unit.MILLIS ? v + "ms" : Long.toString(v);
    }
}
