package org.quotaware.scaling;

import java.io.Serializable;
import java.time.Instant;

/**
 * What {@link AdaptiveScaler#decide} remembers between two decisions: small, immutable and {@link Serializable}, so a
 * cluster keeps it in one map entry and whichever member decides next continues the cooldown and the hysteresis.
 *
 * @param desiredCapacity the capacity last asked for, in slots across the cluster; 0 before the first decision
 * @param lastChange      when the desired capacity last changed, or null
 * @param lastDirection   the direction of that change, {@link ScalingDecision.Direction#HOLD} before any
 * @param upSince         since when every sample has met a scale-up condition, or null
 * @param downSince       since when every sample has met the scale-down condition, or null
 */
public record ScalerState(long desiredCapacity, Instant lastChange, ScalingDecision.Direction lastDirection,
                          Instant upSince, Instant downSince) implements Serializable {

    /** Before the first decision. */
    public static final ScalerState INITIAL = new ScalerState(0, null, ScalingDecision.Direction.HOLD, null, null);

    public ScalerState {
        if (desiredCapacity < 0) {
            throw new IllegalArgumentException("desiredCapacity must be >= 0, was " + desiredCapacity);
        }
        if (lastDirection == null) {
            lastDirection = ScalingDecision.Direction.HOLD;
        }
    }
}
