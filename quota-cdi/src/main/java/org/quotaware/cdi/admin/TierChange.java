package org.quotaware.cdi.admin;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import jakarta.json.Json;
import jakarta.json.JsonException;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;
import org.quotaware.WindowedLimit;
import org.quotaware.config.LimitSetting;
import org.quotaware.config.LimitSyntax;
import org.quotaware.config.QuotaSettings;

/**
 * A change of one tier's limits, as the admin API receives it: the per-tier settings of the configuration
 * ({@code requests-per-minute}, {@code max-queue-wait}, ...) without the {@code quotaware.<tier>.} prefix, as a JSON
 * object or as properties. The values are parsed and checked by the configuration's own parser, so the messages are
 * the configuration's, with the tier in front: {@code premium.requests-per-minute: requestsPerMinute must be between 1
 * and 1000000, was 0}.
 * <p>
 * Settings not given keep the tier's current value (a new tier starts from the {@code default} tier, as in the
 * configuration). The result travels between members as {@link #text(QuotaLimits) text} holding every setting, so
 * every member ends with the same limits whatever it had before, and Hazelcast never needs a Quotaware class.
 */
public final class TierChange {

    /** The settings, in the configuration's order: every limit, then {@code limits} (declared ones), {@code shadow}. */
    public static final List<String> SETTINGS = settings();
    static final String SCALE = QuotaSettings.SCALE;

    private TierChange() {
    }

    /**
     * Reads a body: a JSON object when it starts with <code>{</code>, else properties ({@code name=value} lines).
     *
     * @throws InvalidQuotaConfigException for a body that is neither, an unknown setting or a value that is not text
     *                                     or a number
     */
    public static Map<String, String> parse(String body) {
        String text = body == null ? "" : body.strip();
        Map<String, String> settings = new LinkedHashMap<>();
        if (text.startsWith("{")) {
            JsonObject json;
            try (JsonReader reader = Json.createReader(new StringReader(text))) {
                json = reader.readObject();
            } catch (JsonException | IllegalStateException e) {
                throw InvalidQuotaConfigException.invalid("body", "not JSON (" + e.getMessage() + ")",
                        "a JSON object of settings or properties");
            }
            json.forEach((name, value) -> settings.put(name, scalar(name, value)));
        } else {
            Properties p = new Properties();
            try {
                p.load(new StringReader(text));
            } catch (IOException | IllegalArgumentException e) {
                throw InvalidQuotaConfigException.invalid("body", e.getMessage(), "a JSON object of settings or properties");
            }
            p.stringPropertyNames().stream().sorted().forEach(n -> settings.put(n.strip(), p.getProperty(n).strip()));
        }
        if (settings.isEmpty()) {
            throw InvalidQuotaConfigException.invalid("body", "empty", "at least one of " + names());
        }
        for (String name : settings.keySet()) {
            if (!SETTINGS.contains(name) && !SCALE.equals(name)) {
                throw InvalidQuotaConfigException.invalid("setting", name, "one of " + names());
            }
        }
        return settings;
    }

    /**
     * The tier named by the body of a user's tier assignment: the name as plain text, a JSON string or
     * {@code {"tier": "premium"}}. Whether it exists is checked when it is assigned.
     */
    public static String tierName(String body) {
        String text = body == null ? "" : body.strip();
        if (text.startsWith("{") || text.startsWith("\"")) {
            try (JsonReader reader = Json.createReader(new StringReader(text))) {
                JsonValue v = reader.readValue();
                if (v instanceof JsonObject o && o.get("tier") instanceof JsonString s) {
                    text = s.getString().strip();
                } else if (v instanceof JsonString s) {
                    text = s.getString().strip();
                } else {
                    throw InvalidQuotaConfigException.invalid("tier", text, "a tier name, as text, a JSON string or "
                            + "{\"tier\": \"<name>\"}");
                }
            } catch (JsonException | IllegalStateException e) {
                throw InvalidQuotaConfigException.invalid("tier", text, "a tier name, as text, a JSON string or "
                        + "{\"tier\": \"<name>\"}");
            }
        }
        if (text.isEmpty()) {
            throw InvalidQuotaConfigException.invalid("tier", "empty", "a tier name");
        }
        return text;
    }

    private static String scalar(String name, JsonValue value) {
        if (value instanceof JsonNumber n) {
            return n.toString();
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        if (value == JsonValue.TRUE || value == JsonValue.FALSE) {
            return value.toString(); // shadow: true or false
        }
        throw InvalidQuotaConfigException.invalid(name, value, "a number or a string such as \"off\" or \"10MB\"");
    }

    /**
     * The tier's limits after the change.
     *
     * @param tier    the tier's name (checked like a configured one)
     * @param current the tier's limits now, or the {@code default} tier's for a new tier
     * @param changes setting name to value, from {@link #parse}
     * @throws InvalidQuotaConfigException naming {@code <tier>.<setting>}, the value and the allowed range
     */
    public static QuotaLimits apply(String tier, QuotaLimits current, Map<String, String> changes) {
        new QuotaTiers().define(tier, current); // a bad name fails here with the tiers' own message
        Map<String, String> values = new LinkedHashMap<>();
        text(current, QuotaTiers.DEFAULT, values);
        if (QuotaTiers.DEFAULT.equals(tier)) {
            changes.forEach((name, value) -> values.put(QuotaTiers.DEFAULT + "." + name, value));
        } else {
            values.put(QuotaSettings.TIERS, tier);
            // a tier's shadow is its own, not the default's
            values.put(tier + "." + QuotaSettings.SHADOW, QuotaSettings.shadowText(current));
            changes.forEach((name, value) -> values.put(tier + "." + name, value));
        }
        return withRules(QuotaSettings.parse("", values).tiers().limits(tier), current);
    }

    /**
     * {@code limits} with the rules' limits of {@code from}: a rule's limits come from the configuration of its rule
     * (every member has the same), not from a tier's settings, so a change or its text never carries them.
     */
    public static QuotaLimits withRules(QuotaLimits limits, QuotaLimits from) {
        List<WindowedLimit> ruled = from == null ? List.of()
                : from.windows().stream().filter(w -> w.rule() != null).toList();
        return ruled.isEmpty() ? limits : limits.toBuilder().limits(ruled).build();
    }

    /** Every setting of {@code limits}, as properties text: what the cluster carries. */
    public static String text(QuotaLimits limits) {
        Map<String, String> values = new LinkedHashMap<>();
        text(limits, null, values);
        StringBuilder out = new StringBuilder();
        values.forEach((name, value) -> out.append(name).append('=').append(value).append('\n'));
        return out.toString();
    }

    /** The limits {@link #text} wrote. */
    public static QuotaLimits fromText(String tier, String text) {
        return apply(tier, QuotaLimits.defaults(), parse(text));
    }

    private static void text(QuotaLimits l, String tier, Map<String, String> out) {
        String p = tier == null ? "" : tier + ".";
        for (LimitSetting setting : LimitSetting.values()) {
            out.put(p + setting.setting(), setting.text(l));
        }
        out.put(p + QuotaSettings.LIMITS, declared(l));
        out.put(p + QuotaSettings.SHADOW, QuotaSettings.shadowText(l));
    }

    /** The tier's own declared limits (not a rule's), in {@link LimitSyntax}; {@code off} when it has none. */
    static String declared(QuotaLimits l) {
        List<WindowedLimit> rows = l.windows().stream()
                .filter(w -> w.rule() == null && Limit.of(w) == Limit.WINDOW).toList();
        return LimitSyntax.format(rows);
    }

    private static List<String> settings() {
        List<String> all = LimitSetting.names();
        all.add(QuotaSettings.LIMITS);
        all.add(QuotaSettings.SHADOW);
        return List.copyOf(all);
    }

    private static List<String> names() {
        List<String> all = new ArrayList<>(SETTINGS);
        all.add(SCALE);
        return all;
    }
}
