package org.quotaware.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.quotaware.InvalidQuotaConfigException;

/**
 * Every key of the servlet filter, read the same way from its init-params, from {@code quotaware.*} context-params
 * (the drop-in) and by quota-cdi from MicroProfile Config: the quotas ({@link QuotaSettings}), who a caller is
 * ({@link IdentitySettings}) and which requests count ({@link PathSettings}). Every key given is checked, so a misspelt
 * one fails the deployment instead of being ignored. The keys are listed in {@code docs/configuration.md}.
 *
 * @param quota         tiers, limits, and what the manager does with denials
 * @param identity      the {@code identity.*} keys
 * @param paths         the {@code paths.*} and {@code files.*} keys
 * @param openTelemetry {@code metrics=opentelemetry}: a filter with a manager of its own publishes its metrics
 */
public record RequestSettings(QuotaSettings quota, IdentitySettings identity, PathSettings paths,
                              boolean openTelemetry) {

    /** What the filter's init-params are called in messages and logs. */
    public static final String INIT_PARAMS = "web.xml init-param";

    /** The settings of a filter declared without any init-param: the seed's default tier, every path counted. */
    public static RequestSettings defaults() {
        return read("", ConfigSource.of(INIT_PARAMS, Map.of()));
    }

    /**
     * Reads and checks the keys {@code source} lists that start with {@code prefix}.
     *
     * @param prefix what every key carries ("" for init-params, {@link QuotaSettings#PREFIX} for context-params and
     *               MicroProfile Config); the messages name the keys with it, as the user wrote them
     * @throws InvalidQuotaConfigException for an unknown key or a bad value, naming the key, the value and what is
     *                                     allowed
     */
    public static RequestSettings read(String prefix, ConfigSource source) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : source.names()) {
            String value = source.value(name);
            if (name.startsWith(prefix) && value != null) {
                values.put(name.substring(prefix.length()), value);
            }
        }
        QuotaSettings q = QuotaSettings.parse(prefix, values);
        IdentitySettings identity = IdentityReader.read(q);
        PathSettings paths = PathSettings.read(q);
        return new RequestSettings(q, identity, paths, openTelemetry(q));
    }

    /** What the user wrote before each key: "" for init-params, {@code quotaware.} otherwise. */
    public String prefix() {
        return quota.prefix();
    }

    /** Checks the tiers the identity keys name against the tiers these settings define. */
    public RequestSettings checkOwnTiers() {
        identity.checkTiers(quota.tiers());
        return this;
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
}
