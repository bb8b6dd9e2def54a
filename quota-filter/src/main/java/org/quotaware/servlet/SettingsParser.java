package org.quotaware.servlet;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.config.ConfigValues;
import org.quotaware.config.QuotaSettings;

/**
 * Turns the filter's settings (init-params, or context-params with a {@code quotaware.} prefix) into
 * {@link FilterSettings}: the quota keys are read by {@link QuotaSettings}, the identity and path keys here. Every key
 * is checked, so a misspelt one fails the deployment instead of being ignored. The keys are listed in
 * {@code docs/configuration.md}.
 */
public final class SettingsParser {

    /** The prefix of the context-params read by the drop-in {@link QuotaInitializer}. */
    public static final String CONTEXT_PREFIX = QuotaSettings.PREFIX;

    static final String API_KEY_HEADER = QuotaSettings.API_KEY_HEADER;
    static final String API_KEYS = QuotaSettings.API_KEYS;
    static final String USER_HEADER = QuotaSettings.USER_HEADER;
    static final String TRUSTED_PROXIES = QuotaSettings.TRUSTED_PROXIES;
    static final String ANONYMOUS_TIER = QuotaSettings.ANONYMOUS_TIER;
    static final String ASYNC_LEASE = QuotaSettings.ASYNC_LEASE;
    static final String RATE_LIMIT_HEADERS = QuotaSettings.RATE_LIMIT_HEADERS;
    static final String METRICS = QuotaSettings.METRICS;
    /** The default of {@link #ASYNC_LEASE}, the same as quota-cdi's {@code quotaware.async-lease}. */
    static final Duration DEFAULT_ASYNC_LEASE = QuotaSettings.DEFAULT_ASYNC_LEASE;
    static final String ANONYMOUS = "anonymous";

    private SettingsParser() {
    }

    /**
     * @param prefix the prefix every name carries ("" for init-params, {@link #CONTEXT_PREFIX} for context-params)
     * @param names  the names of the settings present, with the prefix
     * @param lookup the value of a name
     * @throws InvalidQuotaConfigException for an unknown key or a bad value
     */
    public static FilterSettings parse(String prefix, Collection<String> names, Function<String, String> lookup) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : names) {
            String value = lookup.apply(name);
            if (name.startsWith(prefix) && value != null) {
                values.put(name.substring(prefix.length()), value);
            }
        }
        QuotaSettings q = QuotaSettings.parse(prefix, values);
        FilterSettings settings = new FilterSettings(prefix, q.tiers(), q.systemLimits(), q.maxTrackedUsers(),
                IdentityParser.identity(q), anonymousTier(q), paths(q), countFiles(q), q.limitKeys(), q.asyncLease(),
                q.denialLogSize(), q.denialLogWindow());
        settings.rateLimitHeaders = q.rateLimitHeaders();
        settings.openTelemetry = openTelemetry(q);
        return settings;
    }

    private static boolean openTelemetry(QuotaSettings q) {
        String raw = q.value(QuotaSettings.METRICS);
        if (raw == null || raw.trim().equalsIgnoreCase("off")) {
            return false;
        }
        if (raw.trim().equalsIgnoreCase("opentelemetry")) {
            return true;
        }
        throw ConfigValues.fail(q.key(QuotaSettings.METRICS), "metrics", raw.trim(), "off or opentelemetry");
    }

    private static String anonymousTier(QuotaSettings q) {
        String tier = q.value(ANONYMOUS_TIER);
        return tier == null ? null : tier.trim(); // checked against the manager's tiers by FilterSettings.checkTiers
    }

    private static PathRules paths(QuotaSettings q) {
        List<String> includes = PathRules.parsePatterns(q.key(QuotaSettings.PATHS_INCLUDE),
                valueOr(q, QuotaSettings.PATHS_INCLUDE, "/*"));
        List<String> excludes = PathRules.parsePatterns(q.key(QuotaSettings.PATHS_EXCLUDE),
                q.value(QuotaSettings.PATHS_EXCLUDE));
        List<String> files = PathRules.parsePatterns(q.key(QuotaSettings.PATHS_FILES), q.value(QuotaSettings.PATHS_FILES));
        String methods = valueOr(q, QuotaSettings.FILES_METHODS, "POST,PUT");
        return new PathRules(includes, excludes, files,
                PathRules.parseMethods(q.key(QuotaSettings.FILES_METHODS), methods));
    }

    private static boolean countFiles(QuotaSettings q) {
        String raw = q.value(QuotaSettings.FILES_COUNT);
        return raw == null || ConfigValues.bool(q.key(QuotaSettings.FILES_COUNT), "filesCount", raw);
    }

    private static String valueOr(QuotaSettings q, String name, String fallback) {
        String v = q.value(name);
        return v == null ? fallback : v;
    }
}
