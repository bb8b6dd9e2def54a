package org.quotaware.servlet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaLimits;

/**
 * Parses the text of one configuration value. Every error names the key the user wrote, the value and what is allowed,
 * so a typo in web.xml fails the deployment with a message that says how to fix it.
 */
final class ConfigValues {

    static final String OFF = "off";

    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(B|KB|MB|GB)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern DURATION = Pattern.compile("(\\d{1,19})\\s*(MS|S)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern WHOLE = Pattern.compile("\\d{1,19}");

    private ConfigValues() {
    }

    static boolean isOff(String raw) {
        return OFF.equalsIgnoreCase(raw.trim());
    }

    /** A whole number in {@code [min, max]}; the range check itself is left to the domain builder's message. */
    static long count(String key, String field, String raw, long min, long max, boolean offAllowed) {
        String value = raw.trim();
        if (!WHOLE.matcher(value).matches()) {
            throw fail(key, field, raw, "a whole number between " + min + " and " + max + (offAllowed ? ", or 'off'" : ""));
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw fail(key, field, raw, "a whole number between " + min + " and " + max);
        }
    }

    /** Bytes, or a number with {@code KB}, {@code MB} or {@code GB} (1024-based). */
    static long size(String key, String field, String raw, long max) {
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

    /** Seconds, or a number with {@code ms} or {@code s}. */
    static Duration duration(String key, String field, String raw) {
        Matcher m = DURATION.matcher(raw.trim());
        String allowed = "seconds, or a number with 'ms' or 's', between 0 and "
                + QuotaLimits.MAX_QUEUE_WAIT_MILLIS / 1000 + "s ('off' is not allowed: set max-queue-size=0 for no queue)";
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

    /** A comma-separated list, each item trimmed, empty items dropped. */
    static List<String> list(String raw) {
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

    static InvalidQuotaConfigException fail(String key, String field, Object value, String allowed) {
        return InvalidQuotaConfigException.invalid(field, value, allowed).forKey(key);
    }
}
