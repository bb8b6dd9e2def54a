package org.quotaware.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.engine.Decision.Verdict;

/**
 * A denial answered from what the state remembers, and the statuses read only when asked for, are exactly what a
 * decision computed from scratch answers: random operations on one state, each acquisition also decided on a copy of
 * the state (which remembers nothing), at times that cross seconds, buckets and lease ends.
 */
class RememberedDenialTest {

    private static final long T0 = 1_767_571_200_000L; // a bucket boundary of every window
    private static final long LEASE = 7_300;

    private static final QuotaLimits TIGHT = QuotaLimits.builder().requestsPerMinute(4).filesPerHour(3).filesPerDay(5)
            .maxConcurrentTasks(2).maxQueueSize(1).maxFileSizeBytes(1_000).build();
    private static final QuotaLimits SHADOW = TIGHT.toBuilder().shadow(List.of(Limit.FILES_PER_HOUR)).build();
    private static final QuotaLimits NO_SLOTS = TIGHT.toBuilder().off(Limit.CONCURRENT_TASKS).off(Limit.FILES_PER_DAY)
            .build();
    private static final List<QuotaLimits> LIMITS = List.of(TIGHT, SHADOW, NO_SLOTS);
    private static final List<QuotaRequest> REQUESTS = List.of(QuotaRequest.request(), QuotaRequest.upload(1, 10),
            QuotaRequest.upload(2, 10), QuotaRequest.upload(1, 5_000), QuotaRequest.request().withConcurrent(false),
            new QuotaRequest(1, 10, true, null, false, true));

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
    void everyAnswerEqualsTheOneComputedFromScratch(long seed) {
        Random random = new Random(seed);
        UserState state = new UserState();
        List<Long> tokens = new ArrayList<>();
        long now = T0;
        long nextToken = 1;
        int remembered = 0;
        QuotaLimits limits = TIGHT;
        QuotaRequest request = QuotaRequest.request();
        boolean instanceFull = false;
        for (int step = 0; step < 20_000; step++) {
            now += switch (random.nextInt(6)) {
                case 0 -> random.nextInt(3_000); // within a second or across one
                case 1 -> 1_000 - Math.floorMod(now, 1_000) - 1 + random.nextInt(3); // just before or at a second
                case 2 -> random.nextInt(120_000); // buckets of every window
                case 3 -> random.nextInt(4) == 0 ? random.nextInt(7_200_000) : 0;
                default -> 0; // the same instant again: what a flood of refused requests looks like
            };
            long at = random.nextInt(20) == 0 ? now - random.nextInt(5_000) : now; // a clock behind, now and then
            switch (random.nextInt(10)) {
                case 0, 1, 2, 3, 4, 5 -> {
                    if (random.nextInt(4) == 0) { // mostly the same request again, as in a flood
                        limits = LIMITS.get(random.nextInt(LIMITS.size()));
                        request = REQUESTS.get(random.nextInt(REQUESTS.size()));
                        instanceFull = random.nextInt(8) == 0;
                    }
                    long token = nextToken++;
                    boolean hit = state.denial != null && state.denial.answers(request, limits, instanceFull,
                            state.clamp(at));
                    UserState scratch = state.copy();
                    Decision expected = QuotaEngine.decide(scratch, request, limits, at, true, token, LEASE,
                            instanceFull);
                    Decision actual = QuotaEngine.decide(state, request, limits, at, true, token, LEASE,
                            instanceFull);
                    assertSame(actual, expected, "step " + step + " seed " + seed);
                    StateStep.end(true, scratch, at);
                    StateStep.end(true, state, at);
                    if (hit) {
                        remembered++;
                    }
                    if (actual.verdict() != Verdict.DENIED && request.concurrent()
                            && limits.maxConcurrentTasks() != QuotaLimits.OFF) {
                        tokens.add(token);
                    }
                    assertThat(state.toBytes()).as("the state after step " + step).isEqualTo(scratch.toBytes());
                }
                case 6 -> {
                    if (!tokens.isEmpty()) {
                        long token = tokens.remove(random.nextInt(tokens.size()));
                        QuotaEngine.release(state, token, true, Operations.Charges.NONE, at);
                        StateStep.end(true, state, at);
                    }
                }
                case 7 -> {
                    if (!tokens.isEmpty()) {
                        QuotaEngine.claim(state, TIGHT, at, tokens.get(random.nextInt(tokens.size())), LEASE);
                        StateStep.end(true, state, at);
                    }
                }
                case 8 -> {
                    if (!tokens.isEmpty()) {
                        long token = tokens.get(random.nextInt(tokens.size()));
                        QuotaEngine.unqueue(state, QuotaRequest.upload(1, 10), QuotaLimits.defaults(), token, at - random.nextInt(60_000),
                                at);
                        StateStep.end(true, state, at);
                    }
                }
                default -> {
                    long[] renewed = tokens.stream().mapToLong(Long::longValue).toArray();
                    new Operations.Renew(renewed, LEASE).apply(state, at);
                    StateStep.end(true, state, at);
                }
            }
        }
        assertThat(remembered).as("denials answered from memory").isGreaterThan(1_000);
    }

    @Test
    void anyOtherOperationForgetsTheDenial() {
        QuotaLimits limits = QuotaLimits.builder().maxConcurrentTasks(1).maxQueueSize(0).build();
        UserState state = new UserState();
        QuotaRequest request = QuotaRequest.request();
        Decision first = QuotaEngine.decide(state, request, limits, T0, true, 1, LEASE, false);
        StateStep.end(false, state, T0);
        assertThat(first.verdict()).isEqualTo(Verdict.ADMITTED);
        Decision refused = QuotaEngine.decide(state, request, limits, T0, true, 2, LEASE, false);
        StateStep.end(true, state, T0);
        assertThat(refused.verdict()).isEqualTo(Verdict.DENIED);
        assertThat(state.denial).isNotNull();
        assertThat(QuotaEngine.decide(state, request, limits, T0, true, 3, LEASE, false).verdict())
                .isEqualTo(Verdict.DENIED);
        StateStep.end(true, state, T0);
        assertThat(state.denial).as("kept by the denial that used it").isNotNull();
        new Operations.Release(1, true).apply(state, T0);
        StateStep.end(true, state, T0);
        assertThat(state.denial).as("forgotten by the release").isNull();
        assertThat(QuotaEngine.decide(state, request, limits, T0, true, 4, LEASE, false).verdict())
                .isEqualTo(Verdict.ADMITTED);
    }

    @Test
    void aDenialIsRememberedUntilTheNextSecondOrTheFirstLeaseEnd() {
        UserState state = new UserState();
        state.advance(T0);
        state.slots = Leases.add(state.slots, 9, T0 + 1_500);
        assertThat(RememberedDenial.validUntil(state, T0 + 200)).isEqualTo(T0 + 1_000);
        assertThat(RememberedDenial.validUntil(state, T0 + 1_200)).isEqualTo(T0 + 1_500);
        assertThat(RememberedDenial.validUntil(state, T0 + 1_600)).isEqualTo(T0 + 2_000);
    }

    private static void assertSame(Decision actual, Decision expected, String where) {
        assertThat(actual.verdict()).as(where).isEqualTo(expected.verdict());
        assertThat(actual.violations()).as(where).isEqualTo(expected.violations());
        assertThat(actual.limits()).as(where).isEqualTo(expected.limits());
        if (actual.verdict() != Verdict.DENIED) { // a denial answered from memory keeps the time it was first made
            assertThat(actual.atMillis()).as(where).isEqualTo(expected.atMillis());
        }
        assertThat(Arrays.asList(actual.limits().toArray())).as(where).isEqualTo(expected.limits());
    }
}
