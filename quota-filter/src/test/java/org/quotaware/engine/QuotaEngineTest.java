package org.quotaware.engine;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.Violation;
import org.quotaware.engine.Decision.Verdict;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class QuotaEngineTest {

    private final MutableClock clock = new MutableClock();

    private QuotaManager manager(QuotaLimits limits) {
        return DefaultQuotaManager.builder().clock(clock).tiers(new QuotaTiers(limits)).build();
    }

    @Test
    void everyViolatedLimitIsListedWithItsOwnRetryAfter() {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(2).filesPerHour(1).maxFileSizeBytes(100)
                .build());
        ((QuotaPermit) m.acquire("alice", QuotaRequest.upload(1, 10))).close();
        ((QuotaPermit) m.acquire("alice", QuotaRequest.request())).close();
        clock.advance(Duration.ofSeconds(10));
        QuotaCheckResult r = m.acquire("alice", QuotaRequest.upload(1, 1_000)).result();
        assertThat(r.allowed()).isFalse();
        assertThat(r.violations()).extracting(Violation::limit)
                .containsExactly(Limit.FILE_SIZE, Limit.REQUESTS_PER_MINUTE, Limit.FILES_PER_HOUR);
        assertThat(r.violations().get(0)).isEqualTo(new Violation(Limit.FILE_SIZE, 100, 1_000, Violation.NEVER));
        assertThat(r.violations().get(1)).isEqualTo(new Violation(Limit.REQUESTS_PER_MINUTE, 2, 2, 55));
        assertThat(r.violations().get(2)).isEqualTo(new Violation(Limit.FILES_PER_HOUR, 1, 1, 3_890));
        assertThat(r.retryAfterSeconds()).isEqualTo(3_890);
        assertThat(r.violations().get(1).describe()).isEqualTo("rpm: 2 of 2 used; retry in 55 s");
    }

    @Test
    void aFileOverTheSizeLimitAloneNeverPasses() {
        QuotaManager m = manager(QuotaLimits.builder().maxFileSizeBytes(100).build());
        QuotaCheckResult r = m.acquire("alice", QuotaRequest.upload(1, 101)).result();
        assertThat(r.retryAfterSeconds()).isEqualTo(Violation.NEVER);
        assertThat(m.usage("alice").requestsPerMinute()).isZero();
    }

    @Test
    void aCostAboveTheLimitNeverPasses() {
        QuotaManager m = manager(QuotaLimits.builder().filesPerHour(5).build());
        QuotaCheckResult r = m.acquire("alice", QuotaRequest.upload(6, 1)).result();
        assertThat(r.violations()).singleElement().extracting(Violation::retryAfterSeconds).isEqualTo(Violation.NEVER);
    }

    @Test
    void aDenialConsumesNothing() {
        QuotaManager m = manager(QuotaLimits.builder().filesPerHour(1).requestsPerMinute(5).build());
        ((QuotaPermit) m.acquire("alice", QuotaRequest.upload(1, 1))).close();
        for (int i = 0; i < 3; i++) {
            assertThat(m.acquire("alice", QuotaRequest.upload(1, 1)).admitted()).isFalse();
        }
        assertThat(m.usage("alice").requestsPerMinute()).isEqualTo(1);
        assertThat(m.acquire("alice", QuotaRequest.request()).admitted()).isTrue();
    }

    @Test
    void aPermitReleasesItsSlotExactlyOnceAndRecordsTheOutcome() {
        QuotaManager m = manager(QuotaLimits.builder().maxConcurrentTasks(2).maxQueueSize(0).build());
        QuotaPermit a = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        QuotaPermit b = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        assertThat(m.acquire("alice", QuotaRequest.request()).result().violated(Limit.CONCURRENT_TASKS)).isTrue();
        a.failed();
        a.close();
        a.close();
        a.close();
        assertThat(m.usage("alice").activeTasks()).isEqualTo(1);
        assertThat(m.usage("alice").failed()).isEqualTo(1);
        QuotaPermit c = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        assertThat(m.acquire("alice", QuotaRequest.request()).admitted()).isFalse();
        b.close();
        c.close();
        assertThat(m.usage("alice").completed()).isEqualTo(2);
        assertThat(m.statistics().active()).isZero();
        assertThat(m.statistics().failed()).isEqualTo(1);
    }

    @Test
    void statisticsCountDecisionsPerReason() {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(1).filesPerHour(1).build());
        ((QuotaPermit) m.acquire("alice", QuotaRequest.upload(1, 1))).close();
        m.acquire("alice", QuotaRequest.upload(1, 1));
        m.acquire("alice", QuotaRequest.request());
        var stats = m.statistics();
        assertThat(stats.allowed()).isEqualTo(1);
        assertThat(stats.denied()).isEqualTo(2);
        assertThat(stats.deniedByLimit()).containsEntry(Limit.REQUESTS_PER_MINUTE, 2L)
                .containsEntry(Limit.FILES_PER_HOUR, 1L);
        assertThat(stats.trackedUsers()).isEqualTo(1);
    }

    @Test
    void systemConcurrencyLimitsAllUsersTogether() {
        // without a queue: a request that finds the instance full is denied (with one, it waits: WaitingRoomTest)
        QuotaManager m = manager(QuotaLimits.defaults().toBuilder().maxQueueSize(0).build());
        m.systemLimits(new SystemLimits(2, QuotaLimits.OFF));
        QuotaPermit a = (QuotaPermit) m.acquire("a", QuotaRequest.request());
        QuotaPermit b = (QuotaPermit) m.acquire("b", QuotaRequest.request());
        Acquisition c = m.acquire("c", QuotaRequest.request());
        assertThat(c.result().violations()).extracting(Violation::limit).containsExactly(Limit.SYSTEM_CONCURRENT_TASKS);
        assertThat(m.check("c", QuotaRequest.request()).violated(Limit.SYSTEM_CONCURRENT_TASKS)).isTrue();
        assertThat(m.usage("c").requestsPerMinute()).isZero();
        a.close();
        assertThat(m.acquire("c", QuotaRequest.request()).admitted()).isTrue();
        b.close();
    }

    @Test
    void aSlotWhoseLeaseRanOutIsGivenBack() {
        QuotaLimits one = QuotaLimits.builder().maxConcurrentTasks(1).maxQueueSize(0).build();
        UserState s = new UserState();
        long t0 = clock.millis();
        assertThat(QuotaEngine.decide(s, QuotaRequest.request(), one, t0, true, 7, 1_000).verdict())
                .isEqualTo(Verdict.ADMITTED);
        assertThat(QuotaEngine.decide(s, QuotaRequest.request(), one, t0 + 999, true, 8, 1_000).verdict())
                .isEqualTo(Verdict.DENIED);
        assertThat(new Operations.Renew(new long[] {7}, 1_000).apply(s, t0 + 999)).isEqualTo(1);
        assertThat(QuotaEngine.decide(s, QuotaRequest.request(), one, t0 + 1_500, true, 8, 1_000).verdict())
                .isEqualTo(Verdict.DENIED);
        assertThat(QuotaEngine.decide(s, QuotaRequest.request(), one, t0 + 2_000, true, 9, 1_000).verdict())
                .isEqualTo(Verdict.ADMITTED);
        // the late release of the expired holder must not free the new holder's slot
        assertThat(QuotaEngine.release(s, 7, true, Operations.Charges.NONE, t0 + 2_001)).isFalse();
        assertThat(s.activeSlots(t0 + 2_001)).isEqualTo(1);
    }

    @Test
    void usageReportsTheUsersTierAndCounts() {
        QuotaTiers tiers = new QuotaTiers().define("premium", QuotaLimits.defaults().scaled(2));
        QuotaManager m = DefaultQuotaManager.builder().clock(clock).tiers(tiers).build();
        tiers.assign("bob", "premium");
        QuotaPermit p = (QuotaPermit) m.acquire("bob", QuotaRequest.upload(2, 1));
        var usage = m.usage("bob");
        assertThat(usage.tier()).isEqualTo("premium");
        assertThat(usage.filesPerHour()).isEqualTo(2);
        assertThat(usage.filesPerDay()).isEqualTo(2);
        assertThat(usage.requestsPerMinute()).isEqualTo(1);
        assertThat(usage.activeTasks()).isEqualTo(1);
        assertThat(usage.lastActivity()).isEqualTo(clock.instant());
        assertThat(p.result().status(Limit.REQUESTS_PER_MINUTE).remaining()).isEqualTo(59);
        p.close();
        assertThat(m.usage("nobody").lastActivity()).isNull();
    }

    @Test
    void aRequestAlreadyCountedAddsOnlyItsFilesAndSlot() {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(1).filesPerHour(5).build());
        QuotaPermit outer = (QuotaPermit) m.acquire("alice", QuotaRequest.request().withConcurrent(false));
        QuotaPermit inner = (QuotaPermit) m.acquire("alice", QuotaRequest.upload(2, 1).alreadyCounted());
        var usage = m.usage("alice");
        assertThat(usage.requestsPerMinute()).isEqualTo(1);
        assertThat(usage.filesPerHour()).isEqualTo(2);
        assertThat(usage.activeTasks()).isEqualTo(1);
        inner.close();
        outer.close();
    }

    @Test
    void anOverloadedInstanceShedsTheLowestTierFirstWith503AndSpendsNoQuota() {
        QuotaTiers tiers = new QuotaTiers().define("anonymous", QuotaLimits.defaults())
                .define("premium", QuotaLimits.defaults().scaled(2));
        DefaultQuotaManager m = DefaultQuotaManager.builder().clock(clock).tiers(tiers).build();
        org.quotaware.scaling.LoadProtection protection = org.quotaware.scaling.LoadProtection.builder(20).build();
        m.admission(protection);
        java.util.List<String> seen = new java.util.ArrayList<>();
        m.listen((tier, result, nanos) -> seen.add(tier + ":" + result.allowed()));
        protection.update(org.quotaware.scaling.SystemMetrics.of(clock.instant(), 0.99, 0.5, 0, 0));
        QuotaCheckResult shed = m.acquire("ip:1.2.3.4", QuotaRequest.request().withTier("anonymous")).result();
        assertThat(shed.violations()).extracting(Violation::limit).containsExactly(Limit.LOAD_SHED);
        assertThat(org.quotaware.http.Problem.denial(shed, "/x").status()).isEqualTo(503);
        assertThat(org.quotaware.http.Problem.denial(shed, "/x").type())
                .isEqualTo("urn:quotaware:problem:temporary-reduced-capacity");
        assertThat(m.usage("ip:1.2.3.4", "anonymous").requestsPerMinute()).isZero();
        QuotaPermit regular = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        regular.close();
        assertThat(seen).containsExactly("anonymous:false", "default:true");
        m.admission(null);
        assertThat(m.acquire("ip:1.2.3.4", QuotaRequest.request().withTier("anonymous")).admitted()).isTrue();
    }

    @Test
    void anAdmissionGateRefusesBeforeAnyQuotaIsSpentAndNamesItsOwnViolation() {
        QuotaTiers tiers = new QuotaTiers().define("premium", QuotaLimits.defaults().scaled(2));
        DefaultQuotaManager m = DefaultQuotaManager.builder().clock(clock).tiers(tiers).build();
        Violation closed = new Violation(Limit.LOAD_SHED, 1, 1, 7);
        m.admission((tier, activeTasks) -> "default".equals(tier) ? closed : null);
        QuotaCheckResult refused = m.acquire("alice", QuotaRequest.request()).result();
        assertThat(refused.violations()).containsExactly(closed);
        assertThat(m.usage("alice").requestsPerMinute()).isZero();
        assertThat(m.statistics().active()).isZero();
        ((QuotaPermit) m.acquire("bob", QuotaRequest.request().withTier("premium"))).close();
    }
}
