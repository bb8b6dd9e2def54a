package org.quotaware.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.Violation;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Limits in shadow mode: counted and reported as when enforced, denying nothing. */
class ShadowModeTest {

    private final MutableClock clock = new MutableClock();

    private QuotaManager manager(QuotaLimits limits) {
        return DefaultQuotaManager.builder().clock(clock).tiers(new QuotaTiers(limits)).build();
    }

    private static QuotaLimits.Builder limits() {
        return QuotaLimits.builder();
    }

    @Test
    void aWouldBeDenialIsAdmittedWithTheViolationsEnforcementWouldHaveAnswered() {
        QuotaManager m = manager(limits().requestsPerMinute(2).filesPerHour(1).maxFileSizeBytes(100)
                .shadow(QuotaLimits.SHADOWABLE).build());
        ((QuotaPermit) m.acquire("alice", QuotaRequest.upload(1, 10))).close();
        ((QuotaPermit) m.acquire("alice", QuotaRequest.request())).close();
        clock.advance(Duration.ofSeconds(10));

        Acquisition a = m.acquire("alice", QuotaRequest.upload(1, 1_000));

        assertThat(a.admitted()).isTrue();
        QuotaCheckResult r = a.result();
        assertThat(r.shadowed()).isTrue();
        assertThat(r.retryAfterSeconds()).isZero();
        assertThat(r.violations()).containsExactly(new Violation(Limit.FILE_SIZE, 100, 1_000, Violation.NEVER),
                new Violation(Limit.REQUESTS_PER_MINUTE, 2, 2, 55), new Violation(Limit.FILES_PER_HOUR, 1, 1, 3_890));
        ((QuotaPermit) a).close();
        // it counted nothing, as a denial would not have: the headers report what enforcement would
        assertThat(m.usage("alice").requestsPerMinute()).isEqualTo(2);
        assertThat(m.usage("alice").filesPerHour()).isEqualTo(1);
        assertThat(r.status(Limit.REQUESTS_PER_MINUTE).remaining()).isZero();
        assertThat(m.statistics().shadowDenied()).isEqualTo(1);
        assertThat(m.statistics().shadowDeniedByLimit()).isEqualTo(Map.of(Limit.FILE_SIZE, 1L,
                Limit.REQUESTS_PER_MINUTE, 1L, Limit.FILES_PER_HOUR, 1L));
        assertThat(m.statistics().allowed()).isEqualTo(3);
    }

    @Test
    void anEnforcedViolationStillDeniesAndListsTheShadowedOnesToo() {
        QuotaManager m = manager(limits().requestsPerMinute(1).filesPerHour(1)
                .shadow(List.of(Limit.REQUESTS_PER_MINUTE)).build());
        ((QuotaPermit) m.acquire("alice", QuotaRequest.upload(1, 10))).close();

        QuotaCheckResult r = m.acquire("alice", QuotaRequest.upload(1, 10)).result();

        assertThat(r.allowed()).isFalse();
        assertThat(r.violations()).extracting(Violation::limit)
                .containsExactly(Limit.REQUESTS_PER_MINUTE, Limit.FILES_PER_HOUR);
        assertThat(m.statistics().denied()).isEqualTo(1);
        assertThat(m.statistics().shadowDenied()).isZero();
    }

    @Test
    void checkAnswersTheSameShadowDecisionWithoutCounting() {
        QuotaManager m = manager(limits().requestsPerMinute(1).shadow(List.of(Limit.REQUESTS_PER_MINUTE)).build());
        ((QuotaPermit) m.acquire("alice", QuotaRequest.request())).close();
        QuotaCheckResult r = m.check("alice", QuotaRequest.request());
        assertThat(r.allowed()).isTrue();
        assertThat(r.violations()).extracting(Violation::limit).containsExactly(Limit.REQUESTS_PER_MINUTE);
    }

    @Test
    void slotsInShadowStandForTheQueueAndDenyOnlyBeyondIt() {
        // 3 slots and a queue of 2, in shadow: the 4th and 5th would have waited, the 6th would have been denied
        QuotaManager m = manager(limits().maxConcurrentTasks(3).maxQueueSize(2).off(Limit.REQUESTS_PER_MINUTE)
                .shadow(List.of(Limit.CONCURRENT_TASKS)).build());
        List<QuotaPermit> held = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            held.add((QuotaPermit) m.acquire("alice", QuotaRequest.request()));
        }
        assertThat(held).extracting(p -> p.result().shadowed())
                .containsExactly(false, false, false, false, false, true, true);
        assertThat(held.get(5).result().violations()).containsExactly(
                new Violation(Limit.CONCURRENT_TASKS, 3, 5, 1), new Violation(Limit.QUEUE_SIZE, 2, 2, 1));
        assertThat(m.usage("alice").activeTasks()).isEqualTo(7);
        assertThat(m.statistics().queued()).isZero();
        held.forEach(QuotaPermit::close);
        assertThat(m.usage("alice").activeTasks()).isZero();
        assertThat(m.statistics().active()).isZero();
    }

    @Test
    void aQueueSizeInShadowLetsTheRequestWaitBeyondItAndItsSlotComesInOrder() {
        QuotaManager m = manager(limits().maxConcurrentTasks(1).maxQueueSize(1).off(Limit.REQUESTS_PER_MINUTE)
                .shadow(List.of(Limit.QUEUE_SIZE)).build());
        QuotaPermit first = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        CompletableFuture<Acquisition> second = m.acquireAsync("alice", QuotaRequest.request()).toCompletableFuture();
        CompletableFuture<Acquisition> third = m.acquireAsync("alice", QuotaRequest.request()).toCompletableFuture();
        assertThat(second).isNotDone();
        assertThat(third).isNotDone();
        assertThat(m.statistics().queued()).isEqualTo(2);

        first.close();
        QuotaPermit secondPermit = (QuotaPermit) second.join();
        assertThat(secondPermit.result().shadowed()).isFalse();
        secondPermit.close();
        QuotaCheckResult thirdResult = third.join().result();

        assertThat(thirdResult.allowed()).isTrue();
        assertThat(thirdResult.queued()).isTrue();
        assertThat(thirdResult.violations()).containsExactly(new Violation(Limit.QUEUE_SIZE, 1, 1, 1));
        ((QuotaPermit) third.join()).close();
        assertThat(m.statistics().active()).isZero();
        assertThat(m.usage("alice").queued()).isZero();
    }

    @Test
    void aWouldBeDenialThatQueuesGivesBackNothingWhenItsWaitEnds() {
        // rpm in shadow, slots enforced: the 3rd request breaks rpm and has to wait; it counted nothing, so its end
        // must not give back the units the first two counted
        QuotaManager m = DefaultQuotaManager.builder().clock(clock).nanoClock(() -> clock.millis() * 1_000_000)
                .tiers(new QuotaTiers(limits().requestsPerMinute(2).maxConcurrentTasks(1).maxQueueSize(5)
                        .maxQueueWait(Duration.ofSeconds(1)).shadow(List.of(Limit.REQUESTS_PER_MINUTE)).build()))
                .build();
        QuotaPermit first = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        CompletableFuture<Acquisition> second = m.acquireAsync("alice", QuotaRequest.request()).toCompletableFuture();
        CompletableFuture<Acquisition> third = m.acquireAsync("alice", QuotaRequest.request()).toCompletableFuture();
        assertThat(m.usage("alice").requestsPerMinute()).isEqualTo(2);

        clock.advance(Duration.ofSeconds(2));
        ((DefaultQuotaManager) m).pollQueue();

        assertThat(second.join().result().violations()).extracting(Violation::limit)
                .containsExactly(Limit.QUEUE_WAIT);
        assertThat(third.join().result().violations()).extracting(Violation::limit)
                .containsExactly(Limit.QUEUE_WAIT);
        // the second's request stays counted after its wait (as always); the third counted nothing to give back
        assertThat(m.usage("alice").requestsPerMinute()).isEqualTo(2);
        first.close();
    }

    @Test
    void theShadowTravelsInTheOperationsBytes() {
        QuotaLimits shadowed = limits().shadow(List.of(Limit.FILES_PER_DAY, Limit.FILE_SIZE)).build();
        Operations.Check check = new Operations.Check(QuotaRequest.request(), shadowed);
        Operations.Check decoded = (Operations.Check) OperationCodec.decode(OperationCodec.encode(check));
        assertThat(decoded.limits()).isEqualTo(shadowed);
        assertThat(decoded.limits().shadow()).isEqualTo(Set.of(Limit.FILES_PER_DAY, Limit.FILE_SIZE));
    }

    @Test
    void slotsInShadowBringTheQueueAlongAndInstanceLimitsCannotBeShadowed() {
        assertThat(limits().shadow(List.of(Limit.CONCURRENT_TASKS)).build().shadow())
                .containsExactlyInAnyOrder(Limit.CONCURRENT_TASKS, Limit.QUEUE_SIZE);
        assertThatThrownBy(() -> limits().shadow(List.of(Limit.SYSTEM_CONCURRENT_TASKS)))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessageStartingWith("shadow must be limits among [REQUESTS_PER_MINUTE, FILES_PER_HOUR, "
                        + "FILES_PER_DAY, REQUESTS_PER_HOUR, CONCURRENT_TASKS, QUEUE_SIZE, FILE_SIZE, WINDOW]");
        assertThat(limits().build()).isNotEqualTo(limits().shadow(List.of(Limit.FILE_SIZE)).build());
    }
}
