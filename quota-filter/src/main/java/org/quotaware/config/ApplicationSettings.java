package org.quotaware.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.quotaware.InvalidQuotaConfigException;

/**
 * Every {@code quotaware.*} key of an application with quota-cdi, read from MicroProfile Config and validated
 * together: the filter's keys ({@link RequestSettings}, with the same messages, prefixed {@code quotaware.}), and
 * quota-cdi's own cluster, scaling and admin keys.
 *
 * @param request the limit, tier, identity and path keys, shared with the filter
 * @param cluster {@code quotaware.cluster.*}
 * @param scaling {@code quotaware.scaling.*} and {@code quotaware.protection.*}
 * @param admin   {@code quotaware.admin.*}
 */
public record ApplicationSettings(RequestSettings request, ClusterSettings cluster, ScalingSettings scaling,
                                  AdminSettings admin) {

    /** What MicroProfile Config is called in messages and logs. */
    public static final String MICROPROFILE_CONFIG = "MicroProfile Config";
    /** The drop-in filter's switch, read by the filter alone. */
    public static final String FILTER_ENABLED = QuotaSettings.PREFIX + "enabled";

    /**
     * Reads and validates every key (quota, cluster, scaling and admin ones together).
     *
     * @param source MicroProfile Config, or any source answering {@code quotaware.*} keys
     * @throws InvalidQuotaConfigException naming the first bad key
     */
    public static ApplicationSettings read(ConfigSource source) {
        ConfigSource given = ConfigSource.of(source.name(), given(source));
        Map<String, String> quota = new LinkedHashMap<>();
        ConfigSource.listed(given).forEach((name, value) -> {
            if (quotaKey(name)) {
                quota.put(name, value);
            }
        });
        RequestSettings request = RequestSettings.read(QuotaSettings.PREFIX, ConfigSource.of(source.name(), quota))
                .checkOwnTiers();
        ClusterSettings cluster = ClusterSettings.read(given);
        ScalingSettings scaling = ScalingSettings.read(given, request.quota().tiers());
        return new ApplicationSettings(request, cluster, scaling, AdminSettings.read(given));
    }

    /** Every key of quota-cdi's own (not the filter's) that the tiers {@code tierNames} may be configured with. */
    public static List<String> ownKeys(List<String> tierNames) {
        List<String> keys = new ArrayList<>(ClusterSettings.KEYS);
        keys.addAll(ScalingSettings.KEYS);
        keys.addAll(ScalingSettings.rangeKeys(tierNames));
        keys.addAll(AdminSettings.KEYS);
        return keys;
    }

    /**
     * Every {@code quotaware.*} key given, trimmed. Each documented key is looked up by its name, which MicroProfile
     * Config also finds as an environment variable ({@code QUOTAWARE_PREMIUM_REQUESTS_PER_MINUTE}) that no list of
     * names shows; the tiers come first, as they make the names of the per-tier keys. The names listed are added
     * after, so an unknown key still fails the deployment.
     */
    private static Map<String, String> given(ConfigSource source) {
        List<String> tiers = QuotaSettings.tierNames(raw(source, QuotaSettings.PREFIX + QuotaSettings.TIERS));
        // and the rules, as they make the names of their keys
        List<String> rules = ConfigValues.list(raw(source, QuotaSettings.PREFIX + RuleSettings.RULES));
        List<String> known = new ArrayList<>();
        QuotaSettings.keys(tiers, rules).forEach(name -> known.add(QuotaSettings.PREFIX + name));
        known.addAll(ownKeys(tiers));
        Map<String, String> given = new LinkedHashMap<>();
        for (String name : known) {
            String v = raw(source, name);
            if (v != null) {
                given.put(name, v);
            }
        }
        for (String name : source.names()) {
            if (name.startsWith(QuotaSettings.PREFIX) && !name.equals(FILTER_ENABLED) && !given.containsKey(name)) {
                String v = raw(source, name);
                if (v != null) {
                    given.put(name, v);
                }
            }
        }
        return given;
    }

    /** A key of the quota settings, shared with the filter (not one of quota-cdi's own). */
    private static boolean quotaKey(String name) {
        return !ClusterSettings.KEYS.contains(name) && !name.startsWith(QuotaSettings.PREFIX + ClusterSettings.STORE_SETTINGS)
                && !ScalingSettings.KEYS.contains(name)
                && !name.startsWith(ScalingSettings.RANGE) && !name.startsWith(AdminSettings.PREFIX);
    }

    private static String raw(ConfigSource source, String name) {
        String v = source.value(name);
        return v == null ? null : v.trim();
    }
}
