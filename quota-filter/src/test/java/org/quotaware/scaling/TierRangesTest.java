package org.quotaware.scaling;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TierRangesTest {

    private final QuotaTiers tiers = new QuotaTiers().define("premium", QuotaLimits.defaults().scaled(2));

    @Test
    void rangedLimitsFollowTheSpareCapacity() {
        TierRanges ranges = TierRanges.parse("quotaware.scaling.range.",
                Map.of("default.files-per-hour", "8-20", "premium.requests-per-minute", "40-80"), tiers);
        assertThat(ranges.apply(tiers, Double.NaN)).isTrue();
        assertThat(tiers.limits("default").filesPerHour()).isEqualTo(8);
        assertThat(tiers.limits("premium").requestsPerMinute()).isEqualTo(40);
        assertThat(tiers.limits("default").requestsPerMinute()).isEqualTo(30); // not ranged: untouched
        assertThat(ranges.apply(tiers, 0.5)).isTrue();
        assertThat(tiers.limits("default").filesPerHour()).isEqualTo(14);
        assertThat(ranges.apply(tiers, 0.5)).as("same spare, no change").isFalse();
        ranges.apply(tiers, 1.0);
        assertThat(tiers.limits("default").filesPerHour()).isEqualTo(20);
        assertThat(tiers.limits("premium").requestsPerMinute()).isEqualTo(80);
    }

    @Test
    void badRangesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> TierRanges.parse("p.", Map.of("gold.files-per-hour", "8-20"), tiers))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("p.gold.files-per-hour: tier must be one of the tiers [default, premium], was gold");
        assertThatThrownBy(() -> TierRanges.parse("p.", Map.of("default.max-file-size", "8-20"), tiers))
                .hasMessageStartingWith("p.default.max-file-size: setting must be <tier>.<setting> with a setting of");
        assertThatThrownBy(() -> TierRanges.parse("p.", Map.of("default.files-per-hour", "20-8"), tiers))
                .hasMessageStartingWith("p.default.files-per-hour: high must be between 20 and");
    }
}
