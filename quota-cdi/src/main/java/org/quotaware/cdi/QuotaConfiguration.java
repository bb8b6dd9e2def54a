package org.quotaware.cdi;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaLimits;
import org.quotaware.servlet.FilterSettings;
import org.quotaware.servlet.SettingsParser;

/**
 * The {@code quotaware.*} MicroProfile Config keys: the same limit, tier and identity keys as the filter's
 * init-params (validated by the same parser, so the messages are the same, prefixed with the key), plus the keys of
 * the CDI layer and the cluster store, and the per-method {@code @Quota} overrides.
 */
final class QuotaConfiguration {

    static final String PREFIX = SettingsParser.CONTEXT_PREFIX;
    static final String STORE = PREFIX + "cluster.store";
    static final String MAP_NAME = PREFIX + "cluster.map";
    static final String SLOT_LEASE = PREFIX + "cluster.slot-lease";
    static final String FALLBACK_MEMBERS = PREFIX + "cluster.fallback-members";
    private static final List<String> OWN = List.of(STORE, MAP_NAME, SLOT_LEASE, FALLBACK_MEMBERS);

    /** Where quota state lives. */
    enum StoreChoice { AUTO, HAZELCAST, LOCAL }

    final FilterSettings settings;
    final StoreChoice store;
    final String mapName;
    final Duration slotLease;
    final int fallbackMembers;
    /** The {@code quotaware.cluster.*} keys set besides the store: a cluster is meant even when none is found. */
    final List<String> clusterKeys;
    final boolean clusterConfigured;
    final Duration asyncLease;
    final ScalingSettings scaling;
    private final Config config;

    private QuotaConfiguration(Config config) {
        this.config = config;
        List<String> names = new ArrayList<>();
        for (String name : config.getPropertyNames()) {
            // the filter's drop-in switch is read by the filter alone; our own keys are checked below
            if (name.startsWith(PREFIX) && !OWN.contains(name) && !ScalingSettings.KEYS.contains(name)
                    && !name.startsWith(ScalingSettings.RANGE)
                    && !name.startsWith(PREFIX + "admin.") && !name.equals(PREFIX + "enabled")) {
                names.add(name);
            }
        }
        this.settings = SettingsParser.parse(PREFIX, names, this::raw);
        settings.checkTiers(settings.tiers());
        this.store = choice(raw(STORE));
        this.mapName = Optional.ofNullable(raw(MAP_NAME)).orElse("quotaware-users");
        this.slotLease = Duration.ofSeconds(number(SLOT_LEASE, "slotLease (s)", 30, 2, 3_600));
        this.fallbackMembers = (int) number(FALLBACK_MEMBERS, "fallbackMembers", 2, 1, 10_000);
        this.clusterKeys = List.of(MAP_NAME, SLOT_LEASE, FALLBACK_MEMBERS).stream().filter(k -> raw(k) != null).toList();
        this.clusterConfigured = !clusterKeys.isEmpty();
        this.asyncLease = settings.asyncLease(); // quotaware.async-lease, the filter's async-lease too
        this.scaling = new ScalingSettings(this::raw, config.getPropertyNames(), settings.tiers());
    }

    /** Reads and validates every key; throws {@link InvalidQuotaConfigException} naming the first bad one. */
    static QuotaConfiguration load(Config config) {
        return new QuotaConfiguration(config);
    }

    private String raw(String name) {
        return config.getOptionalValue(name, String.class).map(String::trim).orElse(null);
    }

    private static StoreChoice choice(String raw) {
        if (raw == null) {
            return StoreChoice.AUTO;
        }
        try {
            return StoreChoice.valueOf(raw.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw InvalidQuotaConfigException.invalid("store", raw, "one of auto, hazelcast, local").forKey(STORE);
        }
    }

    private long number(String key, String field, long fallback, long min, long max) {
        String raw = raw(key);
        if (raw == null) {
            return fallback;
        }
        try {
            return InvalidQuotaConfigException.requireRange(field, Long.parseLong(raw), min, max);
        } catch (NumberFormatException e) {
            throw InvalidQuotaConfigException.outOfRange(field, raw, min, max).forKey(key);
        } catch (InvalidQuotaConfigException e) {
            throw e.forKey(key);
        }
    }

    /**
     * The method's settings: for each member the first of {@code <class>/<method>/Quota/<member>},
     * {@code <class>/Quota/<member>}, {@code Quota/<member>} and the annotation; validated against the tiers.
     *
     * @throws IllegalArgumentException with a message naming the problem (the caller adds the method)
     */
    QuotaMethod resolve(Method method, Quota annotation) {
        String tier = member(method, "tier", annotation.tier());
        String costRaw = member(method, "cost", Integer.toString(annotation.cost()));
        String concurrentRaw = member(method, "concurrent", Boolean.toString(annotation.concurrent()));
        int cost;
        try {
            cost = Integer.parseInt(costRaw);
        } catch (NumberFormatException e) {
            throw InvalidQuotaConfigException.outOfRange("cost", costRaw, 0, QuotaLimits.MAX_RATE);
        }
        InvalidQuotaConfigException.requireRange("cost", cost, 0, QuotaLimits.MAX_RATE);
        if (!concurrentRaw.equalsIgnoreCase("true") && !concurrentRaw.equalsIgnoreCase("false")) {
            throw InvalidQuotaConfigException.invalid("concurrent", concurrentRaw, "true or false");
        }
        if (!tier.isEmpty() && !settings.tiers().exists(tier)) {
            throw InvalidQuotaConfigException.invalid("tier", tier, "empty (the caller's own quota) or one of the tiers "
                    + settings.tiers().all().keySet());
        }
        // a cost above a tier's file limit can never pass: refuse it now rather than answer 429 forever
        settings.tiers().all().forEach((name, limits) -> {
            if (tier.isEmpty() || tier.equals(name)) {
                for (long max : new long[] {limits.filesPerHour(), limits.filesPerDay()}) {
                    if (max != QuotaLimits.OFF && cost > max) {
                        throw InvalidQuotaConfigException.invalid("cost", cost, "at most the files per hour and per "
                                + "day of tier '" + name + "' (" + limits.filesPerHour() + ", " + limits.filesPerDay()
                                + "), or no call could ever pass");
                    }
                }
            }
        });
        return new QuotaMethod(tier, cost, Boolean.parseBoolean(concurrentRaw), QuotaMethod.name(method));
    }

    private String member(Method method, String member, String annotated) {
        String cls = method.getDeclaringClass().getName();
        for (String key : new String[] {cls + "/" + method.getName() + "/Quota/" + member, cls + "/Quota/" + member,
                "Quota/" + member}) {
            String v = raw(key);
            if (v != null) {
                return v;
            }
        }
        return annotated;
    }
}
