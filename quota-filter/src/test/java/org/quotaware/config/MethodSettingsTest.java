package org.quotaware.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.quotaware.Counted;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.WindowedLimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A {@code @Quota} method's members: the annotation's, overridden per method, per class or for every method by keys
 * read like every other key, and validated with messages naming the key, the value and what is allowed.
 */
class MethodSettingsTest {

    private static final String SHOP = "com.acme.Shop";
    private static final MethodSettings.Annotated PLAIN = new MethodSettings.Annotated("", 0, true, "", "",
            "shop.export");
    private static final QuotaSettings QUOTA = QuotaSettings.parse("", Map.of("tiers", "reports",
            "default.files-per-hour", "10", "rules", "reads", "rule.reads.limits", "requests=3/1m",
            "rule.reads.cost", "2"));

    private static MethodSettings read(MethodSettings.Annotated annotated, String... pairs) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return MethodSettings.read(ConfigSource.of("test", values), SHOP, "export", annotated, QUOTA);
    }

    @Test
    void theAnnotationGivesEveryMemberNoKeyOverrides() {
        MethodSettings s = read(new MethodSettings.Annotated("reports", 1, false, "reads", "", "shop.export"));

        assertThat(s).isEqualTo(new MethodSettings("reports", 1, false, java.util.Set.of("reads"), 2, List.of()));
    }

    @Test
    void theMethodsKeyWinsOverTheClasssWhichWinsOverEveryMethods() {
        assertThat(read(PLAIN, "Quota/cost", "3", SHOP + "/Quota/cost", "2", SHOP + "/export/Quota/cost", "1").cost())
                .isEqualTo(1);
        assertThat(read(PLAIN, "Quota/cost", "3", SHOP + "/Quota/cost", "2").cost()).isEqualTo(2);
        assertThat(read(PLAIN, "Quota/cost", "3").cost()).isEqualTo(3);
        assertThat(read(PLAIN, SHOP + "/other/Quota/cost", "3").cost()).as("another method's key").isZero();
        assertThat(read(PLAIN, SHOP + "/export/Quota/tier", " reports ", SHOP + "/export/Quota/concurrent", "FALSE"))
                .extracting(MethodSettings::tier, MethodSettings::concurrent).containsExactly("reports", false);
    }

    @Test
    void aMethodsOwnLimitsAreARuleNamedAfterItOrAsItsRuleKeySays() {
        assertThat(read(PLAIN, SHOP + "/export/Quota/limits", "calls=7 requests/1h").limits()).containsExactly(
                new WindowedLimit("calls", Counted.REQUESTS, 3_600_000, 7, "shop.export"));
        MethodSettings named = read(PLAIN, SHOP + "/export/Quota/limits", "calls=7 requests/1h",
                SHOP + "/Quota/rule", "exports");
        assertThat(named.rules()).containsExactly("exports");
        assertThat(named.limits()).extracting(WindowedLimit::qualifiedName).containsExactly("exports.calls");
        assertThat(read(new MethodSettings.Annotated("", 0, true, "", "calls=2/1m", "shop.export"),
                SHOP + "/export/Quota/limits", "off").rules()).as("switched off by a key").isEmpty();
    }

    @Test
    void aBadValueFromAKeyIsRefusedNamingTheKeyTheValueAndWhatIsAllowed() {
        assertRefused(SHOP + "/export/Quota/cost", "lots",
                SHOP + "/export/Quota/cost: cost must be between 0 and 1000000, was lots");
        assertRefused(SHOP + "/Quota/cost", "11", SHOP + "/Quota/cost: cost must be at most the files per hour and "
                + "per day of tier 'default' (10, 200), or no call could ever pass, was 11");
        assertRefused("Quota/concurrent", "yes", "Quota/concurrent: concurrent must be true or false, was yes");
        assertRefused(SHOP + "/export/Quota/tier", "gold", SHOP + "/export/Quota/tier: tier must be empty (the "
                + "caller's own quota) or one of the tiers [default, reports], was gold");
        assertRefused(SHOP + "/export/Quota/rule", "nosuch", SHOP + "/export/Quota/rule: rule must be one of the "
                + "rules of quotaware.rules [reads], was nosuch");
        assertThatThrownBy(() -> read(PLAIN, SHOP + "/export/Quota/limits", "calls=0/1m"))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessageStartingWith(SHOP + "/export/Quota/limits: entry 'calls=0/1m' must be "
                        + "name=<amount>[ <unit>]/<window>");
    }

    @Test
    void aBadAnnotationIsRefusedNamingTheMember() {
        assertThatThrownBy(() -> read(new MethodSettings.Annotated("", -1, true, "", "", "shop.export")))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("cost must be between 0 and 1000000, was -1");
        assertThatThrownBy(() -> read(new MethodSettings.Annotated("gold", 0, true, "", "", "shop.export")))
                .hasMessage("tier must be empty (the caller's own quota) or one of the tiers [default, reports], "
                        + "was gold");
        assertThatThrownBy(() -> read(new MethodSettings.Annotated("", 0, true, "reads", "calls=1/1m", "x")))
                .hasMessageStartingWith("rule must be a name no quotaware.rule.* key configures when the method has "
                        + "limits of its own");
    }

    @Test
    void theKeysAreTheMethodsTheClasssAndEveryMethodsInThatOrder() {
        assertThat(MethodSettings.keys(SHOP, "export", "cost")).containsExactly(SHOP + "/export/Quota/cost",
                SHOP + "/Quota/cost", "Quota/cost");
    }

    private static void assertRefused(String key, String value, String message) {
        assertThatThrownBy(() -> read(PLAIN, key, value)).isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage(message);
    }
}
