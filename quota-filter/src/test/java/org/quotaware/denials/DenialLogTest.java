package org.quotaware.denials;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.Violation;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DenialLogTest {

    private final MutableClock clock = new MutableClock();

    private static QuotaCheckResult denied(Limit limit) {
        return QuotaCheckResult.denied("default", List.of(new Violation(limit, 30, 30, 12)), List.of());
    }

    @Test
    void everyDenialOfTheManagerIsRecordedWithUserTierEveryViolationPathAndMember() {
        DefaultQuotaManager m = DefaultQuotaManager.builder().clock(clock).tiers(new QuotaTiers(QuotaLimits.builder()
                .requestsPerMinute(1).filesPerHour(1).build())).build();
        DenialLog log = new DenialLog(10, "member-1", clock);
        m.listen(log);
        ((QuotaPermit) m.acquire("key:alice", QuotaRequest.upload(1, 10).withTarget("/api/pricelists"))).close();
        clock.advance(Duration.ofSeconds(5));

        m.acquire("key:alice", QuotaRequest.upload(1, 10).withTarget("/api/pricelists"));

        assertThat(log.latest(10)).singleElement().isEqualTo(new Denial(clock.instant(), "key:alice", "default",
                "/api/pricelists", "member-1", false, List.of(new Violation(Limit.REQUESTS_PER_MINUTE, 1, 1, 60),
                new Violation(Limit.FILES_PER_HOUR, 1, 1, 3_895))));
    }

    @Test
    void aShadowDenialIsRecordedAndMarkedAndAnAdmissionIsNot() {
        DefaultQuotaManager m = DefaultQuotaManager.builder().clock(clock).tiers(new QuotaTiers(QuotaLimits.builder()
                .requestsPerMinute(1).shadow(List.of(Limit.REQUESTS_PER_MINUTE)).build())).build();
        DenialLog log = new DenialLog(10, "m", clock);
        m.listen(log);
        ((QuotaPermit) m.acquire("bob", QuotaRequest.request())).close();
        ((QuotaPermit) m.acquire("bob", QuotaRequest.request().withTarget("App#run"))).close();

        assertThat(log.latest(10)).singleElement().satisfies(d -> {
            assertThat(d.shadow()).isTrue();
            assertThat(d.target()).isEqualTo("App#run");
            assertThat(d.violations()).extracting(Violation::limit).containsExactly(Limit.REQUESTS_PER_MINUTE);
        });
    }

    @Test
    void theRingKeepsTheLatestNewestFirstAndPerUser() {
        DenialLog log = new DenialLog(5, "m", clock);
        for (int i = 0; i < 12; i++) {
            log.decided(i % 2 == 0 ? "even" : "odd", QuotaRequest.request().withTarget("/p" + i),
                    denied(Limit.REQUESTS_PER_MINUTE), 0);
        }
        assertThat(log.latest(100)).extracting(Denial::target).containsExactly("/p11", "/p10", "/p9", "/p8", "/p7");
        assertThat(log.latest(2)).extracting(Denial::target).containsExactly("/p11", "/p10");
        assertThat(log.of("even", 100)).extracting(Denial::target).containsExactly("/p10", "/p8");
        assertThat(log.of("even", 1)).extracting(Denial::target).containsExactly("/p10");
        assertThat(log.of("nobody", 100)).isEmpty();
        assertThat(log.recorded()).isEqualTo(12);
    }

    @Test
    void callerChosenTextIsCutSoAnEntryStaysSmall() {
        DenialLog log = new DenialLog(1, "m", clock);
        String longUser = "header:" + "x".repeat(10_000);
        log.decided(longUser, QuotaRequest.request().withTarget("/" + "p".repeat(10_000)), denied(Limit.QUEUE_SIZE), 0);
        Denial d = log.latest(1).get(0);
        assertThat(d.user()).hasSize(Denial.MAX_TEXT).startsWith("header:xxx").endsWith("\u2026");
        assertThat(d.target()).hasSize(QuotaRequest.MAX_TARGET);
    }

    @Test
    void aLogOfSizeZeroKeepsNothingAndTheSizeIsBounded() {
        DenialLog none = new DenialLog(0, "m", clock);
        none.decided("a", QuotaRequest.request(), denied(Limit.REQUESTS_PER_MINUTE), 0);
        assertThat(none.latest(10)).isEmpty();
        assertThatThrownBy(() -> new DenialLog(DenialLog.MAX_SIZE + 1, "m", clock))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("size must be between 0 and 10000, was 10001");
    }

    @Test
    void concurrentRecordersLoseNothingTheRingCanHold() throws Exception {
        DenialLog log = new DenialLog(1_000, "m", clock);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        for (int t = 0; t < 8; t++) {
            String user = "u" + t;
            pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    log.decided(user, QuotaRequest.request(), denied(Limit.REQUESTS_PER_MINUTE), 0);
                }
            });
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(log.latest(1_000)).hasSize(800);
        assertThat(log.of("u3", 1_000)).hasSize(100).allSatisfy(d -> assertThat(d.time()).isEqualTo(
                Instant.parse("2026-01-05T00:00:00Z")));
    }
}
