package org.quotaware.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaRequest;
import org.quotaware.WindowedLimit;

/**
 * One rule per endpoint ({@code rules=reads,uploads} and the {@code rule.<name>.*} keys): which requests it matches
 * (a method set and path patterns), whether they are uploads, what they cost, and the rule's windowed limits in each
 * tier, whose rows carry {@code rule=<name>} and so count only the rule's requests. A request is charged to every rule
 * it matches; a violation of a rule's limit is named {@code <rule>.<limit>}. See {@code docs/limits.md}.
 *
 * @param name    the rule's name, as listed in {@code rules}
 * @param methods {@code rule.<name>.methods}, upper-cased; empty for every method
 * @param paths   {@code rule.<name>.paths}, normalised like {@code paths.include}; empty when only {@code @Quota}
 *                methods naming the rule match it
 * @param files   {@code rule.<name>.files}: whether its requests are uploads of one file
 * @param cost    {@code rule.<name>.cost}: the cost units a matching request counts, 1 by default
 */
public record RuleSettings(String name, Set<String> methods, List<String> paths, boolean files, int cost) {

    /** The key listing the rules. */
    public static final String RULES = "rules";
    /** The start of every rule's keys. */
    public static final String RULE = "rule.";
    /** The most rules: a request's matches are kept as one bit per rule. */
    public static final int MAX_RULES = 16;
    /** The settings of each rule besides its limits. */
    static final List<String> SETTINGS = List.of("methods", "paths", "files", "cost");
    /** A rule's limits in every tier without its own, and (after the tier) in one tier. */
    static final String LIMITS = "limits";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,39}");

    public RuleSettings {
        methods = Set.copyOf(methods);
        paths = List.copyOf(paths);
    }

    /** Every key of the rules {@code ruleNames} in the tiers {@code tierNames}, without the prefix. */
    public static List<String> keys(List<String> ruleNames, List<String> tierNames) {
        List<String> keys = new ArrayList<>();
        for (String rule : ruleNames) {
            for (String setting : SETTINGS) {
                keys.add(RULE + rule + "." + setting);
            }
            keys.add(RULE + rule + "." + LIMITS);
            for (String tier : tierNames) {
                keys.add(RULE + rule + "." + tier + "." + LIMITS);
            }
        }
        return keys;
    }

    /** The rule names a {@code rules} value lists, in order; refused unless each is a rule name, once. */
    static List<String> names(String key, String raw) {
        List<String> names = new ArrayList<>();
        for (String name : ConfigValues.list(raw)) {
            if (!NAME.matcher(name).matches()) {
                throw ConfigValues.fail(key, "rule", name, "a rule name of 1 to 40 of a-z, 0-9, '-' and '_', "
                        + "starting with a letter or digit");
            }
            if (names.contains(name)) {
                throw ConfigValues.fail(key, "rule", name, "each rule listed once");
            }
            names.add(name);
        }
        if (names.size() > MAX_RULES) {
            throw InvalidQuotaConfigException.outOfRange("rules", names.size(), 0, MAX_RULES).forKey(key);
        }
        return names;
    }

    /** Reads the settings of {@code rule} (not its limits) from {@code values}; {@code prefix} is for messages. */
    static RuleSettings read(String prefix, String rule, Map<String, String> values) {
        String start = RULE + rule + ".";
        String methods = values.get(start + "methods");
        String paths = values.get(start + "paths");
        String files = values.get(start + "files");
        String cost = values.get(start + "cost");
        return new RuleSettings(rule,
                methods == null ? Set.of() : PathSettings.methods(prefix + start + "methods", methods),
                paths == null ? List.of() : PathSettings.patterns(prefix + start + "paths", paths),
                files != null && ConfigValues.bool(prefix + start + "files", "files", files),
                cost == null ? 1 : (int) ConfigValues.number(prefix + start + "cost", "cost", cost, 0,
                        QuotaRequest.MAX_COST));
    }

    /**
     * The rows of every rule in {@code tier}: the tier's own {@code rule.<name>.<tier>.limits}, else
     * {@code rule.<name>.limits} with each maximum multiplied by {@code factor} (the tier's {@code scale}).
     *
     * @return the rows by the key they were read from, for messages
     */
    static Map<String, List<WindowedLimit>> rows(String prefix, List<String> rules, String tier, long factor,
                                                 Map<String, String> values) {
        Map<String, List<WindowedLimit>> rows = new LinkedHashMap<>();
        for (String rule : rules) {
            String own = RULE + rule + "." + tier + "." + LIMITS;
            String inherited = RULE + rule + "." + LIMITS;
            if (values.containsKey(own)) {
                rows.put(prefix + own, LimitSyntax.parse(prefix + own, values.get(own), rule));
            } else if (values.containsKey(inherited)) {
                List<WindowedLimit> scaled = new ArrayList<>();
                for (WindowedLimit row : LimitSyntax.parse(prefix + inherited, values.get(inherited), rule)) {
                    scaled.add(row.withMax(Math.min(row.max() * factor, WindowedLimit.MAX)));
                }
                rows.put(prefix + inherited, scaled);
            }
        }
        return rows;
    }

    /**
     * Whether {@code name} is a key of the rules {@code rules} in the tiers {@code tierNames}; throws for a
     * {@code rule.*} key that is not, naming what is allowed.
     */
    static void check(String prefix, String name, List<String> rules, List<String> tierNames) {
        String rest = name.substring(RULE.length());
        int dot = rest.indexOf('.');
        String rule = dot < 0 ? rest : rest.substring(0, dot);
        if (!rules.contains(rule)) {
            throw ConfigValues.fail(prefix + name, "rule", rule, "one of the rules listed in '" + prefix + RULES
                    + "' " + rules);
        }
        String setting = dot < 0 ? "" : rest.substring(dot + 1);
        if (SETTINGS.contains(setting) || setting.equals(LIMITS)) {
            return;
        }
        if (setting.endsWith("." + LIMITS)) {
            String tier = setting.substring(0, setting.length() - LIMITS.length() - 1);
            if (tierNames.contains(tier)) {
                return;
            }
            throw ConfigValues.fail(prefix + name, "tier", tier, "one of the tiers listed in '" + prefix
                    + QuotaSettings.TIERS + "' " + tierNames);
        }
        throw ConfigValues.fail(prefix + name, "setting", setting, "one of " + SETTINGS + ", " + LIMITS
                + " or <tier>." + LIMITS);
    }
}
