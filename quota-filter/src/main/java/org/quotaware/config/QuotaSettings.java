package org.quotaware.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.http.HeaderSwitch;

/**
 * The quota keys, read the same way from web.xml (init-params, or context-params with a {@code quotaware.} prefix),
 * MicroProfile Config and the admin API: the tiers and their {@link LimitSetting limits}, the instance's own limits,
 * and what the manager does with denials. Every key given is checked, so a misspelt one fails the deployment instead
 * of being ignored; every message starts with the key as the user wrote it. The keys are listed in
 * {@code docs/configuration.md}.
 *
 * @param prefix           what the user wrote before each name ("" for init-params, {@link #PREFIX}), for messages
 * @param values           every name given (without the prefix) and its value, in the order written
 * @param tiers            {@code default} and the tiers of {@code tiers}, with their limits
 * @param systemLimits     the instance's own limits ({@code system.*})
 * @param maxTrackedUsers  {@code max-tracked-users}
 * @param asyncLease       {@code async-lease}, 300 s by default
 * @param denialLogSize    {@code denials.log-size}
 * @param denialLogWindow  {@code denials.log-window}
 * @param rateLimitHeaders {@code rate-limit-headers} and {@code <tier>.rate-limit-headers}
 * @param rules            {@code rules} and {@code rule.<name>.*}: the rules per endpoint (their limits are in
 *                         the tiers)
 */
public record QuotaSettings(String prefix, Map<String, String> values, QuotaTiers tiers, SystemLimits systemLimits,
                            int maxTrackedUsers, Duration asyncLease, int denialLogSize, Duration denialLogWindow,
                            HeaderSwitch rateLimitHeaders, List<RuleSettings> rules) {

    /** The prefix of context-params and MicroProfile Config keys. */
    public static final String PREFIX = "quotaware.";

    public static final String TIERS = "tiers";
    public static final String SYSTEM_TASKS = "system.max-concurrent-tasks";
    public static final String SYSTEM_QUEUE = "system.max-queued-requests";
    public static final String SYSTEM_BLOCKED = "system.max-blocked-waits";
    public static final String MAX_TRACKED_USERS = "max-tracked-users";
    public static final String API_KEY_HEADER = "identity.api-key-header";
    public static final String API_KEYS = "identity.api-keys";
    public static final String USER_HEADER = "identity.user-header";
    public static final String TRUSTED_PROXIES = "identity.trusted-proxies";
    public static final String ANONYMOUS_TIER = "identity.anonymous-tier";
    /** Who the caller is: the sources asked in order, see {@code docs/identity-and-security.md}. */
    public static final String IDENTITY_CHAIN = "identity.chain";
    public static final String PATHS_INCLUDE = "paths.include";
    public static final String PATHS_EXCLUDE = "paths.exclude";
    public static final String PATHS_FILES = "paths.files";
    public static final String FILES_METHODS = "files.methods";
    public static final String FILES_COUNT = "files.count";
    public static final String ASYNC_LEASE = "async-lease";
    /** Whether answers carry the RateLimit fields: alone the default, {@code <tier>.rate-limit-headers} per tier. */
    public static final String RATE_LIMIT_HEADERS = "rate-limit-headers";
    /** Multiplies the inherited default tier; only for tiers other than {@code default}. */
    public static final String SCALE = "scale";
    /** The limits in shadow mode: alone in every tier without a {@code <tier>.shadow} of its own. */
    public static final String SHADOW = "shadow";
    /** A tier's declared windowed limits in {@link LimitSyntax}: {@code uploads=30/1m burst 5, bytes=500MB/1d}. */
    public static final String LIMITS = "limits";
    public static final String DENIAL_LOG_SIZE = "denials.log-size";
    public static final String DENIAL_LOG_WINDOW = "denials.log-window";
    /** Where a filter with a manager of its own publishes its metrics: {@code off} or {@code opentelemetry}. */
    public static final String METRICS = "metrics";
    /** The default of {@link #ASYNC_LEASE}. */
    public static final Duration DEFAULT_ASYNC_LEASE = Duration.ofSeconds(300);

    /** Every key that is not per tier. */
    public static final List<String> FIXED = List.of(TIERS, SYSTEM_TASKS, SYSTEM_QUEUE, SYSTEM_BLOCKED,
            MAX_TRACKED_USERS, API_KEY_HEADER, API_KEYS, USER_HEADER, TRUSTED_PROXIES, ANONYMOUS_TIER, IDENTITY_CHAIN,
            PATHS_INCLUDE, PATHS_EXCLUDE, PATHS_FILES, FILES_METHODS, FILES_COUNT, ASYNC_LEASE, SHADOW, DENIAL_LOG_SIZE,
            DENIAL_LOG_WINDOW, RATE_LIMIT_HEADERS, METRICS, RuleSettings.RULES);
    /**
     * Names no tier may have: the first part of other keys ({@code system.max-concurrent-tasks} would be both the
     * instance's limit and a tier's) and of quota-cdi's {@code scaling.}, {@code protection.}, {@code admin.},
     * {@code cluster.} keys, and of a store's own {@code store.} keys.
     */
    public static final Set<String> RESERVED_TIERS = Set.of("system", "identity", "paths", "files", "denials",
            "scaling", "protection", "admin", "cluster", "rule", "store");
    /** The keys that define limits (or what the manager does with denials) rather than identity or paths. */
    static final List<String> LIMIT_KEYS = List.of(TIERS, SYSTEM_TASKS, SYSTEM_QUEUE, SYSTEM_BLOCKED,
            MAX_TRACKED_USERS, SHADOW, DENIAL_LOG_SIZE, DENIAL_LOG_WINDOW, METRICS, RuleSettings.RULES);

    public QuotaSettings {
        values = Collections.unmodifiableMap(new LinkedHashMap<>(values)); // in the order written, for messages
        rules = List.copyOf(rules);
    }

    /**
     * Reads and checks every key.
     *
     * @param prefix what the user wrote before each name, for messages ("" for init-params, {@link #PREFIX})
     * @param values the names without the prefix, to their values
     * @throws InvalidQuotaConfigException for an unknown key or a bad value
     */
    public static QuotaSettings parse(String prefix, Map<String, String> values) {
        return new QuotaReader(prefix, values).read();
    }

    /** {@code default} and the tiers listed in the {@code tiers} value, in order, each once. */
    public static List<String> tierNames(String tiersValue) {
        List<String> names = new ArrayList<>(List.of(QuotaTiers.DEFAULT));
        for (String tier : ConfigValues.list(tiersValue)) {
            if (!names.contains(tier)) {
                names.add(tier);
            }
        }
        return names;
    }

    /** Every key the tiers {@code tierNames} may be configured with, without the prefix: to look each up by name. */
    public static List<String> keys(List<String> tierNames) {
        List<String> keys = new ArrayList<>(FIXED);
        for (String tier : tierNames) {
            for (String setting : tierSettingNames()) {
                keys.add(tier + "." + setting);
            }
        }
        return keys;
    }

    /** As {@link #keys(List)}, and every key of the rules {@code ruleNames} in those tiers. */
    public static List<String> keys(List<String> tierNames, List<String> ruleNames) {
        List<String> keys = keys(tierNames);
        keys.addAll(RuleSettings.keys(ruleNames, tierNames));
        return keys;
    }

    /** The value of a name (without the prefix), or null. */
    public String value(String name) {
        return values.get(name);
    }

    /** The key as the user wrote it, with the prefix, for messages. */
    public String key(String name) {
        return prefix + name;
    }

    /** The keys given that define limits (tiers, per-tier settings, system limits), as the user wrote them. */
    public List<String> limitKeys() {
        List<String> keys = new ArrayList<>();
        for (String name : values.keySet()) {
            if (LIMIT_KEYS.contains(name) || !FIXED.contains(name)) {
                keys.add(key(name));
            }
        }
        return keys;
    }

    /**
     * The limits a {@code shadow} value puts in shadow mode: {@code true} (all of them), {@code false}, or their
     * policy names, comma-separated ({@code rpm,files-hour}); absent is {@code false}.
     */
    public static List<Limit> shadow(String key, String raw) {
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

    /** The {@code shadow} value of {@code limits}: {@code false}, or the policy names of the limits in shadow mode. */
    public static String shadowText(QuotaLimits limits) {
        StringBuilder names = new StringBuilder();
        for (Limit l : limits.shadow()) {
            names.append(names.length() == 0 ? "" : ",").append(l.policyName());
        }
        return names.length() == 0 ? "false" : names.toString();
    }

    /** The policy names a {@code shadow} list may hold. */
    public static List<String> shadowNames() {
        List<String> names = new ArrayList<>();
        QuotaLimits.SHADOWABLE.forEach(l -> names.add(l.policyName()));
        return names;
    }

    /**
     * The per-tier settings: every limit, then {@code limits}, {@code scale}, {@code shadow},
     * {@code rate-limit-headers}.
     */
    public static List<String> tierSettingNames() {
        List<String> names = LimitSetting.names();
        names.add(LIMITS);
        names.add(SCALE);
        names.add(SHADOW);
        names.add(RATE_LIMIT_HEADERS);
        return names;
    }
}
