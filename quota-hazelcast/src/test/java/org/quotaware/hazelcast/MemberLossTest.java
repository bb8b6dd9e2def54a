package org.quotaware.hazelcast;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.UserQuotaUsage;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** A member dies mid-run: the survivor keeps the counters (backup) and gets the dead member's slots back (lease). */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemberLossTest {

    private static final Duration LEASE = Duration.ofSeconds(30);
    private final MutableClock clock = new MutableClock();
    private TestCluster cluster;

    @AfterEach
    void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private DefaultQuotaManager manager(int member, QuotaLimits limits) {
        HazelcastQuotaStore store = HazelcastQuotaStore.builder(cluster.member(member)).mapName("loss").clock(clock)
                .slotLease(LEASE).build();
        return DefaultQuotaManager.builder().store(store).tiers(new QuotaTiers(limits)).build();
    }

    @Test
    void theSurvivorKeepsTheCountsAndGetsTheDeadMembersSlotsBackAfterTheLease() {
        cluster = TestCluster.start("loss", 5811, 2);
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(10).maxConcurrentTasks(2).maxQueueSize(0).build();
        DefaultQuotaManager survivor = manager(0, limits);
        DefaultQuotaManager doomed = manager(1, limits);
        // the entry's primary copy lives on the member that dies: what survives is the backup
        String user = TestCluster.keyOwnedBy(cluster.member(1), "frank-");

        QuotaPermit mine = (QuotaPermit) survivor.acquire(user, QuotaRequest.request());
        assertThat(doomed.acquire(user, QuotaRequest.request()).admitted()).isTrue(); // never released
        for (int i = 0; i < 3; i++) {
            assertThat(doomed.acquire(user, QuotaRequest.request().withConcurrent(false)).admitted()).isTrue();
        }
        assertThat(survivor.acquire(user, QuotaRequest.request()).result().violated(Limit.CONCURRENT_TASKS)).isTrue();

        cluster.crash(1);

        UserQuotaUsage after = survivor.usage(user);
        assertThat(after.requestsPerMinute()).isEqualTo(5);
        assertThat(after.activeTasks()).isEqualTo(2);
        assertThat(cluster.member(0).getPartitionService().getPartition(user).getOwner().localMember()).isTrue();

        // the survivor renews its own slot; the dead member's lapses after exactly one lease
        clock.advance(LEASE.dividedBy(3));
        assertThat(survivor.renewLeases()).isEqualTo(1);
        clock.advance(LEASE.minus(LEASE.dividedBy(3)).minusMillis(1));
        assertThat(survivor.renewLeases()).isEqualTo(1);
        Acquisition stillHeld = survivor.acquire(user, QuotaRequest.request());
        assertThat(stillHeld.result().violated(Limit.CONCURRENT_TASKS)).isTrue();
        clock.advance(Duration.ofMillis(1));
        Acquisition freed = survivor.acquire(user, QuotaRequest.request());
        assertThat(freed.admitted()).isTrue();
        assertThat(survivor.usage(user).activeTasks()).isEqualTo(2);
        assertThat(survivor.usage(user).requestsPerMinute()).isEqualTo(6);

        ((QuotaPermit) freed).close();
        mine.close();
        assertThat(survivor.usage(user).activeTasks()).isZero();
    }
}
