package org.quotaware.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Counted;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.Violation;
import org.quotaware.WindowedLimit;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** Windowed limits of any window, declared as rows: counted, reported by name, moved between layouts, encoded. */
class DeclaredLimitsTest {

    private static final long T0 = 1_767_571_200_000L; // a bucket boundary of every window
    private static final WindowedLimit UPLOADS = new WindowedLimit("uploads", Counted.FILES, Duration.ofSeconds(10), 3);
    private static final WindowedLimit BURST = new WindowedLimit("rate.burst", Counted.REQUESTS, 200, 2, null);
    private static final WindowedLimit WEEK = new WindowedLimit("week", Counted.REQUESTS, Duration.ofDays(7), 1_000);

    private final MutableClock clock = new MutableClock();

    private QuotaManager manager(QuotaLimits limits) {
        return DefaultQuotaManager.builder().clock(clock).tiers(new QuotaTiers(limits)).build();
    }

    @Test
    void aTenSecondWindowAdmitsExactlyItsLimitAndNamesItselfWhenItDenies() {
        QuotaManager m = manager(QuotaLimits.builder().limit(UPLOADS).build());
        for (int i = 0; i < 3; i++) {
            ((QuotaPermit) m.acquire("alice", QuotaRequest.upload(1, 10))).close();
        }
        QuotaCheckResult r = m.acquire("alice", QuotaRequest.upload(1, 10)).result();
        assertThat(r.allowed()).isFalse();
        Violation v = r.violations().get(0);
        assertThat(v.limit()).isEqualTo(Limit.WINDOW);
        assertThat(v.name()).isEqualTo("uploads");
        assertThat(v.windowSeconds()).isEqualTo(10);
        assertThat(v.max()).isEqualTo(3);
        assertThat(v.current()).isEqualTo(3);
        assertThat(v.describe()).isEqualTo("uploads: 3 of 3 used; retry in 11 s"); // the window and one bucket (834 ms)
        assertThat(m.acquire("bob", QuotaRequest.upload(1, 10)).result().allowed()).isTrue();
        clock.advance(Duration.ofMillis(10_834));
        assertThat(m.acquire("alice", QuotaRequest.upload(1, 10)).result().allowed()).isTrue();
    }

    @Test
    void aBurstWindowBelowASecondLetsTheNextRequestInAsSoonAsItsBucketLeaves() {
        clock.set(java.time.Instant.ofEpochMilli(T0));
        QuotaManager m = manager(QuotaLimits.builder().limit(BURST).build());
        assertThat(m.acquire("alice", QuotaRequest.request().withConcurrent(false)).result().allowed()).isTrue();
        assertThat(m.acquire("alice", QuotaRequest.request().withConcurrent(false)).result().allowed()).isTrue();
        assertThat(m.acquire("alice", QuotaRequest.request().withConcurrent(false)).result().allowed()).isFalse();
        // 12 buckets of 17 ms: both units leave when their bucket is 13 buckets old, within the second a denial is
        // kept: the denial is not answered again once the bucket has left
        long leaves = (T0 / 17 + 13) * 17;
        clock.set(java.time.Instant.ofEpochMilli(leaves - 1));
        assertThat(m.acquire("alice", QuotaRequest.request().withConcurrent(false)).result().allowed()).isFalse();
        clock.set(java.time.Instant.ofEpochMilli(leaves));
        assertThat(m.acquire("alice", QuotaRequest.request().withConcurrent(false)).result().allowed()).isTrue();
    }

    @Test
    void nThreadsOnADeclaredWindowAreAdmittedExactlyItsLimitWithSlotsAndQueueOn() throws Exception {
        WindowedLimit perSecond = new WindowedLimit("rate", Counted.REQUESTS, Duration.ofSeconds(1), 25);
        QuotaManager m = manager(QuotaLimits.builder().limit(perSecond).requestsPerMinute(1_000)
                .maxConcurrentTasks(100).maxQueueSize(100).build());
        int threads = 64;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Acquisition>> answers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            answers.add(pool.submit(() -> {
                start.await();
                return m.acquire("alice", QuotaRequest.request());
            }));
        }
        start.countDown();
        int admitted = 0;
        for (Future<Acquisition> f : answers) {
            if (f.get(10, TimeUnit.SECONDS) instanceof QuotaPermit p) {
                admitted++;
                p.close();
            }
        }
        pool.shutdown();
        assertThat(admitted).isEqualTo(25);
        assertThat(m.usage("alice").limits()).filteredOn(s -> s.name().equals("rate"))
                .singleElement().extracting(LimitStatus::used).isEqualTo(25L);
    }

    @Test
    void aRuleLimitCountsOnlyTheRequestsOfItsRule() {
        WindowedLimit reads = new WindowedLimit("rpm", Counted.REQUESTS, 60_000, 2, "reads");
        QuotaManager m = manager(QuotaLimits.builder().limit(reads).build());
        QuotaRequest read = QuotaRequest.request().withConcurrent(false).withRules(Set.of("reads"));
        QuotaRequest other = QuotaRequest.request().withConcurrent(false);
        assertThat(m.acquire("alice", read).result().allowed()).isTrue();
        assertThat(m.acquire("alice", read).result().allowed()).isTrue();
        QuotaCheckResult denied = m.acquire("alice", read).result();
        assertThat(denied.violations()).singleElement().extracting(Violation::name).isEqualTo("reads.rpm");
        QuotaCheckResult otherResult = m.acquire("alice", other).result();
        assertThat(otherResult.allowed()).isTrue(); // the tier's rpm (30) counts it, not reads
        // each answer shows the limits that count its request: a rule's only to the requests it matches
        assertThat(otherResult.limits()).extracting(LimitStatus::name).doesNotContain("reads.rpm");
        assertThat(denied.limits()).extracting(LimitStatus::name).contains("reads.rpm", "rpm");
    }

    @Test
    void aCostLimitCountsEachRequestsCost() {
        WindowedLimit cost = new WindowedLimit("cost", Counted.COST, 60_000, 10, null);
        QuotaManager m = manager(QuotaLimits.builder().limit(cost).build());
        assertThat(m.acquire("alice", QuotaRequest.request().withConcurrent(false).withCost(7)).result().allowed())
                .isTrue();
        QuotaCheckResult r = m.acquire("alice", QuotaRequest.request().withConcurrent(false).withCost(4)).result();
        assertThat(r.violations()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("cost");
            assertThat(v.current()).isEqualTo(7);
        });
        assertThat(m.acquire("alice", QuotaRequest.request().withConcurrent(false).withCost(3)).result().allowed())
                .isTrue();
    }

    @Test
    void bytesAreCountedInKibRoundedUp() {
        WindowedLimit bytes = new WindowedLimit("bytes", Counted.BYTES, 86_400_000, 2, null); // 2 KiB a day
        QuotaManager m = manager(QuotaLimits.builder().limit(bytes).build());
        ((QuotaPermit) m.acquire("alice", QuotaRequest.upload(1, 1025))).close(); // 2 KiB
        assertThat(m.acquire("alice", QuotaRequest.upload(1, 1)).result().allowed()).isFalse();
    }

    @Test
    void cpuChargedAtReleaseRefusesTheCallerUntilItLeavesTheWindow() {
        WindowedLimit cpu = new WindowedLimit("cpu", Counted.CPU, 60_000, 20, null); // 20 ms a minute
        QuotaManager m = manager(QuotaLimits.builder().limit(cpu).build());
        assertThat(m.chargedAtEnd()).containsExactly(Counted.CPU);
        QuotaPermit p = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        p.charge(Counted.CPU, 19_000_001); // 19.000001 ms: 20 ms, rounded up
        p.charge(Counted.ALLOCATED, 5_000); // not counted by any limit here
        p.close();
        QuotaCheckResult r = m.acquire("alice", QuotaRequest.request()).result();
        assertThat(r.allowed()).isFalse();
        assertThat(r.violations()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("cpu");
            assertThat(v.current()).isEqualTo(20);
            assertThat(v.retryAfterSeconds()).isEqualTo(65);
        });
        assertThat(m.acquire("bob", QuotaRequest.request()).result().allowed()).isTrue();
        clock.advance(Duration.ofSeconds(65));
        assertThat(m.acquire("alice", QuotaRequest.request()).result().allowed()).isTrue();
    }

    @Test
    void aStateDecidedUnderTwoTiersKeepsTheCountsOfBoth() {
        QuotaLimits a = QuotaLimits.builder().limit(UPLOADS).build();
        QuotaLimits b = QuotaLimits.builder().limit(WEEK).build();
        QuotaTiers tiers = new QuotaTiers(a).define("b", b);
        QuotaManager m = DefaultQuotaManager.builder().clock(clock).tiers(tiers).build();
        ((QuotaPermit) m.acquire("alice", QuotaRequest.upload(2, 1))).close();
        ((QuotaPermit) m.acquire("alice", QuotaRequest.request().withTier("b"))).close();
        tiers.assign("alice", "b");
        // the week counts the request decided under it; the minute, both
        assertThat(m.usage("alice").limits()).filteredOn(s -> s.name().equals("week"))
                .singleElement().extracting(LimitStatus::used).isEqualTo(1L);
        tiers.unassign("alice");
        assertThat(m.usage("alice").limits()).filteredOn(s -> s.name().equals("uploads"))
                .singleElement().extracting(LimitStatus::used).isEqualTo(2L);
        assertThat(m.usage("alice").limits()).filteredOn(s -> s.name().equals("rpm"))
                .singleElement().extracting(LimitStatus::used).isEqualTo(2L);
    }

    @Test
    void aStateOfDeclaredRingsSurvivesItsBytesAndTheSeedsLayoutKeepsItsFormat() {
        QuotaLimits limits = QuotaLimits.builder().limit(UPLOADS).limit(WEEK).build();
        UserState s = new UserState();
        QuotaEngine.decide(s, QuotaRequest.upload(2, 1), limits, T0, true, 7, 30_000);
        s.allowances = Allowances.add(s.allowances, 9, T0 + 30_000, 1, s.stride());
        s.allowances[s.allowances.length - 1] = 4;
        byte[] bytes = s.toBytes();
        assertThat(bytes[0]).isEqualTo((byte) 3);
        UserState back = UserState.fromBytes(bytes);
        assertThat(back.toString()).isEqualTo(s.toString());
        assertThat(back.windows.sameRings(s.windows)).isTrue();
        assertThat(back.toBytes()).isEqualTo(bytes);
        UserState seed = new UserState();
        QuotaEngine.decide(seed, QuotaRequest.upload(1, 1), QuotaLimits.defaults(), T0, true, 7, 30_000);
        assertThat(seed.toBytes()[0]).isEqualTo((byte) 1);
    }

    @Test
    void declaredLimitsCostsAndRulesSurviveTheOperationsBytes() {
        QuotaLimits limits = QuotaLimits.builder().limit(UPLOADS).limit(BURST).off(Limit.FILES_PER_DAY).build();
        QuotaRequest request = QuotaRequest.upload(2, 5).withCost(9).withRules(Set.of("uploads", "big"));
        Operations.Acquire a = new Operations.Acquire(request, limits, 5, 30_000, false);
        Operations.Acquire back = (Operations.Acquire) OperationCodec.decode(OperationCodec.encode(a));
        assertThat(back.limits()).isEqualTo(limits);
        assertThat(back.limits().windows()).isEqualTo(limits.windows());
        assertThat(back.request().cost()).isEqualTo(9);
        assertThat(back.request().rules()).containsExactlyInAnyOrder("uploads", "big");
        Operations.Release r = new Operations.Release(5, true, new Operations.Charges(12, 34, Set.of("x")));
        assertThat(OperationCodec.decode(OperationCodec.encode(r))).isEqualTo(r);
        Decision d = QuotaEngine.decide(new UserState(), QuotaRequest.upload(9, 1), limits, T0, false, 0, 0);
        Object answer = WireFormat.answer(WireFormat.result(0, d), n -> { });
        assertThat(((Decision) answer).violations()).isEqualTo(d.violations());
        assertThat(((Decision) answer).limits()).isEqualTo(d.limits());
    }

    @Test
    void requestsPerHourIsOneRowOfTheTableConfiguredHeadedAndShippedLikeEveryPreset() {
        QuotaLimits limits = org.quotaware.config.QuotaSettings.parse("",
                java.util.Map.of("default.requests-per-hour", "2")).tiers().limits("default");
        assertThat(limits.get(Limit.REQUESTS_PER_HOUR)).isEqualTo(2);
        QuotaManager m = manager(limits);
        ((QuotaPermit) m.acquire("alice", QuotaRequest.request())).close();
        ((QuotaPermit) m.acquire("alice", QuotaRequest.request())).close();
        QuotaCheckResult r = m.acquire("alice", QuotaRequest.request()).result();
        assertThat(r.violations()).singleElement().satisfies(v -> {
            assertThat(v.limit()).isEqualTo(Limit.REQUESTS_PER_HOUR);
            assertThat(v.name()).isEqualTo("rph");
        });
        assertThat(org.quotaware.http.RateLimitHeaders.policy(r.limits())).contains("\"rph\";q=2;w=3600");
        Operations.Acquire a = new Operations.Acquire(QuotaRequest.request(), limits, 5, 30_000, false);
        byte[] bytes = OperationCodec.encode(a);
        assertThat(bytes[0]).isEqualTo((byte) OperationCodec.VERSION);
        assertThat(((Operations.Acquire) OperationCodec.decode(bytes)).limits()).isEqualTo(limits);
        Decision d = QuotaEngine.decide(new UserState(), QuotaRequest.request(), QuotaLimits.builder()
                .requestsPerMinute(5).set(Limit.REQUESTS_PER_HOUR, 1).build(), T0, false, 0, 0);
        assertThat(((Decision) WireFormat.answer(WireFormat.result(0, d), n -> { })).limits()).isEqualTo(d.limits());
    }
}
