package org.quotaware.cdi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaTiers;
import org.quotaware.config.ConfigValues;
import org.quotaware.config.LimitSetting;
import org.quotaware.scaling.ScalingRules;
import org.quotaware.scaling.TierRanges;

/**
 * The {@code quotaware.scaling.*} and {@code quotaware.protection.*} keys: the scaler's rules (ScalingRules' defaults
 * unless set) and how often the member samples itself. Every bad value fails the deployment with the key, the value and
 * the allowed range.
 */
final class ScalingSettings {

    static final String PREFIX = QuotaConfiguration.PREFIX;
    static final String ENABLED = PREFIX + "scaling.enabled";
    static final String INTERVAL = PREFIX + "scaling.interval";
    static final String SLOTS_PER_MEMBER = PREFIX + "scaling.slots-per-member";
    static final String COOLDOWN = PREFIX + "scaling.cooldown";
    static final String MIN_CAPACITY = PREFIX + "scaling.min-capacity";
    static final String MAX_CAPACITY = PREFIX + "scaling.max-capacity";
    static final String PROTECTION = PREFIX + "protection.enabled";
    static final String PROTECT_CPU = PREFIX + "protection.cpu";
    static final String PROTECT_MEMORY = PREFIX + "protection.memory";
    static final String RESERVED_SHARE = PREFIX + "protection.reserved-share";
    /** {@code quotaware.scaling.range.<tier>.<setting>=low-high}: adaptive rate limits. */
    static final String RANGE = PREFIX + "scaling.range.";
    static final List<String> KEYS = List.of(ENABLED, INTERVAL, SLOTS_PER_MEMBER, COOLDOWN, MIN_CAPACITY,
            MAX_CAPACITY, PROTECTION, PROTECT_CPU, PROTECT_MEMORY, RESERVED_SHARE);

    final boolean enabled;
    final boolean protection;
    final Duration interval;
    /** Slots per member, or 0 to take the system limit ({@code system.max-concurrent-tasks}), else 50. */
    final long slotsPerMember;
    final ScalingRules rules;
    final TierRanges ranges;

    /**
     * @param raw    the value of a key, or null
     * @param ranged the {@code quotaware.scaling.range.*} keys given, each with its value
     */
    ScalingSettings(Function<String, String> raw, Map<String, String> ranged, QuotaTiers tiers) {
        this.enabled = bool(raw, ENABLED);
        this.protection = bool(raw, PROTECTION);
        this.interval = duration(raw, INTERVAL, "interval", Duration.ofSeconds(5), Duration.ofHours(1));
        String slots = raw.apply(SLOTS_PER_MEMBER);
        this.slotsPerMember = slots == null ? 0
                : ConfigValues.number(SLOTS_PER_MEMBER, "slotsPerMember", slots, 1, 1_000_000);
        ScalingRules.Builder b = ScalingRules.defaults().toBuilder();
        apply(raw, COOLDOWN, v -> b.cooldown(ConfigValues.duration(COOLDOWN, "cooldown", v,
                "seconds, or a number with 'ms' or 's'")));
        apply(raw, MIN_CAPACITY, v -> b.minCapacity(ConfigValues.count(MIN_CAPACITY, "minCapacity", v, 1,
                ScalingRules.MAX_CAPACITY, false)));
        apply(raw, MAX_CAPACITY, v -> b.maxCapacity(ConfigValues.count(MAX_CAPACITY, "maxCapacity", v, 1,
                ScalingRules.MAX_CAPACITY, false)));
        apply(raw, PROTECT_CPU, v -> b.protectCpu(ConfigValues.fraction(PROTECT_CPU, "protectCpu", v)));
        apply(raw, PROTECT_MEMORY, v -> b.protectMemory(ConfigValues.fraction(PROTECT_MEMORY, "protectMemory", v)));
        apply(raw, RESERVED_SHARE, v -> b.reservedShare(ConfigValues.fraction(RESERVED_SHARE, "reservedShare", v)));
        try {
            this.rules = b.build();
        } catch (InvalidQuotaConfigException e) {
            throw e.forKey(PREFIX + "scaling");
        }
        this.ranges = TierRanges.parse(RANGE, ranged, tiers);
    }

    /** Every range key the tiers may have, to look each up by name. */
    static List<String> rangeKeys(Iterable<String> tierNames) {
        List<String> keys = new ArrayList<>();
        for (String tier : tierNames) {
            for (LimitSetting s : LimitSetting.values()) {
                if (s.limit().windowed()) {
                    keys.add(RANGE + tier + "." + s.setting());
                }
            }
        }
        return keys;
    }

    /** The range keys of {@code values}, without their prefix. */
    static Map<String, String> ranged(Map<String, String> values) {
        Map<String, String> ranged = new LinkedHashMap<>();
        values.forEach((name, value) -> {
            if (name.startsWith(RANGE)) {
                ranged.put(name.substring(RANGE.length()), value);
            }
        });
        return ranged;
    }

    private static void apply(Function<String, String> raw, String key, Consumer<String> setter) {
        String v = raw.apply(key);
        if (v != null) {
            try {
                setter.accept(v);
            } catch (InvalidQuotaConfigException e) {
                throw e.field().equals(key) ? e : e.forKey(key);
            }
        }
    }

    private static boolean bool(Function<String, String> raw, String key) {
        String v = raw.apply(key);
        return v == null || ConfigValues.bool(key, key.substring(PREFIX.length()), v);
    }

    private static Duration duration(Function<String, String> raw, String key, String field, Duration fallback,
                                     Duration max) {
        String v = raw.apply(key);
        return v == null ? fallback : ConfigValues.duration(key, field, v, Duration.ofSeconds(1), max);
    }
}
