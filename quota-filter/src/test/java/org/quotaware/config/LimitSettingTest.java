package org.quotaware.config;

import java.time.Duration;

import org.quotaware.Limit;
import java.util.EnumSet;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The one table of per-user limits: every limit has a row, and text goes to a limit and back unchanged. */
class LimitSettingTest {

    @Test
    void everyPerUserLimitHasOneRow() {
        Set<Limit> rows = EnumSet.noneOf(Limit.class);
        for (LimitSetting s : LimitSetting.values()) {
            assertThat(rows.add(s.limit())).as(s.setting()).isTrue();
            assertThat(LimitSetting.of(s.limit())).isEqualTo(s);
            assertThat(LimitSetting.named(s.setting())).isEqualTo(s);
        }
        // the instance's own limits and the load shedding are not configured per user
        assertThat(EnumSet.complementOf(EnumSet.copyOf(rows))).containsExactlyInAnyOrder(
                Limit.SYSTEM_CONCURRENT_TASKS, Limit.SYSTEM_QUEUE_SIZE, Limit.SYSTEM_BLOCKED_WAITS, Limit.LOAD_SHED, Limit.WINDOW);
    }

    @Test
    void theBuilderSetsEachLimitAsGetAnswersIt() {
        QuotaLimits.Builder b = QuotaLimits.builder();
        long n = 2;
        for (LimitSetting s : LimitSetting.values()) {
            b.set(s.limit(), n++);
        }
        QuotaLimits limits = b.build();
        n = 2;
        for (LimitSetting s : LimitSetting.values()) {
            assertThat(limits.get(s.limit())).as(s.setting()).isEqualTo(n++);
        }
        assertThat(limits.maxQueueWait()).isEqualTo(Duration.ofMillis(7));
        assertThat(QuotaLimits.builder().set(Limit.FILES_PER_DAY, QuotaLimits.OFF).build()
                .enabled(Limit.FILES_PER_DAY)).isFalse();
        assertThatThrownBy(() -> QuotaLimits.builder().set(Limit.REQUESTS_PER_MINUTE, 0))
                .hasMessage("requestsPerMinute must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> QuotaLimits.builder().set(Limit.SYSTEM_QUEUE_SIZE, 1))
                .isInstanceOf(InvalidQuotaConfigException.class);
    }

    @Test
    void textGoesToALimitAndBack() {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(60).off(Limit.FILES_PER_HOUR)
                .maxFileSizeBytes(10L << 20).maxQueueWait(Duration.ofMillis(1500)).build();
        QuotaLimits.Builder again = QuotaLimits.builder();
        for (LimitSetting s : LimitSetting.values()) {
            s.apply(again, "default." + s.setting(), s.text(limits));
        }
        assertThat(again.build()).isEqualTo(limits);
        assertThat(LimitSetting.of(Limit.QUEUE_WAIT).text(limits)).isEqualTo("1500ms");
        assertThat(LimitSetting.of(Limit.FILES_PER_HOUR).text(limits)).isEqualTo("off");
        assertThat(LimitSetting.of(Limit.FILE_SIZE).parse("k", "10MB")).isEqualTo(10L << 20);
        assertThat(LimitSetting.of(Limit.QUEUE_WAIT).parse("k", "30")).isEqualTo(30_000);
    }

    @Test
    void aBadValueNamesTheKey() {
        assertThatThrownBy(() -> LimitSetting.of(Limit.REQUESTS_PER_MINUTE).apply(QuotaLimits.builder(), "premium.requests-per-minute", "0"))
                .hasMessage("premium.requests-per-minute: requestsPerMinute must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> LimitSetting.of(Limit.QUEUE_WAIT).parse("default.max-queue-wait", "off"))
                .hasMessageStartingWith("default.max-queue-wait: maxQueueWait must be seconds");
    }
}
