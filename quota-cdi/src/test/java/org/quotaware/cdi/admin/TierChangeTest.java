package org.quotaware.cdi.admin;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TierChangeTest {

    private static final QuotaLimits CURRENT = QuotaLimits.builder().requestsPerMinute(30).filesPerHour(50)
            .filesPerDay(200).maxConcurrentTasks(3).maxQueueSize(10).maxFileSizeBytes(1024)
            .maxQueueWait(Duration.ofSeconds(30)).build();

    @Test
    void aTiersShadowSurvivesOtherChangesAndIsSwitchedByItsOwnSetting() {
        QuotaLimits inShadow = CURRENT.toBuilder().shadow(java.util.List.of(Limit.REQUESTS_PER_MINUTE)).build();
        assertThat(TierChange.apply("premium", inShadow, TierChange.parse("max-queue-wait=2s")).shadow())
                .containsExactly(Limit.REQUESTS_PER_MINUTE);
        assertThat(TierChange.apply("default", inShadow, TierChange.parse("requests-per-minute=5")).shadow())
                .containsExactly(Limit.REQUESTS_PER_MINUTE);
        assertThat(TierChange.apply("premium", inShadow, TierChange.parse("{\"shadow\": false}")).shadow()).isEmpty();
        assertThat(TierChange.apply("premium", CURRENT, TierChange.parse("shadow=tasks")).shadow())
                .containsExactlyInAnyOrder(Limit.CONCURRENT_TASKS, Limit.QUEUE_SIZE);
        assertThat(TierChange.fromText("premium", TierChange.text(inShadow))).isEqualTo(inShadow);
        assertThat(TierChange.text(inShadow)).contains("shadow=rpm\n");
    }

    @Test
    void readsJsonAndPropertiesAlike() {
        assertThat(TierChange.parse("{\"requests-per-minute\": 120, \"max-file-size\": \"10MB\"}"))
                .containsExactly(Map.entry("requests-per-minute", "120"), Map.entry("max-file-size", "10MB"));
        assertThat(TierChange.parse("requests-per-minute=120\nmax-file-size = 10MB\n"))
                .containsOnly(Map.entry("requests-per-minute", "120"), Map.entry("max-file-size", "10MB"));
    }

    @Test
    void changesOnlyTheSettingsGivenAndKeepsTheRest() {
        QuotaLimits changed = TierChange.apply("default", CURRENT,
                TierChange.parse("{\"requests-per-minute\": 120, \"max-queue-size\": \"off\"}"));
        assertThat(changed).isEqualTo(CURRENT.toBuilder().requestsPerMinute(120).off(Limit.QUEUE_SIZE).build());
        QuotaLimits premium = TierChange.apply("premium", CURRENT, TierChange.parse("max-queue-wait=2s"));
        assertThat(premium).isEqualTo(CURRENT.toBuilder().maxQueueWait(Duration.ofSeconds(2)).build());
        assertThat(TierChange.apply("premium", CURRENT, TierChange.parse("scale=2")).requestsPerMinute())
                .isEqualTo(60);
    }

    @Test
    void aBadValueIsRefusedWithTheConfigurationsMessage() {
        assertThatThrownBy(() -> TierChange.apply("default", CURRENT, TierChange.parse("{\"requests-per-minute\": 0}")))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("default.requests-per-minute: requestsPerMinute must be between 1 and 1000000, was 0");
        assertThatThrownBy(() -> TierChange.apply("premium", CURRENT, TierChange.parse("max-concurrent-tasks=many")))
                .hasMessage("premium.max-concurrent-tasks: maxConcurrentTasks must be a whole number between 1 and "
                        + "100000, or 'off', was many");
        assertThatThrownBy(() -> TierChange.parse("{\"requests-per-week\": 5}"))
                .hasMessageStartingWith("setting must be one of [requests-per-minute, files-per-hour, files-per-day, "
                        + "max-concurrent-tasks, max-queue-size, max-queue-wait, max-file-size, requests-per-hour, limits, shadow, scale], was "
                        + "requests-per-week");
        assertThatThrownBy(() -> TierChange.parse("{\"requests-per-minute\": [1]}"))
                .hasMessageStartingWith("requests-per-minute must be a number or a string");
        assertThatThrownBy(() -> TierChange.parse("")).hasMessageStartingWith("body must be at least one of");
        assertThatThrownBy(() -> TierChange.parse("{nope")).hasMessageStartingWith("body must be a JSON object");
        assertThatThrownBy(() -> TierChange.apply("gold star", CURRENT, Map.of("requests-per-minute", "5")))
                .hasMessageStartingWith("tier must be 1 to 64 letters");
    }

    @Test
    void theClusterTextCarriesEverySettingExactly() {
        QuotaLimits odd = CURRENT.toBuilder().off(Limit.REQUESTS_PER_MINUTE).off(Limit.FILE_SIZE)
                .maxQueueWait(Duration.ofMillis(1500)).build();
        String text = TierChange.text(odd);
        assertThat(text).contains("requests-per-minute=off\n", "max-queue-wait=1500ms\n", "max-file-size=off\n");
        assertThat(TierChange.fromText("premium", text)).isEqualTo(odd);
        assertThat(TierChange.fromText("default", TierChange.text(CURRENT))).isEqualTo(CURRENT);
    }

    @Test
    void readsATierNameAsTextOrJson() {
        assertThat(TierChange.tierName("premium\n")).isEqualTo("premium");
        assertThat(TierChange.tierName("\"premium\"")).isEqualTo("premium");
        assertThat(TierChange.tierName("{\"tier\": \"premium\"}")).isEqualTo("premium");
        assertThatThrownBy(() -> TierChange.tierName(" ")).hasMessage("tier must be a tier name, was empty");
        assertThatThrownBy(() -> TierChange.tierName("{\"name\": 1}")).hasMessageStartingWith("tier must be a tier name");
    }

    @Test
    void aTiersDeclaredLimitsAreSetByTheApiCarriedByItsTextAndKeptByOtherChanges() {
        QuotaLimits declared = TierChange.apply("premium", CURRENT,
                TierChange.parse("{\"limits\": \"uploads=3/1m burst 2, bytes=5MB/1d\"}"));
        assertThat(declared.windows()).extracting(org.quotaware.WindowedLimit::qualifiedName)
                .containsExactly("rpm", "files-hour", "files-day", "uploads", "uploads.burst", "bytes");
        assertThat(TierChange.fromText("premium", TierChange.text(declared))).isEqualTo(declared);
        QuotaLimits changed = TierChange.apply("premium", declared, TierChange.parse("requests-per-minute=7"));
        assertThat(changed.windows()).extracting(org.quotaware.WindowedLimit::qualifiedName)
                .contains("uploads", "uploads.burst", "bytes");
        assertThat(TierChange.apply("premium", declared, TierChange.parse("limits=off")).windows())
                .extracting(org.quotaware.WindowedLimit::qualifiedName)
                .containsExactly("rpm", "files-hour", "files-day");
        assertThatThrownBy(() -> TierChange.apply("premium", CURRENT, TierChange.parse("limits=uploads=3/1y")))
                .hasMessageStartingWith("premium.limits: entry 'uploads=3/1y' must be");
    }
}
