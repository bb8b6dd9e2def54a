package org.quotaware;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Named limit sets, the tier of each user and per-user overrides; every part can change at runtime and the next
 * decision uses it. A user's limits are, in this order: the user's override, the tier assigned to the user, the tier
 * the caller was identified with (e.g. {@code anonymous} for a client without a key), the {@code default} tier.
 */
public final class QuotaTiers {

    public static final String DEFAULT = "default";
    /** The tier name reported for a user whose limits come from a per-user override. */
    public static final String OVERRIDE = "override";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    /** The limits that apply to one user and where they come from. */
    public record Applied(String tier, QuotaLimits limits) {
    }

    private final Map<String, Applied> tiers = new ConcurrentHashMap<>();
    private final Map<String, String> userTiers = new ConcurrentHashMap<>();
    private final Map<String, Applied> overrides = new ConcurrentHashMap<>();
    /** The {@code default} tier's entry in {@link #tiers}, which {@link #resolve} answers most often. */
    private volatile Applied defaults;
    /** What some tier's or override's limits count when requests end; read on every request, so kept, not scanned. */
    private volatile Set<Counted> chargedAtEnd = Set.of();

    /** Tiers with only {@code default}, at the seed's defaults. */
    public QuotaTiers() {
        this(QuotaLimits.defaults());
    }

    public QuotaTiers(QuotaLimits defaultLimits) {
        define(DEFAULT, defaultLimits);
    }

    /** Adds or replaces a tier. */
    public QuotaTiers define(String tier, QuotaLimits limits) {
        requireName("tier", tier);
        Applied a = new Applied(tier, Objects.requireNonNull(limits, "limits"));
        tiers.put(tier, a);
        if (DEFAULT.equals(tier)) {
            defaults = a;
        }
        countCharges();
        return this;
    }

    /** Removes a tier; users assigned to it fall back to their caller tier or {@code default}. */
    public void remove(String tier) {
        if (DEFAULT.equals(tier)) {
            throw InvalidQuotaConfigException.invalid("tier", tier, "a tier other than 'default' (it cannot be removed)");
        }
        tiers.remove(tier);
        countCharges();
    }

    public boolean exists(String tier) {
        return tiers.containsKey(tier);
    }

    /** The limits of a tier, or null when there is no such tier. */
    public QuotaLimits limits(String tier) {
        Applied a = tiers.get(tier);
        return a == null ? null : a.limits();
    }

    /** Every tier and its limits, sorted by name. */
    public Map<String, QuotaLimits> all() {
        Map<String, QuotaLimits> out = new TreeMap<>();
        tiers.forEach((k, v) -> out.put(k, v.limits()));
        return out;
    }

    /** Puts a user in a tier, which must exist. */
    public QuotaTiers assign(String user, String tier) {
        Objects.requireNonNull(user, "user");
        if (!tiers.containsKey(tier)) {
            throw InvalidQuotaConfigException.invalid("tier", tier, "one of the defined tiers " + all().keySet());
        }
        userTiers.put(user, tier);
        return this;
    }

    public void unassign(String user) {
        userTiers.remove(user);
    }

    /** Gives one user limits of its own, ahead of any tier. */
    public QuotaTiers override(String user, QuotaLimits limits) {
        overrides.put(Objects.requireNonNull(user, "user"), new Applied(OVERRIDE, Objects.requireNonNull(limits)));
        Set<Counted> more = charges(limits);
        if (!chargedAtEnd.containsAll(more)) {
            countCharges(); // an override's units stay measured until the tiers change: no scan of every override
            more.addAll(chargedAtEnd);
            chargedAtEnd = Set.copyOf(more);
        }
        return this;
    }

    public void clearOverride(String user) {
        overrides.remove(user);
    }

    /**
     * The units some tier or override counts when requests end ({@link Counted#chargedAtEnd()}): what front ends
     * measure. See {@link QuotaManager#chargedAtEnd()}.
     */
    public Set<Counted> chargedAtEnd() {
        return chargedAtEnd;
    }

    private void countCharges() {
        Set<Counted> units = EnumSet.noneOf(Counted.class);
        tiers.values().forEach(a -> units.addAll(charges(a.limits())));
        overrides.values().forEach(a -> units.addAll(charges(a.limits())));
        chargedAtEnd = Set.copyOf(units);
    }

    private static Set<Counted> charges(QuotaLimits limits) {
        Set<Counted> units = EnumSet.noneOf(Counted.class);
        for (WindowedLimit w : limits.windows()) {
            if (w.counted().chargedAtEnd()) {
                units.add(w.counted());
            }
        }
        return units;
    }

    /** The tier assigned to a user, or null. */
    public String tierOf(String user) {
        return userTiers.get(user);
    }

    /**
     * The limits for a user.
     *
     * @param callerTier the tier the caller was identified with, or null
     */
    public Applied resolve(String user, String callerTier) {
        // on every decision: most deployments override or assign no user, and an empty map is not searched
        Applied a;
        if (!overrides.isEmpty() && (a = overrides.get(user)) != null) {
            return a;
        }
        String assigned;
        if (!userTiers.isEmpty() && (assigned = userTiers.get(user)) != null && (a = tiers.get(assigned)) != null) {
            return a;
        }
        if (callerTier != null && (a = tiers.get(callerTier)) != null) {
            return a;
        }
        return defaults;
    }

    /**
     * The tier whose rank {@code user} has where tiers are ranked (the load protection's shedding, the order in which
     * freed slots are handed over): the tier its limits come from, or, for a user with limits of its own, the tier it
     * would have without them. An override changes what a user may do, not whose work goes first.
     *
     * @param callerTier the tier the caller was identified with, or null
     */
    public String rankedTier(String user, String callerTier) {
        String assigned = userTiers.get(user);
        if (assigned != null && tiers.containsKey(assigned)) {
            return assigned;
        }
        return callerTier != null && tiers.containsKey(callerTier) ? callerTier : DEFAULT;
    }

    private static void requireName(String field, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw InvalidQuotaConfigException.invalid(field, name,
                    "1 to 64 letters, digits, '_', '.' or '-', starting with a letter or digit");
        }
    }
}
