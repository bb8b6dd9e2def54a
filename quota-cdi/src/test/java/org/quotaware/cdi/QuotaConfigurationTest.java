package org.quotaware.cdi;

import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.config.ClusterSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every documented key is looked up by its name, as MicroProfile Config maps a name to an environment variable
 * ({@code QUOTAWARE_PREMIUM_REQUESTS_PER_MINUTE}); only the search for unknown keys scans the names.
 */
class QuotaConfigurationTest {

    private static QuotaConfiguration load(Map<String, String> listed, Map<String, String> hidden) {
        return QuotaConfiguration.load(new MapConfig(listed, hidden));
    }

    @Test
    void aTierKeyGivenOnlyAsAnEnvironmentVariableIsRead() {
        QuotaConfiguration c = load(Map.of("quotaware.tiers", "premium", "quotaware.premium.scale", "2"),
                Map.of("quotaware.premium.requests-per-minute", "7"));

        assertThat(c.settings.quota().tiers().limits("premium").requestsPerMinute()).isEqualTo(7);
        assertThat(c.settings.quota().tiers().limits("premium").filesPerHour()).as("still scaled").isEqualTo(100);
    }

    @Test
    void theTierListItselfAndEveryOtherKeyMayComeFromTheEnvironmentAlone() {
        QuotaConfiguration c = load(Map.of(), Map.of("quotaware.tiers", "gold",
                "quotaware.gold.max-queue-wait", "500ms", "quotaware.default.files-per-day", "off",
                "quotaware.system.max-concurrent-tasks", "40", "quotaware.scaling.range.gold.files-per-hour", "8-20",
                "quotaware.admin.enabled", "true", "quotaware.admin.role", "ops",
                "quotaware.cluster.store", "local"));

        assertThat(c.settings.quota().tiers().limits("gold").maxQueueWait().toMillis()).isEqualTo(500);
        assertThat(c.settings.quota().tiers().limits("default").enabled(Limit.FILES_PER_DAY)).isFalse();
        assertThat(c.settings.quota().systemLimits().maxConcurrentTasks()).isEqualTo(40);
        assertThat(c.scaling.ranges().isEmpty()).isFalse();
        assertThat(c.admin.enabled()).isTrue();
        assertThat(c.cluster.store()).isEqualTo(ClusterSettings.LOCAL);
    }

    /** Loading {@code key=value} (listed, as in a properties file) fails naming the key. */
    private static void assertRefused(String key, String value) {
        assertThatThrownBy(() -> load(Map.of(key, value), Map.of()))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessageContaining(key);
    }

    @Test
    void anUnknownKeyStillFailsTheDeployment() {
        assertRefused("quotaware.premium.requests-per-minute", "7"); // no tier premium
        assertRefused("quotaware.defualt.requests-per-minute", "7");
        assertRefused("quotaware.scaling.intervall", "7");
        assertRefused("quotaware.admin.rol", "x");
    }

    @Test
    void quotaScalingAndAdminSettingsAreValidatedTogether() {
        assertRefused("quotaware.scaling.range.gold.files-per-hour", "8-20"); // a range for a tier that is not
        assertRefused("quotaware.admin.key-failures", "0");
        assertRefused("quotaware.cluster.slot-lease", "1");
        assertRefused("quotaware.scaling.interval", "0ms");
    }

    /** Two methods as a resource declares them: a plain call and an upload that asks for its file. */
    static class Resource {
        @Quota
        public String plain() {
            return "";
        }

        @Quota(cost = 1)
        public String upload() {
            return "";
        }
    }

    @Test
    void aBareQuotaCountsARequestAndFilesOnlyWhereAsked() throws Exception {
        QuotaConfiguration c = load(Map.of(), Map.of());
        java.lang.reflect.Method plain = Resource.class.getMethod("plain");
        java.lang.reflect.Method upload = Resource.class.getMethod("upload");

        assertThat(c.resolve(plain, plain.getAnnotation(Quota.class)).cost()).isZero();
        assertThat(c.resolve(upload, upload.getAnnotation(Quota.class)).cost()).isEqualTo(1);
        assertThat(c.resolve(plain, plain.getAnnotation(Quota.class)).concurrent()).isTrue();
    }

    @Test
    void everyDurationReadsTheSameWay() {
        QuotaConfiguration c = load(Map.of("quotaware.cluster.slot-lease", "45s", "quotaware.scaling.interval",
                "1500ms", "quotaware.async-lease", "90", "quotaware.admin.key-failure-window", "2000ms"), Map.of());

        assertThat(c.cluster.slotLease()).isEqualTo(Duration.ofSeconds(45));
        assertThat(c.scaling.interval()).isEqualTo(Duration.ofMillis(1500));
        assertThat(c.asyncLease()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.admin.keyFailureWindow()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void theAllowanceKeysAreReadFromAFileOrTheEnvironment() {
        // both were once passed to the filter's reader, which refused them as unknown, and never looked up by name
        QuotaConfiguration listed = load(Map.of("quotaware.cluster.allowances", "false",
                "quotaware.cluster.allowance-linger", "250ms"), Map.of());
        QuotaConfiguration hidden = load(Map.of(), Map.of("quotaware.cluster.allowances", "false"));

        assertThat(listed.cluster.allowances()).isFalse();
        assertThat(listed.cluster.allowanceLinger()).isEqualTo(Duration.ofMillis(250));
        assertThat(hidden.cluster.allowances()).isFalse();
        assertRefused("quotaware.cluster.allowance-linger", "5ms");
    }

    @Test
    void persistenceIsOffUnlessADataSourceIsNamedAndItsDelayIsInRange() {
        QuotaConfiguration off = load(Map.of(), Map.of());
        QuotaConfiguration on = load(Map.of("quotaware.cluster.persistence", " jdbc/QuotaDB ",
                "quotaware.cluster.persistence-delay", "5s"), Map.of());
        QuotaConfiguration hidden = load(Map.of(), Map.of("quotaware.cluster.persistence", "jdbc/QuotaDB"));

        assertThat(off.cluster.persistence()).isNull();
        assertThat(off.cluster.persistenceDelay()).isEqualTo(1);
        assertThat(on.cluster.persistence()).isEqualTo("jdbc/QuotaDB");
        assertThat(on.cluster.persistenceDelay()).isEqualTo(5);
        assertThat(hidden.cluster.persistence()).isEqualTo("jdbc/QuotaDB");
        assertThat(load(Map.of("quotaware.cluster.persistence-delay", "0"), Map.of()).cluster.persistenceDelay())
                .isZero();
        assertRefused("quotaware.cluster.persistence-delay", "301");
        assertRefused("quotaware.cluster.persistence-delay", "soon");
        assertRefused("quotaware.cluster.persistance", "jdbc/QuotaDB");
    }
}
