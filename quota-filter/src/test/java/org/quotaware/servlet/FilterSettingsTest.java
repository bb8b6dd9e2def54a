package org.quotaware.servlet;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.config.ConfigSource;
import org.quotaware.config.IdentitySettings;
import org.quotaware.config.QuotaSettings;
import org.quotaware.config.RequestSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Init-params become settings; every mistake is refused with the key, the value and what is allowed. */
class FilterSettingsTest {

    private static FilterSettings parse(String... keyValues) {
        Map<String, String> params = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            params.put(keyValues[i], keyValues[i + 1]);
        }
        return FilterSettings.parse(params);
    }

    private static void assertRejected(String message, String... keyValues) {
        assertThatThrownBy(() -> parse(keyValues)).isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage(message);
    }

    @Test
    void noParamsGiveTheSeedDefaults() {
        FilterSettings settings = FilterSettings.defaults();

        assertThat(settings.tiers().all()).containsOnlyKeys(QuotaTiers.DEFAULT);
        assertThat(settings.tiers().limits(QuotaTiers.DEFAULT)).isEqualTo(QuotaLimits.defaults());
        assertThat(settings.systemLimits()).as("a queue cap is on by default").isEqualTo(SystemLimits.DEFAULTS);
        assertThat(settings.settings().quota().maxTrackedUsers()).isEqualTo(100_000);
        assertThat(settings.paths().counted("/anything")).isTrue();
        assertThat(settings.paths().upload("/anything", "POST")).isFalse();
    }

    @Test
    void everyLimitIsReadWithUnits() {
        QuotaLimits limits = parse("default.requests-per-minute", "60", "default.files-per-hour", "off",
                "default.files-per-day", "1000", "default.max-concurrent-tasks", "5", "default.max-queue-size", "0",
                "default.max-file-size", "10MB", "default.max-queue-wait", "500ms")
                .tiers().limits(QuotaTiers.DEFAULT);

        assertThat(limits.requestsPerMinute()).isEqualTo(60);
        assertThat(limits.filesPerHour()).isEqualTo(QuotaLimits.OFF);
        assertThat(limits.filesPerDay()).isEqualTo(1000);
        assertThat(limits.maxConcurrentTasks()).isEqualTo(5);
        assertThat(limits.maxQueueSize()).isZero();
        assertThat(limits.maxFileSizeBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(limits.maxQueueWait()).isEqualTo(Duration.ofMillis(500));
        assertThat(parse("default.max-queue-wait", "30").tiers().limits("default").maxQueueWait())
                .isEqualTo(Duration.ofSeconds(30));
        assertThat(parse("default.max-file-size", "2 kb").tiers().limits("default").maxFileSizeBytes())
                .isEqualTo(2048);
        assertThat(parse("default.max-file-size", "1GB").tiers().limits("default").maxFileSizeBytes())
                .isEqualTo(1L << 30);
    }

    @Test
    void tiersInheritTheDefaultTierAndMayScaleIt() {
        FilterSettings settings = parse("tiers", "premium, anonymous", "default.requests-per-minute", "20",
                "premium.scale", "3", "premium.max-file-size", "50MB", "anonymous.files-per-hour", "5");

        QuotaLimits premium = settings.tiers().limits("premium");
        QuotaLimits anonymous = settings.tiers().limits("anonymous");
        assertThat(premium.requestsPerMinute()).isEqualTo(60);
        assertThat(premium.filesPerHour()).isEqualTo(150);
        assertThat(premium.maxFileSizeBytes()).as("explicit beats scaled").isEqualTo(50L * 1024 * 1024);
        assertThat(anonymous.requestsPerMinute()).isEqualTo(20);
        assertThat(anonymous.filesPerHour()).isEqualTo(5);
        assertThat(settings.settings().identity().anonymousTier()).as("null: the filter picks 'anonymous' as it is defined").isNull();
    }

    @Test
    void systemLimitsAndTrackedUsers() {
        FilterSettings settings = parse("system.max-concurrent-tasks", "200", "system.max-queued-requests", "0",
                "system.max-blocked-waits", "off", "max-tracked-users", "5000");

        assertThat(settings.systemLimits()).isEqualTo(new SystemLimits(200, 0, QuotaLimits.OFF));
        assertThat(settings.settings().quota().maxTrackedUsers()).isEqualTo(5000);
    }

    @Test
    void outOfRangeValuesNameKeyValueAndRange() {
        assertRejected("default.requests-per-minute: requestsPerMinute must be between 1 and 1000000, was 0",
                "default.requests-per-minute", "0");
        assertRejected("default.max-concurrent-tasks: maxConcurrentTasks must be between 1 and 100000, was 100001",
                "default.max-concurrent-tasks", "100001");
        assertRejected("premium.scale: factor must be between 1 and 1000, was 0",
                "tiers", "premium", "premium.scale", "0");
        assertRejected("system.max-concurrent-tasks: systemMaxConcurrentTasks must be between 1 and 1000000, was 0",
                "system.max-concurrent-tasks", "0");
        assertRejected("system.max-blocked-waits: systemMaxBlockedWaits must be between 0 and 1000000, was 1000001",
                "system.max-blocked-waits", "1000001");
        assertRejected("max-tracked-users: maxTrackedUsers must be between 1 and 100000000, was 0",
                "max-tracked-users", "0");
    }

    @Test
    void unreadableValuesNameKeyValueAndForm() {
        assertRejected("default.files-per-day: filesPerDay must be a whole number between 1 and 100000000, "
                + "or 'off', was lots", "default.files-per-day", "lots");
        assertRejected("default.max-file-size: maxFileSizeBytes must be a size in bytes, or with KB, MB or GB "
                + "(1024-based), between 1 and 1099511627776 bytes, or 'off', was 10 MiB",
                "default.max-file-size", "10 MiB");
        assertRejected("default.max-file-size: maxFileSizeBytes must be between 1 and 1099511627776, was 2199023255552",
                "default.max-file-size", "2048GB");
        assertRejected("default.max-queue-wait: maxQueueWait must be seconds, or a number with 'ms' or 's' "
                + "('off' is not allowed: set max-queue-size=0 for no queue), was off",
                "default.max-queue-wait", "off");
        assertRejected("default.max-queue-wait: maxQueueWait (ms) must be between 0 and 3600000, was 7200000",
                "default.max-queue-wait", "7200s");
    }

    @Test
    void shadowIsGlobalOrPerTierAndNamesLimitsOrAllOfThem() {
        FilterSettings settings = parse("tiers", "premium,anonymous,bulk", "shadow", "rpm, files-hour",
                "premium.shadow", "true", "anonymous.shadow", "false", "bulk.max-file-size", "1MB");
        QuotaTiers tiers = settings.tiers();
        assertThat(tiers.limits("default").shadow()).containsExactlyInAnyOrder(Limit.REQUESTS_PER_MINUTE,
                Limit.FILES_PER_HOUR);
        assertThat(tiers.limits("bulk").shadow()).containsExactlyInAnyOrder(Limit.REQUESTS_PER_MINUTE,
                Limit.FILES_PER_HOUR);
        assertThat(tiers.limits("premium").shadow()).containsExactlyInAnyOrderElementsOf(QuotaLimits.SHADOWABLE);
        assertThat(tiers.limits("anonymous").shadow()).isEmpty();
        // a tier's own shadow is never inherited from default's
        assertThat(parse("tiers", "premium", "default.shadow", "tasks").tiers().limits("premium").shadow()).isEmpty();
        assertThat(parse().tiers().limits("default").shadow()).isEmpty();
    }

    @Test
    void anUnknownShadowLimitIsRefusedNamingKeyValueAndTheAllowedNames() {
        assertRejected("shadow: shadow must be true, false or a comma-separated list of [rpm, files-hour, files-day, "
                + "rph, tasks, queue, file-size, window] (the instance's own limits are always enforced), was rmp",
                "shadow", "rpm,rmp");
        assertRejected("premium.shadow: shadow must be true, false or a comma-separated list of [rpm, files-hour, "
                + "files-day, rph, tasks, queue, file-size, window] (the instance's own limits are always enforced), was "
                + "system-tasks", "tiers", "premium", "premium.shadow", "system-tasks");
    }

    @Test
    void theDenialLogsSizeAndWindowAreBounded() {
        assertThat(parse().settings().quota().denialLogSize()).isEqualTo(1_000);
        assertThat(parse().settings().quota().denialLogWindow()).isEqualTo(Duration.ofSeconds(60));
        assertThat(parse("denials.log-size", "0", "denials.log-window", "5s").settings().quota().denialLogWindow())
                .isEqualTo(Duration.ofSeconds(5));
        assertRejected("denials.log-size: denialLogSize must be between 0 and 10000, was 10001",
                "denials.log-size", "10001");
        assertRejected("denials.log-window: denialLogWindow must be between 1s and 86400s, was 10ms",
                "denials.log-window", "10ms");
    }

    @Test
    void unknownKeysAreTypos() {
        assertRejected("premum.requests-per-minute: tier must be one of the tiers listed in 'tiers' "
                + "[default, premium], was premum", "tiers", "premium", "premum.requests-per-minute", "5");
        assertRejected("default.request-per-minute: setting must be one of [requests-per-minute, files-per-hour, "
                + "files-per-day, max-concurrent-tasks, max-queue-size, max-queue-wait, max-file-size, requests-per-hour, limits, scale, shadow, "
                + "rate-limit-headers], "
                + "was request-per-minute", "default.request-per-minute", "5");
        assertThatThrownBy(() -> parse("identity.api-key", "x")).hasMessageStartingWith(
                "identity.api-key: setting must be one of [tiers, system.max-concurrent-tasks,");
        assertRejected("default.scale: setting must be a per-tier setting of a tier other than 'default' "
                + "(the default tier is what other tiers scale), was default.scale", "default.scale", "2");
    }

    @Test
    void contextParamsAreReportedWithTheirPrefix() {
        Map<String, String> params = Map.of("quotaware.default.max-queue-size", "-1");

        assertThatThrownBy(() -> RequestSettings.read(QuotaSettings.PREFIX, ConfigSource.of("context-param", params)))
                .hasMessage("quotaware.default.max-queue-size: maxQueueSize must be a whole number between 0 and "
                        + "100000, or 'off', was -1");
    }

    @Test
    void identitySettings() {
        FilterSettings settings = parse("tiers", "premium", "identity.api-keys", "k1=alice:premium, k2=alice, k3=bob",
                "identity.api-key-header", "Authorization-Key", "identity.anonymous-tier", "premium");

        assertThat(settings.settings().identity().apiKeys()).containsEntry("k1", new IdentitySettings.ApiKey("alice", "premium"))
                .containsEntry("k2", new IdentitySettings.ApiKey("alice", null)).hasSize(3);
        assertThat(settings.settings().identity().anonymousTier()).isEqualTo("premium");
    }

    @Test
    void badIdentitySettingsAreRefusedWithoutEchoingKeys() {
        assertRejected("identity.api-keys: tier must be one of the tiers [default] (in the entry for user 'alice'), "
                + "was gold", "identity.api-keys", "secret=alice:gold");
        assertRejected("identity.api-keys: apiKey must be key=user or key=user:tier, comma-separated, was entry 2",
                "identity.api-keys", "k1=alice, secret-without-user");
        assertRejected("identity.trusted-proxies: trustedProxy must be an IPv4 or IPv6 address or CIDR range such as "
                + "10.0.0.0/8 or 2001:db8::/32, was proxy.example.com",
                "identity.trusted-proxies", "10.0.0.0/8, proxy.example.com");
        assertRejected("identity.trusted-proxies: trustedProxy must be an IPv4 or IPv6 address or CIDR range such as "
                + "10.0.0.0/8 or 2001:db8::/32, was 10.0.0.0/33", "identity.trusted-proxies", "10.0.0.0/33");
        assertRejected("identity.user-header: userHeader must be set together with identity.trusted-proxies "
                + "(the header is believed only from those peers), was X-User", "identity.user-header", "X-User");
        assertRejected("identity.anonymous-tier: tier must be one of the tiers [default], was guests",
                "identity.anonymous-tier", "guests");
    }

    @Test
    void pathSettings() {
        FilterSettings settings = parse("paths.include", "/api/*", "paths.exclude", "/api/health",
                "paths.files", "/API/Upload/*, /api/pricelists/", "files.methods", "post");

        assertThat(settings.paths().counted("/api/x")).isTrue();
        assertThat(settings.paths().counted("/api")).isTrue();
        assertThat(settings.paths().counted("/apix")).isFalse();
        assertThat(settings.paths().counted("/api/health")).isFalse();
        assertThat(settings.paths().upload("/api/upload/a", "POST")).isTrue();
        assertThat(settings.paths().upload("/api/pricelists", "POST")).isTrue();
        assertThat(settings.paths().upload("/api/pricelists", "PUT")).isFalse();
        assertRejected("paths.files: pathPattern must be an exact path such as /api/upload or a prefix such as "
                + "/api/*, starting with '/', was /api/*.csv", "paths.files", "/api/*.csv");
    }

    @Test
    void anApiKeyContainingAnEqualsSignIsRefusedWithoutShowingIt() {
        // split at the first '=', "abc=def=alice" used to become key "abc" for user "def=alice"
        assertThatThrownBy(() -> parse("identity.api-keys", "ok-key=bob,abc=def=alice:default"))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessageContaining("identity.api-keys")
                .hasMessageContaining("entry 2")
                .hasMessageContaining("'='")
                .hasMessageNotContaining("abc").hasMessageNotContaining("def=");
    }

    @Test
    void aTierNamedLikeAnInstanceSettingIsRefused() {
        // system.max-concurrent-tasks would set both the instance's limit and the tier's
        for (String reserved : new String[] {"system", "identity", "paths", "files", "denials"}) {
            assertThatThrownBy(() -> parse("tiers", "premium," + reserved))
                    .isInstanceOf(InvalidQuotaConfigException.class)
                    .hasMessageContaining("tiers")
                    .hasMessageContaining(reserved)
                    .hasMessageContaining("reserved");
        }
    }
}
