package org.quotaware.servlet;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.denials.DenialLog;
import org.quotaware.denials.DenialLogger;
import org.quotaware.http.HeaderSwitch;

/**
 * Turns the filter's settings (init-params, or context-params with a {@code quotaware.} prefix) into
 * {@link FilterSettings}. Every key is checked, so a misspelt one fails the deployment instead of being ignored; every
 * message starts with the key as the user wrote it. The keys are listed in {@code docs/configuration.md}.
 */
public final class SettingsParser {

    /** The prefix of the context-params read by the drop-in {@link QuotaInitializer}. */
    public static final String CONTEXT_PREFIX = "quotaware.";

    static final String TIERS = "tiers";
    static final String SYSTEM_TASKS = "system.max-concurrent-tasks";
    static final String SYSTEM_QUEUE = "system.max-queued-requests";
    static final String SYSTEM_BLOCKED = "system.max-blocked-waits";
    static final String MAX_TRACKED_USERS = "max-tracked-users";
    static final String API_KEY_HEADER = "identity.api-key-header";
    static final String API_KEYS = "identity.api-keys";
    static final String USER_HEADER = "identity.user-header";
    static final String TRUSTED_PROXIES = "identity.trusted-proxies";
    static final String ANONYMOUS_TIER = "identity.anonymous-tier";
    static final String PATHS_INCLUDE = "paths.include";
    static final String PATHS_EXCLUDE = "paths.exclude";
    static final String PATHS_FILES = "paths.files";
    static final String FILES_METHODS = "files.methods";
    static final String FILES_COUNT = "files.count";
    static final String ASYNC_LEASE = "async-lease";
    /** Whether answers carry the RateLimit fields: alone the default, {@code <tier>.rate-limit-headers} per tier. */
    static final String RATE_LIMIT_HEADERS = "rate-limit-headers";
    /** The default of {@link #ASYNC_LEASE}, the same as quota-cdi's {@code quotaware.async-lease}. */
    static final Duration DEFAULT_ASYNC_LEASE = Duration.ofSeconds(300);
    static final String ANONYMOUS = "anonymous";
    /** The limits in shadow mode in every tier without a {@code <tier>.shadow} of its own. */
    static final String SHADOW = TierSetting.SHADOW;
    static final String DENIAL_LOG_SIZE = "denials.log-size";
    static final String DENIAL_LOG_WINDOW = "denials.log-window";

    private static final List<String> FIXED = List.of(TIERS, SYSTEM_TASKS, SYSTEM_QUEUE, SYSTEM_BLOCKED, MAX_TRACKED_USERS,
            API_KEY_HEADER, API_KEYS, USER_HEADER, TRUSTED_PROXIES, ANONYMOUS_TIER, PATHS_INCLUDE, PATHS_EXCLUDE,
            PATHS_FILES, FILES_METHODS, FILES_COUNT, ASYNC_LEASE, SHADOW, DENIAL_LOG_SIZE, DENIAL_LOG_WINDOW,
            RATE_LIMIT_HEADERS);
    /** The keys that define limits (or what the manager does with denials) rather than identity or paths. */
    private static final List<String> LIMIT_KEYS = List.of(TIERS, SYSTEM_TASKS, SYSTEM_QUEUE, SYSTEM_BLOCKED,
            MAX_TRACKED_USERS, SHADOW, DENIAL_LOG_SIZE, DENIAL_LOG_WINDOW);

    private final String prefix;
    private final Map<String, String> values = new LinkedHashMap<>();

    private SettingsParser(String prefix) {
        this.prefix = prefix;
    }

    /**
     * @param prefix the prefix every name carries ("" for init-params, {@link #CONTEXT_PREFIX} for context-params)
     * @param names  the names of the settings present, with the prefix
     * @param lookup the value of a name
     * @throws InvalidQuotaConfigException for an unknown key or a bad value
     */
    public static FilterSettings parse(String prefix, Collection<String> names, Function<String, String> lookup) {
        SettingsParser parser = new SettingsParser(prefix);
        for (String name : names) {
            String value = lookup.apply(name);
            if (name.startsWith(prefix) && value != null) {
                parser.values.put(name.substring(prefix.length()), value);
            }
        }
        return parser.parse();
    }

    private FilterSettings parse() {
        List<String> tierNames = new ArrayList<>(List.of(QuotaTiers.DEFAULT));
        for (String tier : ConfigValues.list(values.get(TIERS))) {
            if (!tierNames.contains(tier)) {
                tierNames.add(tier);
            }
        }
        checkKeys(tierNames);
        QuotaLimits defaults = tierLimits(QuotaTiers.DEFAULT, QuotaLimits.defaults());
        QuotaTiers tiers = new QuotaTiers(defaults);
        for (String tier : tierNames.subList(1, tierNames.size())) {
            try {
                tiers.define(tier, tierLimits(tier, scaled(tier, defaults)));
            } catch (InvalidQuotaConfigException e) {
                throw e.field().equals("tier") ? e.forKey(key(TIERS)) : e;
            }
        }
        FilterSettings settings = new FilterSettings(prefix, tiers, systemLimits(), maxTrackedUsers(),
                IdentityParser.identity(this, tiers), anonymousTier(tiers), paths(), countFiles(), limitKeys(),
                asyncLease(), denialLogSize(), denialLogWindow());
        settings.rateLimitHeaders = rateLimitHeaders(tierNames);
        return settings;
    }

    private HeaderSwitch rateLimitHeaders(List<String> tierNames) {
        Map<String, Boolean> perTier = new LinkedHashMap<>();
        for (String tier : tierNames) {
            String name = tier + "." + RATE_LIMIT_HEADERS;
            if (values.containsKey(name)) {
                perTier.put(tier, bool(name, "rateLimitHeaders"));
            }
        }
        boolean byDefault = !values.containsKey(RATE_LIMIT_HEADERS) || bool(RATE_LIMIT_HEADERS, "rateLimitHeaders");
        return byDefault && perTier.isEmpty() ? HeaderSwitch.ALWAYS : new HeaderSwitch(byDefault, perTier);
    }

    private boolean bool(String name, String field) {
        String raw = values.get(name).trim();
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw);
        }
        throw ConfigValues.fail(key(name), field, raw, "true or false");
    }

    private QuotaLimits scaled(String tier, QuotaLimits defaults) {
        String scale = values.get(tier + "." + TierSetting.SCALE);
        if (scale == null) {
            return defaults;
        }
        String key = key(tier + "." + TierSetting.SCALE);
        long factor = ConfigValues.count(key, "factor", scale, 1, 1_000, false);
        try {
            return defaults.scaled(factor);
        } catch (InvalidQuotaConfigException e) {
            throw e.forKey(key);
        }
    }

    private QuotaLimits tierLimits(String tier, QuotaLimits base) {
        QuotaLimits.Builder builder = base.toBuilder();
        for (TierSetting setting : TierSetting.values()) {
            String name = tier + "." + setting.suffix();
            String raw = values.get(name);
            if (raw != null) {
                setting.apply(builder, key(name), raw);
            }
        }
        // each tier's own, else the global one: never inherited from the default tier, so one key switches a tier
        String own = tier + "." + SHADOW;
        String name = values.containsKey(own) ? own : SHADOW;
        return builder.shadow(shadow(key(name), values.get(name))).build();
    }

    /**
     * The limits a {@code shadow} value puts in shadow mode: {@code true} (all of them), {@code false}, or their
     * policy names, comma-separated ({@code rpm,files-hour}); absent is {@code false}.
     */
    static List<Limit> shadow(String key, String raw) {
        if (raw == null || raw.isBlank() || raw.trim().equalsIgnoreCase("false")) {
            return List.of();
        }
        if (raw.trim().equalsIgnoreCase("true")) {
            return QuotaLimits.SHADOWABLE;
        }
        List<Limit> limits = new ArrayList<>();
        for (String name : ConfigValues.list(raw)) {
            Limit found = null;
            for (Limit l : QuotaLimits.SHADOWABLE) {
                if (l.policyName().equalsIgnoreCase(name)) {
                    found = l;
                }
            }
            if (found == null) {
                throw ConfigValues.fail(key, "shadow", name, "true, false or a comma-separated list of "
                        + shadowNames() + " (the instance's own limits are always enforced)");
            }
            limits.add(found);
        }
        return limits;
    }

    /** The policy names a {@code shadow} list may hold. */
    static List<String> shadowNames() {
        List<String> names = new ArrayList<>();
        QuotaLimits.SHADOWABLE.forEach(l -> names.add(l.policyName()));
        return names;
    }

    private SystemLimits systemLimits() {
        long tasks = optionalCount(SYSTEM_TASKS, "systemMaxConcurrentTasks", 1, QuotaLimits.OFF);
        long queued = optionalCount(SYSTEM_QUEUE, "systemMaxQueuedRequests", 0,
                SystemLimits.DEFAULT_MAX_QUEUED_REQUESTS);
        long blocked = optionalCount(SYSTEM_BLOCKED, "systemMaxBlockedWaits", 0, SystemLimits.DEFAULT_MAX_BLOCKED_WAITS);
        try {
            return new SystemLimits(tasks, queued, blocked);
        } catch (InvalidQuotaConfigException e) {
            String name = switch (e.field()) {
                case "systemMaxConcurrentTasks" -> SYSTEM_TASKS;
                case "systemMaxQueuedRequests" -> SYSTEM_QUEUE;
                default -> SYSTEM_BLOCKED;
            };
            throw e.forKey(key(name));
        }
    }

    /** A system limit: absent gives {@code absent}, {@code off} switches it off. */
    private long optionalCount(String name, String field, long min, long absent) {
        String raw = values.get(name);
        if (raw == null) {
            return absent;
        }
        if (ConfigValues.isOff(raw)) {
            return QuotaLimits.OFF;
        }
        return ConfigValues.count(key(name), field, raw, min, 1_000_000, true);
    }

    private Duration asyncLease() {
        String raw = values.get(ASYNC_LEASE);
        if (raw == null) {
            return DEFAULT_ASYNC_LEASE;
        }
        Duration lease = ConfigValues.duration(key(ASYNC_LEASE), "asyncLease", raw);
        if (lease.toMillis() < 1_000 || lease.toSeconds() > 86_400) {
            throw ConfigValues.fail(key(ASYNC_LEASE), "asyncLease", raw, "between 1s and 86400s");
        }
        return lease;
    }

    private int denialLogSize() {
        String raw = values.get(DENIAL_LOG_SIZE);
        if (raw == null) {
            return DenialLog.DEFAULT_SIZE;
        }
        long size = ConfigValues.count(key(DENIAL_LOG_SIZE), "denialLogSize", raw, 0, DenialLog.MAX_SIZE, false);
        try {
            return (int) InvalidQuotaConfigException.requireRange("denialLogSize", size, 0, DenialLog.MAX_SIZE);
        } catch (InvalidQuotaConfigException e) {
            throw e.forKey(key(DENIAL_LOG_SIZE));
        }
    }

    private Duration denialLogWindow() {
        String raw = values.get(DENIAL_LOG_WINDOW);
        if (raw == null) {
            return DenialLogger.DEFAULT_WINDOW;
        }
        Duration window = ConfigValues.duration(key(DENIAL_LOG_WINDOW), "denialLogWindow", raw);
        if (window.toMillis() < 1_000 || window.toSeconds() > 86_400) {
            throw ConfigValues.fail(key(DENIAL_LOG_WINDOW), "denialLogWindow", raw, "between 1s and 86400s");
        }
        return window;
    }

    private int maxTrackedUsers() {
        String raw = values.get(MAX_TRACKED_USERS);
        if (raw == null) {
            return 100_000;
        }
        String key = key(MAX_TRACKED_USERS);
        long n = ConfigValues.count(key, "maxTrackedUsers", raw, 1, 100_000_000, false);
        try {
            return (int) InvalidQuotaConfigException.requireRange("maxTrackedUsers", n, 1, 100_000_000);
        } catch (InvalidQuotaConfigException e) {
            throw e.forKey(key);
        }
    }

    private String anonymousTier(QuotaTiers tiers) {
        String tier = values.get(ANONYMOUS_TIER);
        if (tier == null) {
            return null;
        }
        return tier.trim(); // checked against the manager's tiers by FilterSettings.checkTiers
    }

    private PathRules paths() {
        List<String> includes = PathRules.parsePatterns(key(PATHS_INCLUDE), values.getOrDefault(PATHS_INCLUDE, "/*"));
        List<String> excludes = PathRules.parsePatterns(key(PATHS_EXCLUDE), values.get(PATHS_EXCLUDE));
        List<String> files = PathRules.parsePatterns(key(PATHS_FILES), values.get(PATHS_FILES));
        String methods = values.getOrDefault(FILES_METHODS, "POST,PUT");
        return new PathRules(includes, excludes, files, PathRules.parseMethods(key(FILES_METHODS), methods));
    }

    private boolean countFiles() {
        String raw = values.get(FILES_COUNT);
        if (raw == null || raw.trim().equalsIgnoreCase("true")) {
            return true;
        }
        if (raw.trim().equalsIgnoreCase("false")) {
            return false;
        }
        throw ConfigValues.fail(key(FILES_COUNT), "filesCount", raw, "true or false");
    }

    /** The keys given that define limits (tiers, per-tier settings, system limits), as the user wrote them. */
    private List<String> limitKeys() {
        List<String> keys = new ArrayList<>();
        for (String name : values.keySet()) {
            if (LIMIT_KEYS.contains(name) || !FIXED.contains(name)) {
                keys.add(key(name));
            }
        }
        return keys;
    }

    /** Every key must be a fixed setting or {@code <tier>.<setting>} of a listed tier. */
    private void checkKeys(List<String> tierNames) {
        for (String name : values.keySet()) {
            if (FIXED.contains(name)) {
                continue;
            }
            int dot = name.lastIndexOf('.');
            String tier = dot < 0 ? null : name.substring(0, dot);
            String setting = dot < 0 ? null : name.substring(dot + 1);
            boolean tierSetting = setting != null && (TierSetting.bySuffix(setting) != null
                    || setting.equals(TierSetting.SCALE) || setting.equals(TierSetting.SHADOW)
                    || setting.equals(RATE_LIMIT_HEADERS));
            if (tierSetting && tierNames.contains(tier)) {
                if (tier.equals(QuotaTiers.DEFAULT) && setting.equals(TierSetting.SCALE)) {
                    throw ConfigValues.fail(key(name), "setting", name, "a per-tier setting of a tier other than "
                            + "'default' (the default tier is what other tiers scale)");
                }
                continue;
            }
            if (tierSetting) {
                throw ConfigValues.fail(key(name), "tier", tier, "one of the tiers listed in '" + key(TIERS)
                        + "' " + tierNames);
            }
            if (tier != null && tierNames.contains(tier)) {
                throw ConfigValues.fail(key(name), "setting", setting, "one of " + tierSettingNames());
            }
            throw ConfigValues.fail(key(name), "setting", name, "one of " + FIXED
                    + " or <tier>.<setting> for a tier in " + tierNames);
        }
    }

    private static List<String> tierSettingNames() {
        List<String> names = new ArrayList<>();
        for (TierSetting s : TierSetting.values()) {
            names.add(s.suffix());
        }
        names.add(TierSetting.SCALE);
        names.add(TierSetting.SHADOW);
        names.add(RATE_LIMIT_HEADERS);
        return names;
    }

    String value(String name) {
        return values.get(name);
    }

    /** The key as the user wrote it, with the prefix, for messages. */
    String key(String name) {
        return prefix + name;
    }
}
