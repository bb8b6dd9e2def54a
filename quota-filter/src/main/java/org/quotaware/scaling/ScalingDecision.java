package org.quotaware.scaling;

import java.io.Serializable;
import java.time.Instant;

/**
 * One decision of {@link AdaptiveScaler#decide}: the capacity the cluster should have, published for an orchestrator
 * to act on. It changes nothing by itself; the actual capacity follows the members present.
 *
 * @param at              when it was decided (the metrics' timestamp)
 * @param metrics         the load it was decided from
 * @param capacityBefore  the actual capacity it was given (members × slots per member)
 * @param desiredCapacity the capacity asked for now, within the rules' bounds
 * @param direction       UP or DOWN when the desired capacity changed now, else HOLD
 * @param reason          why, as a code for metrics and tests
 * @param detail          why, in words for the admin API and the log
 * @param spareCapacity   the spare capacity (0..1) that adaptive rate limits use, see {@link RateRange}
 * @param next            the state to keep for the next decision
 */
public record ScalingDecision(Instant at, SystemMetrics metrics, long capacityBefore, long desiredCapacity,
                              Direction direction, Reason reason, String detail, double spareCapacity,
                              ScalerState next) implements Serializable {

    public enum Direction { UP, DOWN, HOLD }

    public enum Reason {
        /** UP: the CPU load was above the threshold long enough. */
        CPU,
        /** UP: the memory used was above the threshold long enough. */
        MEMORY,
        /** UP: more requests waited than the threshold, long enough. */
        QUEUE,
        /** DOWN: CPU and queue were both low long enough. */
        LOW_LOAD,
        /** HOLD: a condition is met but has not held long enough yet. */
        SUSTAINING,
        /** HOLD: a condition held, but the last change is too recent. */
        COOLDOWN,
        /** HOLD: a condition held, but the desired capacity is already at the bound. */
        AT_BOUND,
        /** HOLD: the capacity this condition asks for is already the desired one; the orchestrator has not followed yet. */
        PENDING,
        /** HOLD: the load is between the thresholds, or unknown. */
        STEADY
    }

    /** True when the desired capacity changed now. */
    public boolean changed() {
        return direction != Direction.HOLD;
    }

    /** Members needed for the desired capacity with {@code slotsPerMember} slots each (rounded up). */
    public long desiredMembers(long slotsPerMember) {
        if (slotsPerMember < 1) {
            throw new IllegalArgumentException("slotsPerMember must be >= 1, was " + slotsPerMember);
        }
        return (desiredCapacity + slotsPerMember - 1) / slotsPerMember;
    }
}
