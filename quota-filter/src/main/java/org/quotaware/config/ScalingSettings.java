package org.quotaware.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaTiers;
import org.quotaware.scaling.ScalingRules;
import org.quotaware.scaling.TierRanges;

/**
 * quota-cdi's {@code quotaware.scaling.*} and {@code quotaware.protection.*} keys: the scaler's rules (ScalingRules'
 * defaults unless set) and how often the member samples itself. Every bad value fails the deployment with the key, the
 * value and the allowed range.
 *
 * @param enabled        {@code quotaware.scaling.enabled}
 * @param protection     {@code quotaware.protection.enabled}
 * @param interval       {@code quotaware.scaling.interval}
 * @param slotsPerMember slots per member, or 0 to take the system limit ({@code system.max-concurrent-tasks}), else 50
 * @param rules          the scaler's rules
 * @param ranges         {@code quotaware.scaling.range.<tier>.<setting>}: adaptive rate limits
 */
public record ScalingSettings(boolean enabled, boolean protection, Duration interval, long slotsPerMember,
                              ScalingRules rules, TierRanges ranges) {

    static final String PREFIX = QuotaSettings.PREFIX;
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
    public static final List<String> KEYS = List.of(ENABLED, INTERVAL, SLOTS_PER_MEMBER, COOLDOWN, MIN_CAPACITY,
            MAX_CAPACITY, PROTECTION, PROTECT_CPU, PROTECT_MEMORY, RESERVED_SHARE);

    /**
     * Reads the keys.
     *
     * @param raw   the values; its listed {@code quotaware.scaling.range.*} names are the ranges given
     * @param tiers the tiers a range may name
     */
    public static ScalingSettings read(ConfigSource raw, QuotaTiers tiers) {
        boolean enabled = bool(raw, ENABLED);
        boolean protection = bool(raw, PROTECTION);
        Duration interval = duration(raw, INTERVAL, "interval", Duration.ofSeconds(5), Duration.ofHours(1));
        String slots = raw.value(SLOTS_PER_MEMBER);
        long slotsPerMember = slots == null ? 0
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
        ScalingRules rules;
        try {
            rules = b.build();
        } catch (InvalidQuotaConfigException e) {
            throw e.forKey(PREFIX + "scaling");
        }
        return new ScalingSettings(enabled, protection, interval, slotsPerMember, rules,
                TierRanges.parse(RANGE, ranged(raw), tiers));
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

    /** The range keys listed, without their prefix. */
    private static Map<String, String> ranged(ConfigSource raw) {
        Map<String, String> ranged = new LinkedHashMap<>();
        ConfigSource.listed(raw).forEach((name, value) -> {
            if (name.startsWith(RANGE)) {
                ranged.put(name.substring(RANGE.length()), value);
            }
        });
        return ranged;
    }

    private static void apply(ConfigSource raw, String key, Consumer<String> setter) {
        String v = raw.value(key);
        if (v != null) {
            try {
                setter.accept(v);
            } catch (InvalidQuotaConfigException e) {
                throw e.field().equals(key) ? e : e.forKey(key);
            }
        }
    }

    private static boolean bool(ConfigSource raw, String key) {
        String v = raw.value(key);
        return v == null || ConfigValues.bool(key, key.substring(PREFIX.length()), v);
    }

    private static Duration duration(ConfigSource raw, String key, String field, Duration fallback,
                                     Duration max) {
        String v = raw.value(key);
        return v == null ? fallback : ConfigValues.duration(key, field, v, Duration.ofSeconds(1), max);
    }
}
