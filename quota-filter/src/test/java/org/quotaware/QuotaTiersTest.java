package org.quotaware;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class QuotaTiersTest {

    private final QuotaLimits premium = QuotaLimits.defaults().scaled(2);
    private final QuotaLimits anonymous = QuotaLimits.builder().requestsPerMinute(10).build();
    private final QuotaTiers tiers = new QuotaTiers().define("premium", premium).define("anonymous", anonymous);

    @Test
    void resolvesOverrideThenAssignedThenCallerThenDefault() {
        assertThat(tiers.resolve("u", null).tier()).isEqualTo("default");
        assertThat(tiers.resolve("u", "anonymous").limits()).isEqualTo(anonymous);
        assertThat(tiers.resolve("u", "no-such-tier").tier()).isEqualTo("default");
        tiers.assign("u", "premium");
        assertThat(tiers.resolve("u", "anonymous").limits()).isEqualTo(premium);
        QuotaLimits own = QuotaLimits.builder().filesPerHour(1).build();
        tiers.override("u", own);
        assertThat(tiers.resolve("u", "anonymous")).isEqualTo(new QuotaTiers.Applied("override", own));
        tiers.clearOverride("u");
        tiers.unassign("u");
        assertThat(tiers.resolve("u", null).tier()).isEqualTo("default");
    }

    @Test
    void changesApplyAtRuntime() {
        tiers.assign("u", "premium");
        QuotaLimits cheaper = QuotaLimits.builder().requestsPerMinute(1).build();
        tiers.define("premium", cheaper);
        assertThat(tiers.resolve("u", null).limits()).isEqualTo(cheaper);
        tiers.remove("premium");
        assertThat(tiers.resolve("u", null).tier()).isEqualTo("default");
    }

    @Test
    void rejectsUnknownTiersAndBadNames() {
        assertThatThrownBy(() -> tiers.assign("u", "gold"))
                .hasMessage("tier must be one of the defined tiers [anonymous, default, premium], was gold");
        assertThatThrownBy(() -> tiers.define("bad name", premium)).hasMessageStartingWith("tier must be 1 to 64");
        assertThatThrownBy(() -> tiers.remove("default")).isInstanceOf(InvalidQuotaConfigException.class);
    }
}
