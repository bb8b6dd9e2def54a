package org.quotaware.engine;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.Violation;
import org.quotaware.spi.AdmissionGate;

import static org.assertj.core.api.Assertions.assertThat;

/** Limits of a user's own (an override) change what the user may do, not how the load protection ranks it. */
class OverrideRankTest {

    @Test
    void aUserWithLimitsOfItsOwnIsRankedAsItsTierWhenTiersAreShed() {
        QuotaLimits own = QuotaLimits.builder().requestsPerMinute(500).build();
        QuotaTiers tiers = new QuotaTiers().define("premium", QuotaLimits.defaults())
                .define("anonymous", QuotaLimits.defaults());
        tiers.assign("key:vip", "premium").override("key:vip", own);
        tiers.override("ip:192.0.2.1", own);
        DefaultQuotaManager m = DefaultQuotaManager.builder().tiers(tiers).build();
        List<String> asked = new ArrayList<>();
        // the protection's second level: anonymous and default are shed, premium goes on
        m.admission((tier, active) -> {
            asked.add(tier);
            return AdmissionGate.OPEN.rank(tier) < 2 ? new Violation(Limit.LOAD_SHED, 3, 2, 5) : null;
        });

        Acquisition vip = m.acquire("key:vip", QuotaRequest.request());
        Acquisition address = m.acquire("ip:192.0.2.1", QuotaRequest.request().withTier("anonymous"));

        assertThat(vip.admitted()).as("premium, with limits of its own").isTrue();
        assertThat(vip.result().tier()).as("where its limits come from").isEqualTo(QuotaTiers.OVERRIDE);
        assertThat(address.admitted()).as("anonymous, with limits of its own").isFalse();
        assertThat(asked).containsExactly("premium", "anonymous");
        ((QuotaPermit) vip).close();
        m.close();
    }

    @Test
    void theRankedTierIsTheTierTheUserHasWithoutItsOverride() {
        QuotaTiers tiers = new QuotaTiers().define("premium", QuotaLimits.defaults());
        tiers.assign("key:vip", "premium");
        tiers.override("key:vip", QuotaLimits.defaults()).override("key:joe", QuotaLimits.defaults());

        assertThat(tiers.rankedTier("key:vip", "anonymous")).isEqualTo("premium");
        assertThat(tiers.rankedTier("key:joe", "premium")).isEqualTo("premium");
        assertThat(tiers.rankedTier("key:joe", "no-such-tier")).isEqualTo(QuotaTiers.DEFAULT);
        assertThat(tiers.rankedTier("key:joe", null)).isEqualTo(QuotaTiers.DEFAULT);
    }
}
