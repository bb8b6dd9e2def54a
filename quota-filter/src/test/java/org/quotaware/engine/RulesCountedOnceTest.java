package org.quotaware.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Counted;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaDenial;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.WindowedLimit;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A request the filter counted under its rules, then by a {@code @Quota} method of other rules: the method's rules
 * count the request, its cost and its files once, in the same decision; the filter's rules and the limits on every
 * request never count it twice.
 */
class RulesCountedOnceTest {

    private static final Set<String> FILTER = Set.of("reads");
    private static final Set<String> BOTH = Set.of("reads", "lookups");
    private static final QuotaLimits LIMITS = QuotaLimits.builder().requestsPerMinute(1_000).filesPerHour(1_000)
            .maxConcurrentTasks(100).maxQueueSize(100)
            .limit(new WindowedLimit("requests", Counted.REQUESTS, 60_000, 500, "reads"))
            .limit(new WindowedLimit("calls", Counted.REQUESTS, 60_000, 3, "lookups"))
            .limit(new WindowedLimit("cost", Counted.COST, 60_000, 50, "lookups"))
            .limit(new WindowedLimit("files", Counted.FILES, 60_000, 100, "lookups")).build();

    private final DefaultQuotaManager manager = DefaultQuotaManager.builder().clock(new MutableClock())
            .tiers(new QuotaTiers(LIMITS)).build();

    @AfterEach
    void stop() {
        manager.close();
    }

    /** What the filter asks for a request matching {@code reads}: a request and a slot. */
    private static QuotaRequest filtered() {
        return QuotaRequest.request().withRules(FILTER).withAnonymous(false);
    }

    /** What a {@code @Quota(rule = "lookups")} method on that request asks: its files, and its rule's request. */
    private static QuotaRequest method() {
        return QuotaRequest.upload(2, -1).withConcurrent(false).withAnonymous(false).withRules(BOTH).withCost(4)
                .alreadyCounted(FILTER);
    }

    private Map<String, Long> used(String user) {
        return manager.usage(user).limits().stream()
                .collect(Collectors.toMap(LimitStatus::name, LimitStatus::used, (a, b) -> a));
    }

    @Test
    void nRequestsCountedByTheFilterAreAdmittedByTheMethodsRuleExactlyItsLimitAndCountedOnceEverywhere()
            throws Exception {
        int threads = 16;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<QuotaCheckResult>> answers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            answers.add(pool.submit(() -> {
                start.await();
                try (QuotaPermit filter = (QuotaPermit) manager.acquire("alice", filtered())) {
                    Acquisition call = manager.acquire("alice", method());
                    if (call instanceof QuotaPermit p) {
                        p.close();
                    }
                    return call.result();
                }
            }));
        }
        start.countDown();
        List<QuotaCheckResult> results = new ArrayList<>();
        for (Future<QuotaCheckResult> f : answers) {
            results.add(f.get(10, TimeUnit.SECONDS));
        }
        pool.shutdown();

        assertThat(results).filteredOn(QuotaCheckResult::allowed).hasSize(3);
        assertThat(results).filteredOn(r -> !r.allowed()).allSatisfy(r ->
                assertThat(r.violations()).singleElement().satisfies(v -> {
                    assertThat(v.name()).isEqualTo("lookups.calls");
                    assertThat(v.max()).isEqualTo(3);
                    assertThat(v.current()).isEqualTo(3);
                }));
        Map<String, Long> used = used("alice");
        assertThat(used).as("the filter's counts, never the method's again")
                .containsEntry("rpm", 16L).containsEntry("reads.requests", 16L);
        assertThat(used).as("the method's rule: its admitted calls, their cost and files, once")
                .containsEntry("lookups.calls", 3L).containsEntry("lookups.cost", 12L)
                .containsEntry("lookups.files", 6L).containsEntry("files-hour", 6L);
        assertThat(used).containsEntry("tasks", 0L);
    }

    @Test
    void aMethodOfTheFiltersOwnRuleCountsOnlyItsFiles() {
        try (QuotaPermit filter = (QuotaPermit) manager.acquire("bob", filtered())) {
            QuotaRequest sameRule = QuotaRequest.upload(1, -1).withConcurrent(false).withRules(FILTER)
                    .alreadyCounted(FILTER);
            ((QuotaPermit) manager.acquire("bob", sameRule)).close();
        }
        assertThat(used("bob")).containsEntry("rpm", 1L).containsEntry("reads.requests", 1L)
                .containsEntry("lookups.calls", 0L).containsEntry("files-hour", 1L);
    }

    @Test
    void aDenialByTheMethodsRuleIsNotTheAnswerToARequestCountedEverywhere() {
        for (int i = 0; i < 4; i++) {
            manager.acquire("carol", method());
        }
        Acquisition refused = manager.acquire("carol", method());
        assertThat(refused).isInstanceOf(QuotaDenial.class);
        // the same files, already counted under every rule: only lookups.files (8 of 100 so far) counts it
        Acquisition files = manager.acquire("carol", method().alreadyCounted());
        assertThat(files.result().allowed()).isTrue();
        ((QuotaPermit) files).close();
        assertThat(used("carol")).containsEntry("lookups.calls", 3L).containsEntry("lookups.files", 8L)
                .containsEntry("rpm", 0L);
    }

    @Test
    void theRulesStillToCountTravelInTheOperationsBytes() {
        Operations.Acquire a = new Operations.Acquire(method(), LIMITS, 5, 30_000, false);
        Operations.Acquire back = (Operations.Acquire) OperationCodec.decode(OperationCodec.encode(a));
        assertThat(back.request().uncounted()).containsExactly("lookups");
        assertThat(back.request().countsRequestIn("lookups")).isTrue();
        assertThat(back.request().countsRequestIn("reads")).isFalse();
        assertThat(back.request().countsRequestIn(null)).isFalse();
        assertThat(back).isEqualTo(new Operations.Acquire(method().withTarget(null), LIMITS, 5, 30_000, false));
        Operations.Unqueue u = new Operations.Unqueue(QuotaRequest.request().withRules(BOTH), 9, 1_000, LIMITS);
        assertThat(OperationCodec.decode(OperationCodec.encode(u))).isEqualTo(u);
    }
}
