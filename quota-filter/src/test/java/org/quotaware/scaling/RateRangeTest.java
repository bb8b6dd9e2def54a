package org.quotaware.scaling;

import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RateRangeTest {

    private final RateRange seed = new RateRange(8, 20);

    @Test
    void theTopWithSpareCapacityTheBottomUnderLoadLinearInBetween() {
        assertThat(seed.effective(1)).isEqualTo(20);
        assertThat(seed.effective(0)).isEqualTo(8);
        assertThat(seed.effective(0.5)).isEqualTo(14);
        assertThat(seed.effective(0.25)).isEqualTo(11);
        assertThat(seed.effective(0.99)).isEqualTo(19);
        assertThat(seed.effective(Double.NaN)).as("unknown load never raises a limit").isEqualTo(8);
        assertThat(seed.effective(7)).isEqualTo(20);
    }

    @Test
    void followsTheScalersBand() {
        Trace t = new Trace();
        ScalingRules r = ScalingRules.defaults();
        assertThat(seed.effective(AdaptiveScaler.spareCapacity(r, t.cpu(0.25)))).isEqualTo(20);
        assertThat(seed.effective(AdaptiveScaler.spareCapacity(r, t.cpu(0.50)))).isEqualTo(14);
        assertThat(seed.effective(AdaptiveScaler.spareCapacity(r, t.cpu(0.75)))).isEqualTo(8);
    }

    @Test
    void parsesWhatAUserWrites() {
        assertThat(RateRange.parse("k", "8-20")).isEqualTo(seed);
        assertThat(RateRange.parse("k", " 8 - 20 ")).isEqualTo(seed);
        assertThat(RateRange.parse("k", "30")).isEqualTo(RateRange.fixed(30));
        assertThat(RateRange.fixed(30).isFixed()).isTrue();
        assertThat(seed).hasToString("8-20");
    }

    @Test
    void rejectsBadRangesNamingKeyValueAndRange() {
        assertThatThrownBy(() -> RateRange.parse("premium.files-per-minute", "20-8"))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("premium.files-per-minute: high must be between 20 and 1000000, was 8");
        assertThatThrownBy(() -> RateRange.parse("premium.files-per-minute", "8..20"))
                .hasMessage("premium.files-per-minute must be a number or a range low-high such as 8-20, was 8..20");
        assertThatThrownBy(() -> new RateRange(0, 5)).hasMessage("low must be between 1 and 1000000, was 0");
    }
}
