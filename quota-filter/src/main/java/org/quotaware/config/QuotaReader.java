package org.quotaware.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.WindowedLimit;
import org.quotaware.denials.DenialLog;
import org.quotaware.denials.DenialLogger;
import org.quotaware.http.HeaderSwitch;

import static org.quotaware.config.QuotaSettings.ASYNC_LEASE;
import static org.quotaware.config.QuotaSettings.DEFAULT_ASYNC_LEASE;
import static org.quotaware.config.QuotaSettings.DENIAL_LOG_SIZE;
import static org.quotaware.config.QuotaSettings.DENIAL_LOG_WINDOW;
import static org.quotaware.config.QuotaSettings.FIXED;
import static org.quotaware.config.QuotaSettings.LIMITS;
import static org.quotaware.config.QuotaSettings.MAX_TRACKED_USERS;
import static org.quotaware.config.QuotaSettings.RATE_LIMIT_HEADERS;
import static org.quotaware.config.QuotaSettings.RESERVED_TIERS;
import static org.quotaware.config.QuotaSettings.SCALE;
import static org.quotaware.config.QuotaSettings.SHADOW;
import static org.quotaware.config.QuotaSettings.SYSTEM_BLOCKED;
import static org.quotaware.config.QuotaSettings.SYSTEM_QUEUE;
import static org.quotaware.config.QuotaSettings.SYSTEM_TASKS;
import static org.quotaware.config.QuotaSettings.TIERS;
import static org.quotaware.config.QuotaSettings.shadow;
import static org.quotaware.config.QuotaSettings.tierNames;
import static org.quotaware.config.QuotaSettings.tierSettingNames;

/** Reads {@link QuotaSettings} from the names and values given; every message starts with the key as written. */
final class QuotaReader {

    private final String prefix;
    private final Map<String, String> values;
    private final List<String> tierNames;
    private final List<String> ruleNames;

    QuotaReader(String prefix, Map<String, String> values) {
        this.prefix = prefix;
        this.values = new LinkedHashMap<>(values);
        this.tierNames = tierNames(values.get(TIERS));
        this.ruleNames = RuleSettings.names(prefix + RuleSettings.RULES, values.get(RuleSettings.RULES));
    }

    QuotaSettings read() {
        for (String tier : tierNames) {
            if (RESERVED_TIERS.contains(tier)) {
                throw ConfigValues.fail(key(TIERS), "tier", tier, "a name other than the reserved "
                        + RESERVED_TIERS.stream().sorted().toList() + " (they begin other keys)");
            }
        }
        checkKeys();
        QuotaLimits defaults = tierLimits(QuotaTiers.DEFAULT, QuotaLimits.defaults());
        QuotaTiers tiers = new QuotaTiers(withRules(QuotaTiers.DEFAULT, defaults, 1));
        for (String tier : tierNames.subList(1, tierNames.size())) {
            try {
                long factor = factor(tier);
                QuotaLimits own = tierLimits(tier, factor == 1 ? defaults : scaled(tier, defaults, factor));
                tiers.define(tier, withRules(tier, own, factor));
            } catch (InvalidQuotaConfigException e) {
                throw e.field().equals("tier") ? e.forKey(key(TIERS)) : e;
            }
        }
        return new QuotaSettings(prefix, values, tiers, readSystemLimits(),
                (int) number(MAX_TRACKED_USERS, "maxTrackedUsers", 100_000, 1, 100_000_000),
                seconds(ASYNC_LEASE, "asyncLease", DEFAULT_ASYNC_LEASE),
                (int) number(DENIAL_LOG_SIZE, "denialLogSize", DenialLog.DEFAULT_SIZE, 0, DenialLog.MAX_SIZE),
                seconds(DENIAL_LOG_WINDOW, "denialLogWindow", DenialLogger.DEFAULT_WINDOW), readRateLimitHeaders(),
                readRules());
    }

    private List<RuleSettings> readRules() {
        List<RuleSettings> rules = new java.util.ArrayList<>();
        long total = 0;
        for (String rule : ruleNames) {
            RuleSettings read = RuleSettings.read(prefix, rule, values);
            rules.add(read);
            total += read.cost();
        }
        if (total > org.quotaware.QuotaRequest.MAX_COST) {
            // a request may match every rule: the sum of their costs must still be a request's cost
            throw ConfigValues.fail(key(RuleSettings.RULES), "the rules' total cost", total, "at most "
                    + org.quotaware.QuotaRequest.MAX_COST + " (a request matching every rule costs their sum)");
        }
        return List.copyOf(rules);
    }

    /**
     * {@code limits} with every rule's rows in {@code tier} added after the tier's own: one state per user and one
     * atomic step for the tier's limits and its rules' together.
     */
    private QuotaLimits withRules(String tier, QuotaLimits limits, long factor) {
        if (ruleNames.isEmpty()) {
            return limits;
        }
        QuotaLimits.Builder builder = limits.toBuilder();
        int count = limits.windows().size();
        for (Map.Entry<String, List<WindowedLimit>> rule : RuleSettings.rows(prefix, ruleNames, tier, factor, values)
                .entrySet()) {
            count += rule.getValue().size();
            if (count > QuotaLimits.MAX_WINDOWS) {
                throw ConfigValues.fail(rule.getKey(), "windowed limits of tier '" + tier + "'", count, "at most "
                        + QuotaLimits.MAX_WINDOWS + ", the tier's own and its rules' together");
            }
            builder.limits(rule.getValue());
        }
        return builder.build();
    }

    private HeaderSwitch readRateLimitHeaders() {
        Map<String, Boolean> perTier = new LinkedHashMap<>();
        for (String tier : tierNames) {
            String name = tier + "." + RATE_LIMIT_HEADERS;
            if (values.containsKey(name)) {
                perTier.put(tier, ConfigValues.bool(key(name), "rateLimitHeaders", values.get(name)));
            }
        }
        boolean byDefault = !values.containsKey(RATE_LIMIT_HEADERS)
                || ConfigValues.bool(key(RATE_LIMIT_HEADERS), "rateLimitHeaders", values.get(RATE_LIMIT_HEADERS));
        return byDefault && perTier.isEmpty() ? HeaderSwitch.ALWAYS : new HeaderSwitch(byDefault, perTier);
    }

    /** The tier's {@code scale}, 1 when it has none. */
    private long factor(String tier) {
        String scale = values.get(tier + "." + SCALE);
        return scale == null ? 1 : ConfigValues.count(key(tier + "." + SCALE), "factor", scale, 1, 1_000, false);
    }

    private QuotaLimits scaled(String tier, QuotaLimits defaults, long factor) {
        String key = key(tier + "." + SCALE);
        try {
            return defaults.scaled(factor);
        } catch (InvalidQuotaConfigException e) {
            throw e.forKey(key);
        }
    }

    private QuotaLimits tierLimits(String tier, QuotaLimits base) {
        QuotaLimits.Builder builder = base.toBuilder();
        for (LimitSetting setting : LimitSetting.values()) {
            String name = tier + "." + setting.setting();
            String raw = values.get(name);
            if (raw != null) {
                setting.apply(builder, key(name), raw);
            }
        }
        String declared = values.get(tier + "." + LIMITS);
        if (declared != null) {
            // the tier's own declared limits replace those it took from the default tier; the presets stay
            for (WindowedLimit row : base.windows()) {
                if (Limit.of(row) == Limit.WINDOW) {
                    builder.remove(row.qualifiedName());
                }
            }
            String key = key(tier + "." + LIMITS);
            try {
                builder.limits(LimitSyntax.parse(key, declared, null));
            } catch (InvalidQuotaConfigException e) {
                throw e.field().equals(key) ? e : e.forKey(key);
            }
        }
        // each tier's own, else the global one: never inherited from the default tier, so one key switches a tier
        String own = tier + "." + SHADOW;
        String name = values.containsKey(own) ? own : SHADOW;
        return builder.shadow(shadow(key(name), values.get(name))).build();
    }

    private SystemLimits readSystemLimits() {
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

    private long number(String name, String field, long absent, long min, long max) {
        String raw = values.get(name);
        if (raw == null) {
            return absent;
        }
        long n = ConfigValues.count(key(name), field, raw, min, max, false);
        try {
            return InvalidQuotaConfigException.requireRange(field, n, min, max);
        } catch (InvalidQuotaConfigException e) {
            throw e.forKey(key(name));
        }
    }

    /** A duration between 1 s and a day. */
    private Duration seconds(String name, String field, Duration absent) {
        String raw = values.get(name);
        if (raw == null) {
            return absent;
        }
        Duration d = ConfigValues.duration(key(name), field, raw, "seconds, or a number with 'ms' or 's', between "
                + "1s and 86400s");
        if (d.toMillis() < 1_000 || d.toSeconds() > 86_400) {
            throw ConfigValues.fail(key(name), field, raw, "between 1s and 86400s");
        }
        return d;
    }

    /** Every key must be a fixed setting or {@code <tier>.<setting>} of a listed tier. */
    private void checkKeys() {
        for (String name : values.keySet()) {
            if (FIXED.contains(name) || ClusterSettings.NAMES.contains(name)
                    || name.startsWith(ClusterSettings.STORE_SETTINGS)) {
                continue; // the store's: read by ClusterSettings and the store's provider
            }
            if (name.startsWith(RuleSettings.RULE)) {
                RuleSettings.check(prefix, name, ruleNames, tierNames);
                continue;
            }
            int dot = name.lastIndexOf('.');
            String tier = dot < 0 ? null : name.substring(0, dot);
            String setting = dot < 0 ? null : name.substring(dot + 1);
            boolean tierSetting = setting != null && tierSettingNames().contains(setting);
            if (tierSetting && tierNames.contains(tier)) {
                if (tier.equals(QuotaTiers.DEFAULT) && setting.equals(SCALE)) {
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

    private String key(String name) {
        return prefix + name;
    }
}
