package org.quotaware.scaling;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quotaware.scaling.ScalingDecision.Direction;
import org.quotaware.scaling.ScalingDecision.Reason;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AdaptiveScalerTest {

    private static final Duration SAMPLE = Duration.ofSeconds(10);

    private final Trace trace = new Trace();
    private final AdaptiveScaler scaler = new AdaptiveScaler(ScalingRules.defaults());

    @Test
    void scalesUpByHalfOnceAHotCpuHasHeldThirtySeconds() {
        ScalingDecision first = scaler.step(trace.cpu(0.85), 20);
        assertThat(first.direction()).isEqualTo(Direction.HOLD);
        assertThat(first.reason()).isEqualTo(Reason.SUSTAINING);
        assertThat(first.desiredCapacity()).isEqualTo(20);
        scaler.step(trace.advance(SAMPLE).cpu(0.80), 20);
        scaler.step(trace.advance(SAMPLE).cpu(0.90), 20);
        ScalingDecision up = scaler.step(trace.advance(SAMPLE).cpu(0.75), 20);

        assertThat(up.direction()).isEqualTo(Direction.UP);
        assertThat(up.reason()).isEqualTo(Reason.CPU);
        assertThat(up.capacityBefore()).isEqualTo(20);
        assertThat(up.desiredCapacity()).isEqualTo(30);
        assertThat(up.desiredMembers(5)).isEqualTo(6);
        assertThat(up.detail()).isEqualTo("cpu 75.0% > 70.0%: 20 -> 30");
        assertThat(up.at()).isEqualTo(trace.now());
    }

    @Test
    void memoryAndQueueScaleUpToo() {
        ScalingRules immediate = ScalingRules.builder().scaleUpAfter(Duration.ZERO).build();
        assertThat(AdaptiveScaler.decide(immediate, trace.load(0.5, 0.85, 0), 10, null).reason())
                .isEqualTo(Reason.MEMORY);
        ScalingDecision queue = AdaptiveScaler.decide(immediate, trace.load(0.5, 0.5, 51), 10, null);
        assertThat(queue.reason()).isEqualTo(Reason.QUEUE);
        assertThat(queue.desiredCapacity()).isEqualTo(15);
        // the seed's thresholds are strict: exactly 70 % or 50 waiting is not above
        assertThat(AdaptiveScaler.decide(immediate, trace.load(0.70, 0.80, 50), 10, null).direction())
                .isEqualTo(Direction.HOLD);
    }

    @Test
    void scalesDownByAQuarterOnceCpuAndQueueHaveBeenLowTwoMinutes() {
        ScalingDecision d = null;
        for (int i = 0; i <= 12; i++) {
            d = scaler.step(trace.load(0.20, 0.5, 4), 20);
            trace.advance(SAMPLE);
        }
        assertThat(d.direction()).isEqualTo(Direction.DOWN);
        assertThat(d.reason()).isEqualTo(Reason.LOW_LOAD);
        assertThat(d.desiredCapacity()).isEqualTo(15);
        assertThat(scaler.history().entries()).containsExactly(d);
    }

    @Test
    void lowCpuWithAQueueIsNotLowLoad() {
        ScalingRules immediate = ScalingRules.builder().scaleDownAfter(Duration.ZERO).build();
        assertThat(AdaptiveScaler.decide(immediate, trace.load(0.10, 0.5, 5), 20, null).reason())
                .isEqualTo(Reason.STEADY);
        assertThat(AdaptiveScaler.decide(immediate, trace.load(0.10, 0.5, 4), 20, null).direction())
                .isEqualTo(Direction.DOWN);
    }

    @Test
    void oneSampleUnderTheThresholdRestartsTheWait() {
        scaler.step(trace.cpu(0.85), 20);
        scaler.step(trace.advance(SAMPLE).cpu(0.85), 20);
        scaler.step(trace.advance(SAMPLE).cpu(0.60), 20);
        scaler.step(trace.advance(SAMPLE).cpu(0.85), 20);
        assertThat(scaler.step(trace.advance(SAMPLE).cpu(0.85), 20).reason()).isEqualTo(Reason.SUSTAINING);
        assertThat(scaler.step(trace.advance(SAMPLE.multipliedBy(2)).cpu(0.85), 20).direction())
                .isEqualTo(Direction.UP);
    }

    @Test
    void noSecondChangeWithinTheCooldownWhateverItsDirection() {
        ScalingRules rules = ScalingRules.builder().scaleUpAfter(Duration.ZERO).scaleDownAfter(Duration.ZERO).build();
        AdaptiveScaler s = new AdaptiveScaler(rules);
        assertThat(s.step(trace.cpu(0.9), 20).desiredCapacity()).isEqualTo(30);

        ScalingDecision again = s.step(trace.advance(Duration.ofSeconds(299)).cpu(0.9), 30);
        assertThat(again.reason()).isEqualTo(Reason.COOLDOWN);
        assertThat(again.detail()).isEqualTo("cpu 90.0% > 70.0%; cooldown, 1 s left");
        assertThat(again.desiredCapacity()).isEqualTo(30);
        assertThat(s.step(trace.cpu(0.1), 30).reason()).isEqualTo(Reason.COOLDOWN);

        ScalingDecision after = s.step(trace.advance(Duration.ofSeconds(1)).cpu(0.9), 30);
        assertThat(after.direction()).isEqualTo(Direction.UP);
        assertThat(after.desiredCapacity()).isEqualTo(45);
    }

    @Test
    void aClockBehindTheLastChangeCountsAsCooldown() {
        ScalingRules rules = ScalingRules.builder().scaleUpAfter(Duration.ZERO).build();
        ScalingDecision up = AdaptiveScaler.decide(rules, trace.cpu(0.9), 20, null);
        trace.advance(Duration.ofMinutes(-1));
        assertThat(AdaptiveScaler.decide(rules, trace.cpu(0.9), 30, up.next()).reason()).isEqualTo(Reason.COOLDOWN);
    }

    @Test
    void staysWithinTheBounds() {
        ScalingRules rules = ScalingRules.builder().scaleUpAfter(Duration.ZERO).scaleDownAfter(Duration.ZERO)
                .cooldown(Duration.ZERO).minCapacity(4).maxCapacity(25).build();
        assertThat(AdaptiveScaler.decide(rules, trace.cpu(0.9), 20, null).desiredCapacity()).isEqualTo(25);
        ScalingDecision atMax = AdaptiveScaler.decide(rules, trace.cpu(0.9), 25, null);
        assertThat(atMax.reason()).isEqualTo(Reason.AT_BOUND);
        assertThat(atMax.desiredCapacity()).isEqualTo(25);
        assertThat(AdaptiveScaler.decide(rules, trace.cpu(0.1), 5, null).desiredCapacity()).isEqualTo(4);
        assertThat(AdaptiveScaler.decide(rules, trace.cpu(0.1), 4, null).reason()).isEqualTo(Reason.AT_BOUND);
        // more members than the maximum allows: the desired capacity says so
        assertThat(AdaptiveScaler.decide(rules, trace.cpu(0.5), 40, null).desiredCapacity()).isEqualTo(25);
        // the smallest step still changes something: 1 -> 2 up, 2 -> 1 down
        ScalingRules one = rules.toBuilder().minCapacity(1).build();
        assertThat(AdaptiveScaler.decide(one, trace.cpu(0.9), 1, null).desiredCapacity()).isEqualTo(2);
        assertThat(AdaptiveScaler.decide(one, trace.cpu(0.1), 2, null).desiredCapacity()).isEqualTo(1);
    }

    @Test
    void whileTheOrchestratorCatchesUpTheSameCapacityIsAskedForNotCompounded() {
        ScalingRules rules = ScalingRules.builder().scaleUpAfter(Duration.ZERO).cooldown(Duration.ZERO).build();
        ScalingDecision up = AdaptiveScaler.decide(rules, trace.cpu(0.9), 20, null);
        assertThat(up.desiredCapacity()).isEqualTo(30);
        // still 20 slots present, still hot: ask for 30, not 45
        ScalingDecision again = AdaptiveScaler.decide(rules, trace.advance(SAMPLE).cpu(0.9), 20, up.next());
        assertThat(again.reason()).isEqualTo(Reason.PENDING);
        assertThat(again.desiredCapacity()).isEqualTo(30);
        // a member left meanwhile: still do not lower what was asked for
        assertThat(AdaptiveScaler.decide(rules, trace.advance(SAMPLE).cpu(0.9), 10, again.next()).desiredCapacity())
                .isEqualTo(30);
    }

    @Test
    void anUnknownLoadHolds() {
        ScalingDecision d = AdaptiveScaler.decide(ScalingRules.defaults(), SystemMetrics.unknown(trace.now()), 20,
                null);
        assertThat(d.reason()).isEqualTo(Reason.STEADY);
        assertThat(d.detail()).isEqualTo("cpu unknown");
        assertThat(d.spareCapacity()).isNaN();
    }

    @Test
    void anotherDeciderContinuesFromTheSharedState() throws Exception {
        ScalingRules rules = ScalingRules.builder().scaleUpAfter(Duration.ZERO).build();
        ScalingDecision up = AdaptiveScaler.decide(rules, trace.cpu(0.9), 20, null);

        ScalerState handedOver = roundTrip(up.next());
        assertThat(handedOver).isEqualTo(up.next());
        ScalingDecision onTheNewDecider = AdaptiveScaler.decide(rules, trace.advance(Duration.ofMinutes(1)).cpu(0.9),
                30, handedOver);
        assertThat(onTheNewDecider.reason()).isEqualTo(Reason.COOLDOWN);
    }

    /**
     * A closed loop: a fixed amount of work spread over the capacity present plus noise, the orchestrator adding or
     * removing slots as soon as asked. The seed's rule as written (acting on any single sample) turns the noise into
     * capacity changes back and forth; with the default hysteresis the desired capacity barely moves.
     */
    @Test
    void aNoisyLoadDoesNotMakeTheCapacityOscillate() {
        ScalingRules seedAsWritten = ScalingRules.builder().scaleUpAfter(Duration.ZERO)
                .scaleDownAfter(Duration.ZERO).build();
        int naive = directionChanges(seedAsWritten, 42);
        int hysteresis = directionChanges(ScalingRules.defaults(), 42);
        assertThat(naive).isGreaterThanOrEqualTo(30);
        assertThat(hysteresis).isZero();
        for (long seed = 1; seed <= 20; seed++) {
            assertThat(directionChanges(ScalingRules.defaults(), seed)).as("seed %d", seed).isZero();
        }
    }

    /** Over six hours at one sample per 10 s: how often a change went the other way than the previous one. */
    private static int directionChanges(ScalingRules rules, long seed) {
        Random random = new Random(seed);
        Trace t = new Trace();
        AdaptiveScaler s = new AdaptiveScaler(rules);
        double work = 10.0; // 20 slots at 50 %
        long capacity = 20;
        List<Direction> changes = new ArrayList<>();
        for (int i = 0; i < 6 * 360; i++) {
            double cpu = Math.max(0, Math.min(1, work / capacity + 0.2 * random.nextGaussian()));
            long queued = random.nextInt(12);
            ScalingDecision d = s.step(t.load(cpu, 0.5, queued), capacity);
            if (d.changed()) {
                changes.add(d.direction());
            }
            capacity = d.desiredCapacity();
            t.advance(SAMPLE);
        }
        int flips = 0;
        for (int i = 1; i < changes.size(); i++) {
            if (changes.get(i) != changes.get(i - 1)) {
                flips++;
            }
        }
        return flips;
    }

    @Test
    void theHistoryKeepsTheLastHundredChanges() {
        ScalingRules rules = ScalingRules.builder().scaleUpAfter(Duration.ZERO).scaleDownAfter(Duration.ZERO)
                .cooldown(Duration.ZERO).build();
        AdaptiveScaler s = new AdaptiveScaler(rules);
        for (int i = 0; i < 250; i++) {
            s.step(trace.advance(SAMPLE).cpu(i % 2 == 0 ? 0.9 : 0.1), i % 2 == 0 ? 20 : 30);
            s.step(trace.advance(SAMPLE).cpu(0.5), 20); // a hold: not recorded
        }
        assertThat(s.history().recorded()).isEqualTo(250);
        List<ScalingDecision> kept = s.history().entries();
        assertThat(kept).hasSize(100);
        assertThat(kept.get(99)).isEqualTo(s.history().last());
        assertThat(kept.get(99).direction()).isEqualTo(Direction.DOWN);
        assertThat(kept.get(0).at()).isEqualTo(Trace.START.plus(SAMPLE.multipliedBy(301)));
        assertThat(kept).allMatch(ScalingDecision::changed);
        assertThat(s.lastDecision().direction()).isEqualTo(Direction.HOLD);
    }

    @Test
    void spareCapacityIsLinearBetweenTheThresholds() {
        ScalingRules r = ScalingRules.defaults();
        assertThat(AdaptiveScaler.spareCapacity(r, trace.load(0.2, 0.5, 0))).isEqualTo(1.0);
        assertThat(AdaptiveScaler.spareCapacity(r, trace.load(0.5, 0.5, 0))).isCloseTo(0.5, within(1e-9));
        assertThat(AdaptiveScaler.spareCapacity(r, trace.load(0.7, 0.5, 0))).isCloseTo(0.0, within(1e-9));
        assertThat(AdaptiveScaler.spareCapacity(r, trace.load(0.2, 0.9, 0))).isEqualTo(0.0);
        // the queue is a second gauge: 27.5 waiting is half-way from 5 to 50
        assertThat(AdaptiveScaler.spareCapacity(r, trace.load(0.2, 0.5, 27))).isCloseTo(23 / 45.0, within(1e-9));
    }

    private static ScalerState roundTrip(ScalerState state) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(state);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (ScalerState) in.readObject();
        }
    }
}
