package org.quotaware.config;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AdminSettingsTest {

    private static AdminSettings load(Map<String, String> values) {
        return AdminSettings.read(ConfigSource.of("test", values));
    }

    @Test
    void isOffByDefaultWithQuotaMeOn() {
        AdminSettings s = load(Map.of());
        assertThat(s.enabled()).isFalse();
        assertThat(s.me()).isTrue();
        assertThat(s.mapName()).isNull();
        assertThat(s.tiersMap("shop")).isEqualTo("quotaware-tiers.shop");
    }

    @Test
    void enabledWithoutRoleOrKeyFailsNamingTheKeys() {
        assertThatThrownBy(() -> load(Map.of("quotaware.admin.enabled", "true")))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("quotaware.admin.enabled: enabled must be false unless quotaware.admin.role (a role checked "
                        + "with SecurityContext.isUserInRole) or quotaware.admin.key (a secret sent in the X-Admin-Key "
                        + "header) is set, was true");
    }

    @Test
    void aShortKeyFailsWithoutShowingIt() {
        assertThatThrownBy(() -> load(Map.of("quotaware.admin.enabled", "true", "quotaware.admin.key", "secret")))
                .hasMessage("quotaware.admin.key: key must be at least 16 characters (a random secret), was 6 characters")
                .hasMessageNotContaining("secret,");
    }

    @Test
    void aMisspeltKeyOrABadSwitchFails() {
        assertThatThrownBy(() -> load(Map.of("quotaware.admin.rol", "ops")))
                .hasMessage("quotaware.admin.rol: setting must be one of [quotaware.admin.enabled, quotaware.admin.role, "
                        + "quotaware.admin.key, quotaware.admin.me, quotaware.admin.map, quotaware.admin.key-failures, "
                        + "quotaware.admin.key-failure-window, quotaware.admin.max-overrides], was quotaware.admin.rol");
        assertThatThrownBy(() -> load(Map.of("quotaware.admin.enabled", "yes")))
                .hasMessage("quotaware.admin.enabled: enabled must be true or false, was yes");
    }

    @Test
    void theOverrideBoundDefaultsToAThousandAndIsRangeChecked() {
        assertThat(load(Map.of()).maxOverrides()).isEqualTo(1_000);
        assertThat(load(Map.of("quotaware.admin.max-overrides", "0")).maxOverrides()).isZero();
        assertThatThrownBy(() -> load(Map.of("quotaware.admin.max-overrides", "100001")))
                .hasMessage("quotaware.admin.max-overrides: max-overrides must be between 0 and 100000, was 100001");
        assertThatThrownBy(() -> load(Map.of("quotaware.admin.max-overrides", "many")))
                .hasMessage("quotaware.admin.max-overrides: max-overrides must be between 0 and 100000, was many");
    }

    @Test
    void wrongKeysAreLimitedToFivePerMinuteUnlessConfigured() {
        AdminSettings defaults = load(Map.of());
        assertThat(defaults.keyFailures()).isEqualTo(5);
        assertThat(defaults.keyFailureWindow()).isEqualTo(Duration.ofSeconds(60));

        AdminSettings custom = load(Map.of("quotaware.admin.key-failures", "3",
                "quotaware.admin.key-failure-window", "600"));
        assertThat(custom.keyFailures()).isEqualTo(3);
        assertThat(custom.keyFailureWindow()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aBadKeyFailureLimitFailsNamingKeyValueAndRange() {
        assertThatThrownBy(() -> load(Map.of("quotaware.admin.key-failures", "0")))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("quotaware.admin.key-failures: key-failures must be between 1 and 1000, was 0");
        assertThatThrownBy(() -> load(Map.of("quotaware.admin.key-failures", "five")))
                .hasMessage("quotaware.admin.key-failures: key-failures must be between 1 and 1000, was five");
        assertThatThrownBy(() -> load(Map.of("quotaware.admin.key-failure-window", "1m")))
                .hasMessage("quotaware.admin.key-failure-window: key-failure-window (s) must be between 1 and 86400, "
                        + "was 1m");
    }

    @Test
    void theKeyMatchesOnlyItselfAndIsNotKept() {
        AdminSettings s = load(Map.of("quotaware.admin.enabled", "true",
                "quotaware.admin.key", "0123456789abcdef-admin"));
        assertThat(s.keyMatches("0123456789abcdef-admin")).isTrue();
        assertThat(s.keyMatches("0123456789abcdef-admiN")).isFalse();
        assertThat(s.keyMatches("0123456789abcdef")).isFalse();
        assertThat(s.keyMatches("")).isFalse();
        assertThat(s.keyMatches(null)).isFalse();
        assertThat(s.toString()).doesNotContain("0123456789abcdef-admin").contains("key=set");
        assertThat(load(Map.of("quotaware.admin.enabled", "true", "quotaware.admin.role", "ops")).keyMatches("x"))
                .isFalse();
    }
}
