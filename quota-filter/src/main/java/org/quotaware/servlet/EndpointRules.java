package org.quotaware.servlet;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.quotaware.config.RuleSettings;

/**
 * The rules per endpoint ({@code rule.<name>.methods} and {@code .paths}) made ready for every request: which a
 * request matches, and what it then counts as. The answer for each set of matched rules is made once and kept, so a
 * request allocates nothing to be matched.
 */
final class EndpointRules {

    /** No rules: every request matches none. */
    static final EndpointRules NONE = new EndpointRules(List.of());

    /**
     * What a request matching a set of rules counts as.
     *
     * @param rules the names of the rules it matched
     * @param cost  the sum of their costs; 1 for a request matching none
     * @param files whether one of them makes it an upload
     */
    record Match(Set<String> rules, int cost, boolean files) {
        static final Match NONE = new Match(Set.of(), 1, false);
    }

    private final List<RuleSettings> rules;
    private final PathRules.Pattern[][] paths;
    /** The answer for each set of matched rules, one bit per rule; made on first use (a race makes equal ones). */
    private final Match[] byMatched;

    EndpointRules(List<RuleSettings> rules) {
        if (rules.size() > RuleSettings.MAX_RULES) {
            throw new IllegalArgumentException("at most " + RuleSettings.MAX_RULES + " rules, was " + rules.size());
        }
        this.rules = List.copyOf(rules);
        this.paths = new PathRules.Pattern[rules.size()][];
        for (int i = 0; i < paths.length; i++) {
            paths[i] = rules.get(i).paths().stream().map(PathRules.Pattern::of).toArray(PathRules.Pattern[]::new);
        }
        this.byMatched = new Match[1 << rules.size()];
        byMatched[0] = Match.NONE;
    }

    /** The rules that match a request of {@code method} to the normalised {@code path}. */
    Match match(String path, String method) {
        int matched = 0;
        for (int i = 0; i < paths.length; i++) {
            if (matches(paths[i], path) && method(rules.get(i), method)) {
                matched |= 1 << i;
            }
        }
        Match known = byMatched[matched];
        if (known == null) {
            known = describe(matched);
            byMatched[matched] = known;
        }
        return known;
    }

    private Match describe(int matched) {
        Set<String> names = new LinkedHashSet<>();
        int cost = 0;
        boolean files = false;
        for (int i = 0; i < rules.size(); i++) {
            if ((matched & (1 << i)) != 0) {
                RuleSettings rule = rules.get(i);
                names.add(rule.name());
                cost += rule.cost(); // at most QuotaRequest.MAX_COST: the reader checks the sum of every rule's
                files |= rule.files();
            }
        }
        return new Match(Set.copyOf(names), cost, files);
    }

    private static boolean matches(PathRules.Pattern[] patterns, String path) {
        for (PathRules.Pattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }

    private static boolean method(RuleSettings rule, String method) {
        return rule.methods().isEmpty() || method != null && rule.methods().contains(method.toUpperCase(Locale.ROOT));
    }
}
