package org.quotaware.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quotaware.InvalidQuotaConfigException;

/**
 * Parses the text of one configuration value, the same way for web.xml, MicroProfile Config and the admin API. Every
 * error names the key the user wrote, the value and what is allowed, so a typo fails the deployment with a message
 * that says how to fix it.
 */
public final class ConfigValues {

    public static final String OFF = "off";

    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,19})\\s*(MS|S)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHOLE = Pattern.compile("\\d{1,19}");

    private ConfigValues() {
    }

    public static boolean isOff(String raw) {
        return OFF.equalsIgnoreCase(raw.trim());
    }

    /** A whole number; the range check itself is left to the caller (or the domain builder's message). */
    public static long count(String key, String field, String raw, long min, long max, boolean offAllowed) {
        String value = raw.trim();
        String allowed = "a whole number between " + min + " and " + max + (offAllowed ? ", or 'off'" : "");
        if (!WHOLE.matcher(value).matches()) {
            throw fail(key, field, raw, allowed);
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw fail(key, field, raw, allowed);
        }
    }

    /** A whole number in {@code [min, max]}; the message names the range. */
    public static long number(String key, String field, String raw, long min, long max) {
        String value = raw.trim();
        try {
            if (WHOLE.matcher(value).matches()) {
                return InvalidQuotaConfigException.requireRange(field, Long.parseLong(value), min, max);
            }
        } catch (NumberFormatException | InvalidQuotaConfigException e) {
            // refused below, with the range
        }
        throw InvalidQuotaConfigException.outOfRange(field, value, min, max).forKey(key);
    }

    /** A decimal number such as {@code 0.9}; its range is checked by the domain builder. */
    public static double fraction(String key, String field, String raw) {
        try {
            double d = Double.parseDouble(raw.trim());
            if (Double.isFinite(d)) {
                return d;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw fail(key, field, raw, "a fraction such as 0.9");
    }

    /** {@code true} or {@code false}, in any case. */
    public static boolean bool(String key, String field, String raw) {
        String v = raw.trim();
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw fail(key, field, raw, "true or false");
    }

    /** Bytes, or a number with {@code KB}, {@code MB} or {@code GB} (1024-based). */
    public static long size(String key, String field, String raw, long max) {
        Matcher m = SIZE.matcher(raw.trim());
        String allowed = "a size in bytes, or with KB, MB or GB (1024-based), between 1 and " + max + " bytes, or 'off'";
        if (!m.matches()) {
            throw fail(key, field, raw, allowed);
        }
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        int shift = switch (unit) {
            case "KB" -> 10;
            case "MB" -> 20;
            case "GB" -> 30;
            default -> 0;
        };
        try {
            long number = Long.parseLong(m.group(1));
            if (number > (Long.MAX_VALUE >> shift)) {
                throw fail(key, field, raw, allowed);
            }
            return number << shift;
        } catch (NumberFormatException e) {
            throw fail(key, field, raw, allowed);
        }
    }

    /**
     * A duration: bare seconds, or a number with {@code ms} or {@code s} ({@code 30}, {@code 30s}, {@code 500ms}).
     *
     * @param allowed what the message says is allowed when the text is not a duration
     */
    public static Duration duration(String key, String field, String raw, String allowed) {
        Matcher m = DURATION.matcher(raw.trim());
        if (!m.matches()) {
            throw fail(key, field, raw, allowed);
        }
        try {
            long number = Long.parseLong(m.group(1));
            boolean millis = m.group(2) != null && m.group(2).equalsIgnoreCase("ms");
            return millis ? Duration.ofMillis(number) : Duration.ofSeconds(number);
        } catch (NumberFormatException | ArithmeticException e) {
            throw fail(key, field, raw, allowed);
        }
    }

    /**
     * A duration (as {@link #duration(String, String, String, String)}) between {@code min} and {@code max}, whole
     * seconds both; the message gives the range in seconds: {@code interval (s) must be between 1 and 3600, was 0}.
     */
    public static Duration duration(String key, String field, String raw, Duration min, Duration max) {
        String unit = field + " (s)";
        InvalidQuotaConfigException outOfRange = InvalidQuotaConfigException.outOfRange(unit, raw.trim(),
                min.toSeconds(), max.toSeconds()).forKey(key);
        Duration d;
        try {
            d = duration(key, unit, raw, "");
        } catch (InvalidQuotaConfigException e) {
            throw outOfRange;
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw outOfRange;
        }
        return d;
    }

    /** A comma-separated list, each item trimmed, empty items dropped. */
    public static List<String> list(String raw) {
        List<String> items = new ArrayList<>();
        if (raw == null) {
            return items;
        }
        for (String item : raw.split(",")) {
            if (!item.isBlank()) {
                items.add(item.trim());
            }
        }
        return items;
    }

    public static InvalidQuotaConfigException fail(String key, String field, Object value, String allowed) {
        return InvalidQuotaConfigException.invalid(field, value, allowed).forKey(key);
    }
}
