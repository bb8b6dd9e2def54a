package org.quotaware.cdi;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;

/** The store key of a {@code @Quota} method: never another caller's quota, whatever the caller's name holds. */
class QuotaMethodTest {

    private static final QuotaMethod OWN = new QuotaMethod("", 1, false, "Shop#buy");
    private static final QuotaMethod GOLD = new QuotaMethod("gold", 1, false, "Shop#report");

    @Test
    void aPrincipalNamedLikeAPerMethodQuotaDoesNotShareIt() {
        QuotaLimits onePerMinute = QuotaLimits.builder().requestsPerMinute(1).build();
        QuotaTiers tiers = new QuotaTiers(onePerMinute).define("gold", onePerMinute);
        try (QuotaManager m = DefaultQuotaManager.builder().tiers(tiers).build()) {
            // "alice@gold" spends her own quota; "alice" then calls a method with a separate quota of tier gold
            String aliceAtGold = OWN.key("principal:alice@gold");
            String alicesGold = GOLD.key("principal:alice");
            try (QuotaPermit first = (QuotaPermit) m.acquire(aliceAtGold, QuotaRequest.request())) {
                QuotaCheckResult second = m.acquire(alicesGold, QuotaRequest.request().withTier("gold")).result();
                assertThat(second.allowed()).as("alice's gold quota is untouched by alice@gold's call").isTrue();
            }
            assertThat(m.usage(aliceAtGold).requestsPerMinute()).isEqualTo(1);
            assertThat(m.usage(alicesGold, "gold").requestsPerMinute()).isEqualTo(1);
        }
    }

    @Test
    void aSeparateQuotaIsNeverAnIdentitysOwnKey() {
        assertThat(GOLD.key("principal:alice")).isNotEqualTo(OWN.key("principal:alice@gold"))
                .doesNotStartWith("principal:").doesNotStartWith("key:").doesNotStartWith("user:")
                .doesNotStartWith("ip:").isNotEqualTo("anonymous");
    }

    @Test
    void theCallersOwnQuotaIsTheCallersKey() {
        assertThat(OWN.key("key:alice@gold")).isEqualTo("key:alice@gold");
    }

    @Test
    void separateQuotasOfOneCallerDifferByTier() {
        QuotaMethod reports = new QuotaMethod("reports", 0, false, "Shop#reports");
        assertThat(GOLD.key("key:bob")).isNotEqualTo(reports.key("key:bob"));
        assertThat(GOLD.key("key:bob")).isNotEqualTo(GOLD.key("key:bob2"));
    }
}
