package org.quotaware.cdi;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Set;

import org.eclipse.microprofile.config.Config;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaLimits;
import org.quotaware.WindowedLimit;
import org.quotaware.config.AdminSettings;
import org.quotaware.config.ApplicationSettings;
import org.quotaware.config.ClusterSettings;
import org.quotaware.config.ConfigSource;
import org.quotaware.config.ConfigValues;
import org.quotaware.config.LimitSyntax;
import org.quotaware.config.RequestSettings;
import org.quotaware.config.RuleSettings;
import org.quotaware.config.ScalingSettings;

/**
 * The application's {@code quotaware.*} MicroProfile Config keys, read and validated together at deployment by
 * {@link ApplicationSettings} (the same reader and messages as the filter's init-params, prefixed with the key), and
 * the per-method {@code @Quota} overrides.
 */
final class QuotaConfiguration {

    final RequestSettings settings;
    final ClusterSettings cluster;
    final ScalingSettings scaling;
    final AdminSettings admin;
    private final Config config;

    private QuotaConfiguration(Config config) {
        this.config = config;
        ApplicationSettings read = ApplicationSettings.read(source(config));
        this.settings = read.request();
        this.cluster = read.cluster();
        this.scaling = read.scaling();
        this.admin = read.admin();
    }

    /**
     * Reads and validates every key (quota, cluster, scaling and admin ones together); throws
     * {@link InvalidQuotaConfigException} naming the first bad one.
     */
    static QuotaConfiguration load(Config config) {
        return new QuotaConfiguration(config);
    }

    /** MicroProfile Config as a source: every key looked up by name, its property names listed. */
    static ConfigSource source(Config config) {
        return new ConfigSource() {
            @Override
            public String value(String key) {
                return config.getOptionalValue(key, String.class).orElse(null);
            }

            @Override
            public Iterable<String> names() {
                return config.getPropertyNames();
            }

            @Override
            public String name() {
                return ApplicationSettings.MICROPROFILE_CONFIG;
            }
        };
    }

    /** Every {@code quotaware.*} key, as a store's provider reads its own ({@code quotaware.store.*}). */
    ConfigSource source() {
        return source(config);
    }

    /** {@code quotaware.async-lease}, the filter's async-lease too, which {@code @Quota} uses as well. */
    java.time.Duration asyncLease() {
        return settings.quota().asyncLease();
    }

    private String raw(String name) {
        return config.getOptionalValue(name, String.class).map(String::trim).orElse(null);
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
        if (!tier.isEmpty() && !settings.quota().tiers().exists(tier)) {
            throw InvalidQuotaConfigException.invalid("tier", tier, "empty (the caller's own quota) or one of the tiers "
                    + settings.quota().tiers().all().keySet());
        }
        // a cost above a tier's file limit can never pass: refuse it now rather than answer 429 forever
        settings.quota().tiers().all().forEach((name, limits) -> {
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
        String rule = member(method, "rule", annotation.rule());
        String limits = member(method, "limits", annotation.limits());
        List<RuleSettings> configured = settings.quota().rules();
        RuleSettings named = configured.stream().filter(r -> r.name().equals(rule)).findFirst().orElse(null);
        Set<String> rules = Set.of();
        int ruleCost = 1;
        List<WindowedLimit> own = List.of();
        if (!limits.isBlank() && !ConfigValues.isOff(limits)) {
            if (named != null) {
                throw InvalidQuotaConfigException.invalid("rule", rule, "a name no quotaware.rule.* key configures "
                        + "when the method has limits of its own (its own rule), or no limits with the rule "
                        + configured.stream().map(RuleSettings::name).toList());
            }
            String ownRule = rule.isEmpty() ? QuotaMethod.ownRule(method) : rule;
            own = LimitSyntax.parse("limits", limits, ownRule); // a bad rule name is refused by the rows
            rules = Set.of(ownRule);
        } else if (!rule.isEmpty()) {
            if (named == null) {
                throw InvalidQuotaConfigException.invalid("rule", rule, "one of the rules of quotaware.rules "
                        + configured.stream().map(RuleSettings::name).toList());
            }
            rules = Set.of(rule);
            ruleCost = named.cost();
        }
        return new QuotaMethod(tier, cost, Boolean.parseBoolean(concurrentRaw), QuotaMethod.name(method), rules,
                ruleCost, own);
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
