package org.quotaware.engine;

import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.http.Problem;
import org.quotaware.spi.QuotaStore;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * New anonymous callers beyond the tracked-user cap, as the filter sends them (the anonymous tier, the anonymous
 * flag): each tier overflows into a quota of its own with that tier's limits, and a denial there tells the truth.
 */
class OverflowTest {

    private final MutableClock clock = new MutableClock();
    private final DefaultQuotaManager manager = DefaultQuotaManager.builder().clock(clock).maxTrackedUsers(2)
            .tiers(new QuotaTiers(QuotaLimits.builder().requestsPerMinute(10).build())
                    .define("anonymous", QuotaLimits.builder().requestsPerMinute(2).build()))
            .build();

    private Acquisition fromAddress(String address) {
        return manager.acquire("ip:" + address, QuotaRequest.request().withTier("anonymous"));
    }

    private static String user(Acquisition a) {
        return ((QuotaPermit) a).user();
    }

    @Test
    void eachTierOverflowsIntoItsOwnQuotaWithThatTiersLimits() {
        fromAddress("10.0.0.1").result();
        fromAddress("10.0.0.2").result();

        Acquisition third = fromAddress("10.0.0.3");
        Acquisition fourth = fromAddress("10.0.0.4");
        Acquisition fifth = fromAddress("10.0.0.5");
        // a @Quota method with a tier of its own, called by a new anonymous caller: the default tier's overflow
        Acquisition ownTier = manager.acquire("ip:10.0.0.6", QuotaRequest.request());

        assertThat(user(third)).isEqualTo(QuotaStore.overflowUser("anonymous"));
        assertThat(user(fourth)).isEqualTo(QuotaStore.overflowUser("anonymous"));
        assertThat(fifth.admitted()).isFalse();
        assertThat(fifth.result().tier()).isEqualTo("anonymous");
        assertThat(user(ownTier)).isEqualTo(QuotaStore.overflowUser(QuotaTiers.DEFAULT));
        assertThat(manager.usage(QuotaStore.overflowUser(QuotaTiers.DEFAULT)).requestsPerMinute()).isEqualTo(1);
        assertThat(manager.statistics().overflowed()).isEqualTo(4);
        assertThat(manager.statistics().trackedUsers()).isEqualTo(4);
        // a key holder is never refused for lack of room
        assertThat(manager.acquire("key:alice", QuotaRequest.request().withAnonymous(false)).admitted()).isTrue();
    }

    @Test
    void aDenialInTheOverflowTellsTheOverflowsTrueUseAndRetry() {
        for (int i = 1; i <= 4; i++) {
            fromAddress("10.0.0." + i).result();
        }
        Problem denied = Problem.denial(fromAddress("10.0.0.5").result(), "/api/pricelists");
        // exactly what a tracked caller over the same limit at the same time is told
        fromAddress("10.0.0.1").result();
        Problem tracked = Problem.denial(fromAddress("10.0.0.1").result(), "/api/pricelists");

        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.detail()).isEqualTo("rpm: 2 of 2 used; retry in 65 s").isEqualTo(tracked.detail());
        assertThat(denied.result().retryAfterSeconds()).isEqualTo(65);
    }

    @Test
    void overflowSlotsComeBackWhenTheirPermitsClose() {
        fromAddress("10.0.0.1").result();
        fromAddress("10.0.0.2").result();
        QuotaPermit first = (QuotaPermit) fromAddress("10.0.0.3");
        QuotaPermit second = (QuotaPermit) fromAddress("10.0.0.4");
        assertThat(manager.statistics().active()).isEqualTo(4);

        first.close();
        second.close();

        assertThat(manager.usage(QuotaStore.overflowUser("anonymous")).activeTasks()).isZero();
        assertThat(manager.statistics().active()).isEqualTo(2);
    }
}
