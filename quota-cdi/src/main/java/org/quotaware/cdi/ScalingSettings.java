package org.quotaware.cdi;

import java.time.Duration;
import java.util.function.Function;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaTiers;
import org.quotaware.scaling.ScalingRules;
import org.quotaware.scaling.TierRanges;

/**
 * The {@code quotaware.scaling.*} and {@code quotaware.protection.*} keys: the scaler's rules (the seed's defaults
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
    static final java.util.List<String> KEYS = java.util.List.of(ENABLED, INTERVAL, SLOTS_PER_MEMBER, COOLDOWN,
            MIN_CAPACITY, MAX_CAPACITY, PROTECTION, PROTECT_CPU, PROTECT_MEMORY, RESERVED_SHARE);

    final boolean enabled;
    final boolean protection;
    final Duration interval;
    /** Slots per member, or 0 to take the system limit ({@code system.max-concurrent-tasks}), else 50. */
    final long slotsPerMember;
    final ScalingRules rules;
    final TierRanges ranges;

    ScalingSettings(Function<String, String> raw, Iterable<String> names, QuotaTiers tiers) {
        this.enabled = bool(raw, ENABLED);
        this.protection = bool(raw, PROTECTION);
        this.interval = Duration.ofSeconds(number(raw, INTERVAL, "interval (s)", 5, 1, 3_600));
        this.slotsPerMember = number(raw, SLOTS_PER_MEMBER, "slotsPerMember", 0, 1, 1_000_000);
        ScalingRules.Builder b = ScalingRules.defaults().toBuilder();
        apply(raw, COOLDOWN, v -> b.cooldown(Duration.ofSeconds(parseLong(COOLDOWN, "cooldown (s)", v))));
        apply(raw, MIN_CAPACITY, v -> b.minCapacity(parseLong(MIN_CAPACITY, "minCapacity", v)));
        apply(raw, MAX_CAPACITY, v -> b.maxCapacity(parseLong(MAX_CAPACITY, "maxCapacity", v)));
        apply(raw, PROTECT_CPU, v -> b.protectCpu(parseDouble(PROTECT_CPU, "protectCpu", v)));
        apply(raw, PROTECT_MEMORY, v -> b.protectMemory(parseDouble(PROTECT_MEMORY, "protectMemory", v)));
        apply(raw, RESERVED_SHARE, v -> b.reservedShare(parseDouble(RESERVED_SHARE, "reservedShare", v)));
        try {
            this.rules = b.build();
        } catch (InvalidQuotaConfigException e) {
            throw e.forKey(PREFIX + "scaling");
        }
        java.util.Map<String, String> ranged = new java.util.LinkedHashMap<>();
        for (String name : names) {
            if (name.startsWith(RANGE)) {
                ranged.put(name.substring(RANGE.length()), raw.apply(name));
            }
        }
        this.ranges = TierRanges.parse(RANGE, ranged, tiers);
    }

    private static void apply(Function<String, String> raw, String key, java.util.function.Consumer<String> setter) {
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
        if (v == null || v.equalsIgnoreCase("true")) {
            return true;
        }
        if (v.equalsIgnoreCase("false")) {
            return false;
        }
        throw InvalidQuotaConfigException.invalid(key.substring(PREFIX.length()), v, "true or false").forKey(key);
    }

    private static long number(Function<String, String> raw, String key, String field, long fallback, long min,
                               long max) {
        String v = raw.apply(key);
        if (v == null) {
            return fallback;
        }
        try {
            return InvalidQuotaConfigException.requireRange(field, parseLong(key, field, v), min, max);
        } catch (InvalidQuotaConfigException e) {
            throw e.field().equals(key) ? e : e.forKey(key);
        }
    }

    private static long parseLong(String key, String field, String v) {
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw InvalidQuotaConfigException.invalid(field, v, "a whole number").forKey(key);
        }
    }

    private static double parseDouble(String key, String field, String v) {
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw InvalidQuotaConfigException.invalid(field, v, "a fraction such as 0.9").forKey(key);
        }
    }
}
