package org.quotaware.spi;

import org.quotaware.QuotaPermit;

/**
 * Told what a front end {@linkplain QuotaPermit#charge charged} a permit, one measured segment at a time (a request
 * that went asynchronous reports each of its parts): for the dashboard's CPU ranking. Called on the thread that ran
 * the segment, just before the permit can close; must be quick. Added with
 * {@link org.quotaware.cost.CostMeter#listen}.
 */
@FunctionalInterface
public interface ChargeListener {
    /**
     * @param permit         the permit charged (its user, its result's tier)
     * @param cpuNanos       the CPU time charged, 0 when CPU is not measured
     * @param allocatedBytes the heap bytes charged, 0 when allocation is not measured
     */
    void charged(QuotaPermit permit, long cpuNanos, long allocatedBytes);
}
