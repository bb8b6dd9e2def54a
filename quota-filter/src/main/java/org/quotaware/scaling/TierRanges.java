package org.quotaware.scaling;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;
import org.quotaware.config.LimitSetting;

/**
 * The tiers' adaptive rate limits: a {@link RateRange} per tier and rate limit (the seed's "8-20 files per ..."),
 * applied to the {@link QuotaTiers} from the cluster's spare capacity after each scaling decision. Written as
 * {@code <tier>.<setting>=low-high} with the settings of the windowed limits ({@code requests-per-minute},
 * {@code files-per-hour}, {@code files-per-day}); a ranged limit replaces whatever value the tier had for it.
 */
public final class TierRanges {

    /** The settings that may be ranged: the windowed limits of {@link LimitSetting}. */
    private static final List<String> SETTINGS = LimitSetting.names().stream()
            .filter(name -> LimitSetting.named(name).limit().windowed()).toList();

    private final Map<String, Map<Limit, RateRange>> ranges;

    private TierRanges(Map<String, Map<Limit, RateRange>> ranges) {
        this.ranges = ranges;
    }

    /**
     * @param prefix   what the user wrote before each key, for messages (e.g. {@code quotaware.scaling.range.})
     * @param settings {@code <tier>.<setting>} to {@code low-high}
     * @param tiers    the tiers, which must hold every tier named
     */
    public static TierRanges parse(String prefix, Map<String, String> settings, QuotaTiers tiers) {
        Map<String, Map<Limit, RateRange>> ranges = new LinkedHashMap<>();
        settings.forEach((name, value) -> {
            String key = prefix + name;
            int dot = name.lastIndexOf('.');
            String tier = dot < 0 ? name : name.substring(0, dot);
            String setting = dot < 0 ? null : name.substring(dot + 1);
            if (!SETTINGS.contains(setting)) {
                throw InvalidQuotaConfigException.invalid("setting", name, "<tier>.<setting> with a setting of "
                        + SETTINGS).forKey(key);
            }
            Limit limit = LimitSetting.named(setting).limit();
            if (!tiers.exists(tier)) {
                throw InvalidQuotaConfigException.invalid("tier", tier, "one of the tiers " + tiers.all().keySet())
                        .forKey(key);
            }
            ranges.computeIfAbsent(tier, t -> new LinkedHashMap<>()).put(limit, RateRange.parse(key, value));
        });
        return new TierRanges(ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /**
     * Sets every ranged limit to its value for {@code spare} (0..1; NaN, unknown, gives the bottom of each range).
     * Answers whether a tier changed.
     */
    public boolean apply(QuotaTiers tiers, double spare) {
        boolean changed = false;
        for (Map.Entry<String, Map<Limit, RateRange>> tier : ranges.entrySet()) {
            QuotaLimits current = tiers.limits(tier.getKey());
            if (current == null) {
                continue; // removed at runtime by an operator
            }
            QuotaLimits.Builder b = current.toBuilder();
            tier.getValue().forEach((limit, range) -> b.set(limit, range.effective(spare)));
            QuotaLimits next = b.build();
            if (!next.equals(current)) {
                tiers.define(tier.getKey(), next);
                changed = true;
            }
        }
        return changed;
    }
}
