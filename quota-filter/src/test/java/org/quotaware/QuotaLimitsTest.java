package org.quotaware;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuotaLimitsTest {

    @Test
    void defaultsAreTheSeeds() {
        QuotaLimits l = QuotaLimits.defaults();
        assertThat(l.requestsPerMinute()).isEqualTo(30);
        assertThat(l.filesPerHour()).isEqualTo(50);
        assertThat(l.filesPerDay()).isEqualTo(200);
        assertThat(l.maxConcurrentTasks()).isEqualTo(3);
        assertThat(l.maxFileSizeBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(l.maxQueueSize()).isEqualTo(10);
        assertThat(l.maxQueueWait()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void rejectsOutOfRangeNamingFieldValueAndRange() {
        assertThatThrownBy(() -> QuotaLimits.builder().maxConcurrentTasks(0))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("maxConcurrentTasks must be between 1 and 100000, was 0");
        assertThatThrownBy(() -> QuotaLimits.builder().requestsPerMinute(-5))
                .hasMessage("requestsPerMinute must be between 1 and 1000000, was -5");
        assertThatThrownBy(() -> QuotaLimits.builder().maxQueueSize(100_001))
                .hasMessage("maxQueueSize must be between 0 and 100000, was 100001");
        assertThatThrownBy(() -> QuotaLimits.builder().maxQueueWait(Duration.ofHours(2)))
                .hasMessage("maxQueueWait (ms) must be between 0 and 3600000, was 7200000");
    }

    @Test
    void keyPrefixReachesTheUser() {
        InvalidQuotaConfigException e = InvalidQuotaConfigException.outOfRange("filesPerDay", 0, 1, 100_000_000);
        assertThat(e.forKey("premium.files-per-day").getMessage())
                .isEqualTo("premium.files-per-day: filesPerDay must be between 1 and 100000000, was 0");
    }

    @Test
    void limitsCanBeSwitchedOffExplicitly() {
        QuotaLimits l = QuotaLimits.builder().off(Limit.REQUESTS_PER_MINUTE).off(Limit.QUEUE_SIZE).build();
        assertThat(l.enabled(Limit.REQUESTS_PER_MINUTE)).isFalse();
        assertThat(l.requestsPerMinute()).isEqualTo(QuotaLimits.OFF);
        assertThat(l.maxQueueSize()).isZero();
        assertThat(l.enabled(Limit.FILES_PER_HOUR)).isTrue();
        assertThatThrownBy(() -> QuotaLimits.builder().off(Limit.LOAD_SHED))
                .isInstanceOf(InvalidQuotaConfigException.class);
    }

    @Test
    void scaledMultipliesEnabledLimitsOnly() {
        QuotaLimits premium = QuotaLimits.builder().off(Limit.FILES_PER_DAY).build().scaled(2);
        assertThat(premium.requestsPerMinute()).isEqualTo(60);
        assertThat(premium.filesPerHour()).isEqualTo(100);
        assertThat(premium.filesPerDay()).isEqualTo(QuotaLimits.OFF);
        assertThat(premium.maxConcurrentTasks()).isEqualTo(6);
        assertThat(premium.maxQueueSize()).isEqualTo(20);
        assertThat(premium.maxQueueWait()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void equalByValue() {
        assertThat(QuotaLimits.builder().build()).isEqualTo(QuotaLimits.defaults())
                .hasSameHashCodeAs(QuotaLimits.defaults());
        assertThat(QuotaLimits.defaults().toBuilder().filesPerHour(7).build()).isNotEqualTo(QuotaLimits.defaults());
    }
}
