package org.quotaware.scaling;

import java.util.ArrayList;
import java.util.List;

import static org.quotaware.InvalidQuotaConfigException.requireRange;

/**
 * The last decisions, oldest first, in a fixed ring: recording never allocates more than the ring and never grows.
 * Thread-safe; the critical sections copy a few references.
 */
public final class ScalingHistory {

    public static final int DEFAULT_SIZE = 100;

    private final ScalingDecision[] ring;
    private long recorded;

    public ScalingHistory() {
        this(DEFAULT_SIZE);
    }

    public ScalingHistory(int size) {
        ring = new ScalingDecision[(int) requireRange("historySize", size, 1, 10_000)];
    }

    public synchronized void record(ScalingDecision decision) {
        ring[(int) (recorded % ring.length)] = decision;
        recorded++;
    }

    /** The decisions kept, oldest first: at most {@link #size()}. */
    public synchronized List<ScalingDecision> entries() {
        int n = (int) Math.min(recorded, ring.length);
        List<ScalingDecision> out = new ArrayList<>(n);
        for (long i = recorded - n; i < recorded; i++) {
            out.add(ring[(int) (i % ring.length)]);
        }
        return out;
    }

    /** The most recent decision, or null. */
    public synchronized ScalingDecision last() {
        return recorded == 0 ? null : ring[(int) ((recorded - 1) % ring.length)];
    }

    /** How many decisions the ring keeps. */
    public int size() {
        return ring.length;
    }

    /** How many were recorded since the start, kept or not. */
    public synchronized long recorded() {
        return recorded;
    }
}
