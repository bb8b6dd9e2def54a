package org.quotaware.scaling;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScalingRulesTest {

    @Test
    void defaultsAreTheSeedsRule() {
        ScalingRules r = ScalingRules.defaults();
        assertThat(r.cpuScaleUp()).isEqualTo(0.70);
        assertThat(r.memoryScaleUp()).isEqualTo(0.80);
        assertThat(r.queueScaleUp()).isEqualTo(50);
        assertThat(r.scaleUpFactor()).isEqualTo(1.5);
        assertThat(r.cpuScaleDown()).isEqualTo(0.30);
        assertThat(r.queueScaleDown()).isEqualTo(5);
        assertThat(r.scaleDownFactor()).isEqualTo(0.75);
        assertThat(r.cooldown()).isEqualTo(Duration.ofMinutes(5));
        assertThat(r.protectCpu()).isEqualTo(0.90);
        assertThat(r.protectMemory()).isEqualTo(0.90);
        assertThat(r.reservedShare()).isEqualTo(0.20);
        assertThat(r.toBuilder().build()).isEqualTo(r);
    }

    @Test
    void rejectsOutOfRangeNamingFieldValueAndRange() {
        assertThatThrownBy(() -> ScalingRules.builder().cpuScaleUp(70))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("cpuScaleUp must be between 0 and 1, was 70.0");
        assertThatThrownBy(() -> ScalingRules.builder().memoryScaleUp(Double.NaN))
                .hasMessage("memoryScaleUp must be between 0 and 1, was NaN");
        assertThatThrownBy(() -> ScalingRules.builder().scaleUpFactor(1))
                .hasMessage("scaleUpFactor must be > 1 and <= 10, was 1.0");
        assertThatThrownBy(() -> ScalingRules.builder().scaleDownFactor(1.2))
                .hasMessage("scaleDownFactor must be > 0 and < 1, was 1.2");
        assertThatThrownBy(() -> ScalingRules.builder().queueScaleUp(0))
                .hasMessage("queueScaleUp must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> ScalingRules.builder().minCapacity(0))
                .hasMessage("minCapacity must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> ScalingRules.builder().cooldown(Duration.ofDays(2)))
                .hasMessage("cooldown (ms) must be between 0 and 86400000, was 172800000");
        assertThatThrownBy(() -> ScalingRules.builder().recoverAfter(Duration.ofSeconds(-1)))
                .hasMessage("recoverAfter (ms) must be between 0 and 3600000, was -1000");
        InvalidQuotaConfigException e = (InvalidQuotaConfigException) org.assertj.core.api.Assertions
                .catchThrowable(() -> ScalingRules.builder().reservedShare(-0.1));
        assertThat(e.field()).isEqualTo("reservedShare");
        assertThat(e.forKey("quotaware.scaling.reserved-share").getMessage())
                .isEqualTo("quotaware.scaling.reserved-share: reservedShare must be between 0 and 1, was -0.1");
    }

    @Test
    void rejectsThresholdsUnderWhichOneChangeTriggersTheOpposite() {
        // a scale-up at 70 % spreads the work over 1.5x the slots: about 47 %; a scale-down threshold of 50 % would
        // take it straight back
        assertThatThrownBy(() -> ScalingRules.builder().cpuScaleDown(0.5).build())
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("cpuScaleDown must be <= 0.4667 (min(cpuScaleUp / scaleUpFactor, cpuScaleUp * "
                        + "scaleDownFactor): a change must not trigger the opposite one), was 0.5");
        assertThatThrownBy(() -> ScalingRules.builder().cpuScaleUp(0.6).scaleDownFactor(0.4).build())
                .hasMessage("cpuScaleDown must be <= 0.24 (min(cpuScaleUp / scaleUpFactor, cpuScaleUp * "
                        + "scaleDownFactor): a change must not trigger the opposite one), was 0.3");
        assertThatThrownBy(() -> ScalingRules.builder().queueScaleDown(50).build())
                .hasMessage("queueScaleDown must be < queueScaleUp (50), was 50");
        assertThatThrownBy(() -> ScalingRules.builder().minCapacity(10).maxCapacity(5).build())
                .hasMessage("maxCapacity must be >= minCapacity (10), was 5");
        assertThatThrownBy(() -> ScalingRules.builder().protectMemory(0.3).protectHysteresis(0.3).build())
                .hasMessage("protectHysteresis must be < min(protectCpu, protectMemory) (0.3), was 0.3");
    }
}
