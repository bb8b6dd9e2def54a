package org.quotaware.cdi;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaLimits;
import org.quotaware.cdi.admin.AdminSettings;
import org.quotaware.config.ConfigValues;
import org.quotaware.config.QuotaSettings;
import org.quotaware.servlet.FilterSettings;
import org.quotaware.servlet.SettingsParser;

/**
 * The {@code quotaware.*} MicroProfile Config keys: the same limit, tier and identity keys as the filter's
 * init-params (validated by the same parser, so the messages are the same, prefixed with the key), plus the keys of
 * the cluster store, the scaler and the admin API, all validated together at deployment, and the per-method
 * {@code @Quota} overrides.
 */
final class QuotaConfiguration {

    static final String PREFIX = QuotaSettings.PREFIX;
    static final String STORE = PREFIX + "cluster.store";
    static final String MAP_NAME = PREFIX + "cluster.map";
    static final String SLOT_LEASE = PREFIX + "cluster.slot-lease";
    static final String FALLBACK_MEMBERS = PREFIX + "cluster.fallback-members";
    static final String ALLOWANCES = PREFIX + "cluster.allowances";
    static final String ALLOWANCE_LINGER = PREFIX + "cluster.allowance-linger";
    /** The drop-in filter's switch, read by the filter alone. */
    static final String FILTER_ENABLED = PREFIX + "enabled";
    private static final List<String> OWN = List.of(STORE, MAP_NAME, SLOT_LEASE, FALLBACK_MEMBERS);

    /** Where quota state lives. */
    enum StoreChoice { AUTO, HAZELCAST, LOCAL }

    final FilterSettings settings;
    final StoreChoice store;
    final String mapName;
    final Duration slotLease;
    final int fallbackMembers;
    /** Whether members decide within allowances their owner grants ({@code quotaware.cluster.allowances}). */
    final boolean allowances;
    final Duration allowanceLinger;
    /** The {@code quotaware.cluster.*} keys set besides the store: a cluster is meant even when none is found. */
    final List<String> clusterKeys;
    final boolean clusterConfigured;
    final Duration asyncLease;
    final ScalingSettings scaling;
    final AdminSettings admin;
    private final Config config;

    private QuotaConfiguration(Config config) {
        this.config = config;
        Map<String, String> given = given();
        List<String> quotaKeys = given.keySet().stream().filter(QuotaConfiguration::quotaKey).toList();
        this.settings = SettingsParser.parse(PREFIX, quotaKeys, given::get);
        settings.checkTiers(settings.tiers());
        this.store = choice(given.get(STORE));
        this.mapName = Optional.ofNullable(given.get(MAP_NAME)).orElse("quotaware-users");
        String lease = given.get(SLOT_LEASE);
        this.slotLease = lease == null ? Duration.ofSeconds(30)
                : ConfigValues.duration(SLOT_LEASE, "slotLease", lease, Duration.ofSeconds(2), Duration.ofHours(1));
        String members = given.get(FALLBACK_MEMBERS);
        this.fallbackMembers = members == null ? 2
                : (int) ConfigValues.number(FALLBACK_MEMBERS, "fallbackMembers", members, 1, 10_000);
        this.allowances = ConfigValues.bool(ALLOWANCES, "allowances", given.getOrDefault(ALLOWANCES, "true"));
        String linger = given.get(ALLOWANCE_LINGER);
        this.allowanceLinger = linger == null ? Duration.ofSeconds(1)
                : ConfigValues.duration(ALLOWANCE_LINGER, "allowanceLinger", linger, Duration.ofMillis(10),
                        Duration.ofMinutes(10));
        this.clusterKeys = List.of(MAP_NAME, SLOT_LEASE, FALLBACK_MEMBERS).stream().filter(given::containsKey).toList();
        this.clusterConfigured = !clusterKeys.isEmpty();
        this.asyncLease = settings.asyncLease(); // quotaware.async-lease, the filter's async-lease too
        this.scaling = new ScalingSettings(given::get, ScalingSettings.ranged(given), settings.tiers());
        this.admin = AdminSettings.load(given.keySet(), given::get);
    }

    /**
     * Reads and validates every key (quota, cluster, scaling and admin ones together); throws
     * {@link InvalidQuotaConfigException} naming the first bad one.
     */
    static QuotaConfiguration load(Config config) {
        return new QuotaConfiguration(config);
    }

    /**
     * Every {@code quotaware.*} key given. Each documented key is looked up by its name, which MicroProfile Config
     * also finds as an environment variable ({@code QUOTAWARE_PREMIUM_REQUESTS_PER_MINUTE}) that no list of names
     * shows; the tiers come first, as they make the names of the per-tier keys. The names listed are added after, so
     * an unknown key still fails the deployment.
     */
    private Map<String, String> given() {
        List<String> tiers = QuotaSettings.tierNames(raw(PREFIX + QuotaSettings.TIERS));
        List<String> known = new ArrayList<>();
        QuotaSettings.keys(tiers).forEach(name -> known.add(PREFIX + name));
        known.addAll(OWN);
        known.addAll(ScalingSettings.KEYS);
        known.addAll(ScalingSettings.rangeKeys(tiers));
        known.addAll(AdminSettings.KEYS);
        Map<String, String> given = new LinkedHashMap<>();
        for (String name : known) {
            String v = raw(name);
            if (v != null) {
                given.put(name, v);
            }
        }
        for (String name : config.getPropertyNames()) {
            if (name.startsWith(PREFIX) && !name.equals(FILTER_ENABLED) && !given.containsKey(name)) {
                String v = raw(name);
                if (v != null) {
                    given.put(name, v);
                }
            }
        }
        return given;
    }

    /** A key of the quota settings, shared with the filter (not one of quota-cdi's own). */
    private static boolean quotaKey(String name) {
        return !OWN.contains(name) && !ScalingSettings.KEYS.contains(name) && !name.startsWith(ScalingSettings.RANGE)
                && !name.startsWith(AdminSettings.PREFIX);
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
