package org.quotaware.config;

import java.util.List;
import java.util.Set;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaLimits;
import org.quotaware.WindowedLimit;

/**
 * The settings of one method quota-cdi's {@code @Quota} annotates: each member from the first of the keys
 * {@code <class>/<method>/Quota/<member>}, {@code <class>/Quota/<member>} and {@code Quota/<member>} that is set
 * (MicroProfile Config's names for annotation overrides, as SmallRye's annotations have them), else the annotation's
 * value; validated against the tiers and rules of the {@link QuotaSettings}. A bad value fails the deployment with the
 * usual message, prefixed by the key when a key gave it.
 *
 * @param tier       empty for the caller's own quota, else the tier of a separate per-method quota
 * @param cost       files one call counts as
 * @param concurrent whether a call holds a slot
 * @param rules      the rules its calls are charged to (a configured one, or its own), empty for none
 * @param ruleCost   the cost units a call counts: its configured rule's cost, else 1
 * @param limits     the rows of its own rule, empty for none
 */
public record MethodSettings(String tier, int cost, boolean concurrent, Set<String> rules, int ruleCost,
                             List<WindowedLimit> limits) {

    /** The members a key can override, in the order they are read. */
    public static final List<String> MEMBERS = List.of("tier", "cost", "concurrent", "rule", "limits");

    public MethodSettings {
        rules = Set.copyOf(rules);
        limits = List.copyOf(limits);
    }

    /**
     * The members as the annotation writes them.
     *
     * @param ownRule the name of the method's own rule when {@code rule} names none ({@code <class>.<method>})
     */
    public record Annotated(String tier, int cost, boolean concurrent, String rule, String limits, String ownRule) {
    }

    /** The keys that override {@code member} of {@code className#methodName}, the first set one winning. */
    public static List<String> keys(String className, String methodName, String member) {
        return List.of(className + "/" + methodName + "/Quota/" + member, className + "/Quota/" + member,
                "Quota/" + member);
    }

    /**
     * Reads the method's members and validates them.
     *
     * @param quota the tiers and rules they must name
     * @throws InvalidQuotaConfigException naming the key (or the member, for the annotation's value), the value and
     *                                     what is allowed
     */
    public static MethodSettings read(ConfigSource source, String className, String methodName, Annotated annotated,
                                      QuotaSettings quota) {
        Member tier = member(source, className, methodName, "tier", annotated.tier());
        Member cost = member(source, className, methodName, "cost", Integer.toString(annotated.cost()));
        Member concurrent = member(source, className, methodName, "concurrent",
                Boolean.toString(annotated.concurrent()));
        Member rule = member(source, className, methodName, "rule", annotated.rule());
        Member limits = member(source, className, methodName, "limits", annotated.limits());
        int files = cost(cost, tier.value, quota);
        boolean holdsSlot = concurrent.key == null ? annotated.concurrent()
                : ConfigValues.bool(concurrent.key, "concurrent", concurrent.value);
        if (!tier.value.isEmpty() && !quota.tiers().exists(tier.value)) {
            throw tier.fail(InvalidQuotaConfigException.invalid("tier", tier.value, "empty (the caller's own quota) "
                    + "or one of the tiers " + quota.tiers().all().keySet()));
        }
        List<RuleSettings> configured = quota.rules();
        List<String> names = configured.stream().map(RuleSettings::name).toList();
        RuleSettings named = configured.stream().filter(r -> r.name().equals(rule.value)).findFirst().orElse(null);
        if (!limits.value.isBlank() && !ConfigValues.isOff(limits.value)) {
            if (named != null) {
                throw rule.fail(InvalidQuotaConfigException.invalid("rule", rule.value, "a name no quotaware.rule.* "
                        + "key configures when the method has limits of its own (its own rule), or no limits with "
                        + "the rule " + names));
            }
            String own = rule.value.isEmpty() ? annotated.ownRule() : rule.value;
            // the rows refuse a bad rule name; the message names the key the limits came from
            List<WindowedLimit> rows = LimitSyntax.parse(limits.key == null ? "limits" : limits.key, limits.value,
                    own);
            return new MethodSettings(tier.value, files, holdsSlot, Set.of(own), 1, rows);
        }
        if (rule.value.isEmpty()) {
            return new MethodSettings(tier.value, files, holdsSlot, Set.of(), 1, List.of());
        }
        if (named == null) {
            throw rule.fail(InvalidQuotaConfigException.invalid("rule", rule.value,
                    "one of the rules of quotaware.rules " + names));
        }
        return new MethodSettings(tier.value, files, holdsSlot, Set.of(rule.value), named.cost(), List.of());
    }

    /** The cost, which must also fit the file limits of the tiers it applies in. */
    private static int cost(Member cost, String tier, QuotaSettings quota) {
        int files = cost.key == null
                ? (int) InvalidQuotaConfigException.requireRange("cost", Integer.parseInt(cost.value), 0,
                        QuotaLimits.MAX_RATE)
                : (int) ConfigValues.number(cost.key, "cost", cost.value, 0, QuotaLimits.MAX_RATE);
        // a cost above a tier's file limit can never pass: refuse it now rather than answer 429 forever
        quota.tiers().all().forEach((name, l) -> {
            if (tier.isEmpty() || tier.equals(name)) {
                for (long max : new long[] {l.filesPerHour(), l.filesPerDay()}) {
                    if (max != QuotaLimits.OFF && files > max) {
                        throw cost.fail(InvalidQuotaConfigException.invalid("cost", files, "at most the files per "
                                + "hour and per day of tier '" + name + "' (" + l.filesPerHour() + ", "
                                + l.filesPerDay() + "), or no call could ever pass"));
                    }
                }
            }
        });
        return files;
    }

    private static Member member(ConfigSource source, String className, String methodName, String member,
                                 String annotated) {
        for (String key : keys(className, methodName, member)) {
            String v = source.value(key);
            if (v != null) {
                return new Member(key, v.trim());
            }
        }
        return new Member(null, annotated);
    }

    /** A member's value, and the key that gave it (null for the annotation's). */
    private record Member(String key, String value) {

        InvalidQuotaConfigException fail(InvalidQuotaConfigException e) {
            return key == null ? e : e.forKey(key);
        }
    }
}
