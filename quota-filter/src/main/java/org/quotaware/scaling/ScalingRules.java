package org.quotaware.scaling;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.util.Objects;

import org.quotaware.InvalidQuotaConfigException;

import static org.quotaware.InvalidQuotaConfigException.requireRange;

/**
 * When the cluster wants more or less capacity, and when a member protects itself. Immutable, built and validated by
 * {@link #builder()}; loads are fractions from 0 to 1. The defaults are the seed's rule:
 * <ul>
 *   <li>scale up ×1.5 when CPU &gt; 0.70 or memory &gt; 0.80 or more than 50 requests wait;</li>
 *   <li>scale down ×0.75 when CPU &lt; 0.30 and fewer than 5 wait;</li>
 *   <li>at most one change every 5 minutes;</li>
 * </ul>
 * plus what the seed left out: the condition must hold 30 s (up) or 120 s (down) before it counts, so a noisy load
 * does not flap; the desired capacity stays within [1, 10000] slots; a member protects itself from CPU or memory at
 * 0.90, recovers below 0.80, escalates one level every 10 s while still hot and steps down one level after 30 s
 * cool; the top tier keeps 20 % of a member's slots at the last protection level.
 * <p>
 * {@link Builder#build()} also rejects thresholds under which one change would trigger the opposite one:
 * {@code cpuScaleDown} must not exceed {@code cpuScaleUp / scaleUpFactor} (a scale-up at the threshold spreads the
 * same work over more slots and must not land below the scale-down threshold) nor {@code cpuScaleUp ×
 * scaleDownFactor}.
 */
public final class ScalingRules implements Serializable {

    private static final long serialVersionUID = 1L;

    public static final long MAX_CAPACITY = 1_000_000;
    public static final long MAX_QUEUE = 1_000_000;
    public static final long MAX_COOLDOWN_MILLIS = 86_400_000;
    public static final long MAX_WAIT_MILLIS = 3_600_000;

    private static final ScalingRules DEFAULTS = new Builder().build();

    private final double cpuScaleUp;
    private final double memoryScaleUp;
    private final long queueScaleUp;
    private final double scaleUpFactor;
    private final long scaleUpAfterMillis;
    private final double cpuScaleDown;
    private final long queueScaleDown;
    private final double scaleDownFactor;
    private final long scaleDownAfterMillis;
    private final long cooldownMillis;
    private final long minCapacity;
    private final long maxCapacity;
    private final double protectCpu;
    private final double protectMemory;
    private final double protectHysteresis;
    private final long escalateAfterMillis;
    private final long recoverAfterMillis;
    private final double reservedShare;

    private ScalingRules(Builder b) {
        cpuScaleUp = b.cpuScaleUp;
        memoryScaleUp = b.memoryScaleUp;
        queueScaleUp = b.queueScaleUp;
        scaleUpFactor = b.scaleUpFactor;
        scaleUpAfterMillis = b.scaleUpAfterMillis;
        cpuScaleDown = b.cpuScaleDown;
        queueScaleDown = b.queueScaleDown;
        scaleDownFactor = b.scaleDownFactor;
        scaleDownAfterMillis = b.scaleDownAfterMillis;
        cooldownMillis = b.cooldownMillis;
        minCapacity = b.minCapacity;
        maxCapacity = b.maxCapacity;
        protectCpu = b.protectCpu;
        protectMemory = b.protectMemory;
        protectHysteresis = b.protectHysteresis;
        escalateAfterMillis = b.escalateAfterMillis;
        recoverAfterMillis = b.recoverAfterMillis;
        reservedShare = b.reservedShare;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The seed's rule and the defaults above. */
    public static ScalingRules defaults() {
        return DEFAULTS;
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.cpuScaleUp = cpuScaleUp;
        b.memoryScaleUp = memoryScaleUp;
        b.queueScaleUp = queueScaleUp;
        b.scaleUpFactor = scaleUpFactor;
        b.scaleUpAfterMillis = scaleUpAfterMillis;
        b.cpuScaleDown = cpuScaleDown;
        b.queueScaleDown = queueScaleDown;
        b.scaleDownFactor = scaleDownFactor;
        b.scaleDownAfterMillis = scaleDownAfterMillis;
        b.cooldownMillis = cooldownMillis;
        b.minCapacity = minCapacity;
        b.maxCapacity = maxCapacity;
        b.protectCpu = protectCpu;
        b.protectMemory = protectMemory;
        b.protectHysteresis = protectHysteresis;
        b.escalateAfterMillis = escalateAfterMillis;
        b.recoverAfterMillis = recoverAfterMillis;
        b.reservedShare = reservedShare;
        return b;
    }

    /** Scale up when the CPU load is above this. */
    public double cpuScaleUp() {
        return cpuScaleUp;
    }

    /** Scale up when the memory used is above this. */
    public double memoryScaleUp() {
        return memoryScaleUp;
    }

    /** Scale up when more than this many requests wait. */
    public long queueScaleUp() {
        return queueScaleUp;
    }

    public double scaleUpFactor() {
        return scaleUpFactor;
    }

    /** How long a scale-up condition must hold, sample after sample, before it counts. */
    public Duration scaleUpAfter() {
        return Duration.ofMillis(scaleUpAfterMillis);
    }

    /** Scale down when the CPU load is below this (and the queue below {@link #queueScaleDown()}). */
    public double cpuScaleDown() {
        return cpuScaleDown;
    }

    public long queueScaleDown() {
        return queueScaleDown;
    }

    public double scaleDownFactor() {
        return scaleDownFactor;
    }

    public Duration scaleDownAfter() {
        return Duration.ofMillis(scaleDownAfterMillis);
    }

    /** The least time between two changes of the desired capacity, whatever their direction. */
    public Duration cooldown() {
        return Duration.ofMillis(cooldownMillis);
    }

    public long minCapacity() {
        return minCapacity;
    }

    public long maxCapacity() {
        return maxCapacity;
    }

    /** A member protects itself from a CPU load at or above this. */
    public double protectCpu() {
        return protectCpu;
    }

    public double protectMemory() {
        return protectMemory;
    }

    /** A member recovers only when CPU and memory are below their protect thresholds minus this. */
    public double protectHysteresis() {
        return protectHysteresis;
    }

    /** Still hot this long after the last level change: shed one more tier. */
    public Duration escalateAfter() {
        return Duration.ofMillis(escalateAfterMillis);
    }

    /** Cool this long (since cooling and since the last level change): shed one tier less. */
    public Duration recoverAfter() {
        return Duration.ofMillis(recoverAfterMillis);
    }

    /** The share of a member's slots the top tier keeps at the last protection level. */
    public double reservedShare() {
        return reservedShare;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScalingRules r && toString().equals(r.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }

    @Override
    public String toString() {
        return "ScalingRules[up: cpu>" + cpuScaleUp + " or memory>" + memoryScaleUp + " or queue>" + queueScaleUp
                + " for " + scaleUpAfter() + " -> x" + scaleUpFactor + "; down: cpu<" + cpuScaleDown + " and queue<"
                + queueScaleDown + " for " + scaleDownAfter() + " -> x" + scaleDownFactor + "; cooldown " + cooldown()
                + "; capacity " + minCapacity + ".." + maxCapacity + "; protect: cpu>=" + protectCpu + " or memory>="
                + protectMemory + ", hysteresis " + protectHysteresis + ", escalate " + escalateAfter() + ", recover "
                + recoverAfter() + ", reserved share " + reservedShare + "]";
    }

    /** Validates each value as it is set and the relations between them in {@link #build()}. */
    public static final class Builder {
        private double cpuScaleUp = 0.70;
        private double memoryScaleUp = 0.80;
        private long queueScaleUp = 50;
        private double scaleUpFactor = 1.5;
        private long scaleUpAfterMillis = 30_000;
        private double cpuScaleDown = 0.30;
        private long queueScaleDown = 5;
        private double scaleDownFactor = 0.75;
        private long scaleDownAfterMillis = 120_000;
        private long cooldownMillis = 300_000;
        private long minCapacity = 1;
        private long maxCapacity = 10_000;
        private double protectCpu = 0.90;
        private double protectMemory = 0.90;
        private double protectHysteresis = 0.10;
        private long escalateAfterMillis = 10_000;
        private long recoverAfterMillis = 30_000;
        private double reservedShare = 0.20;

        private Builder() {
        }

        public Builder cpuScaleUp(double value) {
            cpuScaleUp = fraction("cpuScaleUp", value);
            return this;
        }

        public Builder memoryScaleUp(double value) {
            memoryScaleUp = fraction("memoryScaleUp", value);
            return this;
        }

        public Builder queueScaleUp(long value) {
            queueScaleUp = requireRange("queueScaleUp", value, 1, MAX_QUEUE);
            return this;
        }

        public Builder scaleUpFactor(double value) {
            if (!(value > 1 && value <= 10)) {
                throw InvalidQuotaConfigException.invalid("scaleUpFactor", value, "> 1 and <= 10");
            }
            scaleUpFactor = value;
            return this;
        }

        public Builder scaleUpAfter(Duration value) {
            scaleUpAfterMillis = millis("scaleUpAfter (ms)", value, MAX_WAIT_MILLIS);
            return this;
        }

        public Builder cpuScaleDown(double value) {
            cpuScaleDown = fraction("cpuScaleDown", value);
            return this;
        }

        /** A scale-down needs fewer than this many waiting requests; 0 means never scale down. */
        public Builder queueScaleDown(long value) {
            queueScaleDown = requireRange("queueScaleDown", value, 0, MAX_QUEUE);
            return this;
        }

        public Builder scaleDownFactor(double value) {
            if (!(value > 0 && value < 1)) {
                throw InvalidQuotaConfigException.invalid("scaleDownFactor", value, "> 0 and < 1");
            }
            scaleDownFactor = value;
            return this;
        }

        public Builder scaleDownAfter(Duration value) {
            scaleDownAfterMillis = millis("scaleDownAfter (ms)", value, MAX_WAIT_MILLIS);
            return this;
        }

        public Builder cooldown(Duration value) {
            cooldownMillis = millis("cooldown (ms)", value, MAX_COOLDOWN_MILLIS);
            return this;
        }

        /** The desired capacity, in slots across the cluster, never goes below this. */
        public Builder minCapacity(long value) {
            minCapacity = requireRange("minCapacity", value, 1, MAX_CAPACITY);
            return this;
        }

        public Builder maxCapacity(long value) {
            maxCapacity = requireRange("maxCapacity", value, 1, MAX_CAPACITY);
            return this;
        }

        public Builder protectCpu(double value) {
            protectCpu = fraction("protectCpu", value);
            return this;
        }

        public Builder protectMemory(double value) {
            protectMemory = fraction("protectMemory", value);
            return this;
        }

        public Builder protectHysteresis(double value) {
            protectHysteresis = fraction("protectHysteresis", value);
            return this;
        }

        public Builder escalateAfter(Duration value) {
            escalateAfterMillis = millis("escalateAfter (ms)", value, MAX_WAIT_MILLIS);
            return this;
        }

        public Builder recoverAfter(Duration value) {
            recoverAfterMillis = millis("recoverAfter (ms)", value, MAX_WAIT_MILLIS);
            return this;
        }

        public Builder reservedShare(double value) {
            reservedShare = fraction("reservedShare", value);
            return this;
        }

        /** Checks the relations between values, which no single setter can. */
        public ScalingRules build() {
            double flapBound = Math.min(cpuScaleUp / scaleUpFactor, cpuScaleUp * scaleDownFactor);
            if (cpuScaleDown > flapBound) {
                throw InvalidQuotaConfigException.invalid("cpuScaleDown", cpuScaleDown, "<= " + show(flapBound)
                        + " (min(cpuScaleUp / scaleUpFactor, cpuScaleUp * scaleDownFactor): a change must not "
                        + "trigger the opposite one)");
            }
            if (queueScaleDown >= queueScaleUp) {
                throw InvalidQuotaConfigException.invalid("queueScaleDown", queueScaleDown,
                        "< queueScaleUp (" + queueScaleUp + ")");
            }
            if (maxCapacity < minCapacity) {
                throw InvalidQuotaConfigException.invalid("maxCapacity", maxCapacity,
                        ">= minCapacity (" + minCapacity + ")");
            }
            double protectFloor = Math.min(protectCpu, protectMemory);
            if (protectHysteresis >= protectFloor) {
                throw InvalidQuotaConfigException.invalid("protectHysteresis", protectHysteresis,
                        "< min(protectCpu, protectMemory) (" + show(protectFloor) + ")");
            }
            return new ScalingRules(this);
        }

        private static double fraction(String field, double value) {
            if (!(value >= 0 && value <= 1)) {
                throw InvalidQuotaConfigException.outOfRange(field, value, 0, 1);
            }
            return value;
        }

        private static long millis(String field, Duration value, long max) {
            Objects.requireNonNull(value, field);
            return requireRange(field, value.toMillis(), 0, max);
        }

        /** At most 4 decimals, no trailing zeros: 0.4667, 0.525, 0.9. */
        private static String show(double value) {
            return BigDecimal.valueOf(value).setScale(4, RoundingMode.HALF_UP).stripTrailingZeros()
                    .toPlainString();
        }
    }
}
