package org.quotaware;

import java.io.Serializable;

import static org.quotaware.InvalidQuotaConfigException.requireRange;

/**
 * Limits of one instance across all users: tasks running at once, requests waiting for a slot, and how many of those
 * may wait on a blocked thread. {@link QuotaLimits#OFF} switches one off.
 *
 * @param maxConcurrentTasks tasks running at once on this instance
 * @param maxQueuedRequests  requests waiting for a slot on this instance, however they wait
 * @param maxBlockedWaits    requests waiting on a blocked container thread (those that cannot wait asynchronously);
 *                           0 denies them instead of blocking
 */
public record SystemLimits(long maxConcurrentTasks, long maxQueuedRequests, long maxBlockedWaits)
        implements Serializable {

    /** The default of {@link #maxQueuedRequests}: a flood of waiting requests can never grow without bound. */
    public static final long DEFAULT_MAX_QUEUED_REQUESTS = 1_000;
    /** The default of {@link #maxBlockedWaits}: a small share of a container's request threads (Payara's: 200). */
    public static final long DEFAULT_MAX_BLOCKED_WAITS = 20;

    /** No task limit, the default queue and blocked-wait caps. */
    public static final SystemLimits DEFAULTS = new SystemLimits(QuotaLimits.OFF, DEFAULT_MAX_QUEUED_REQUESTS,
            DEFAULT_MAX_BLOCKED_WAITS);
    /** Every system limit off. */
    public static final SystemLimits UNLIMITED = new SystemLimits(QuotaLimits.OFF, QuotaLimits.OFF, QuotaLimits.OFF);

    public SystemLimits {
        if (maxConcurrentTasks != QuotaLimits.OFF) {
            requireRange("systemMaxConcurrentTasks", maxConcurrentTasks, 1, 1_000_000);
        }
        if (maxQueuedRequests != QuotaLimits.OFF) {
            requireRange("systemMaxQueuedRequests", maxQueuedRequests, 0, 1_000_000);
        }
        if (maxBlockedWaits != QuotaLimits.OFF) {
            requireRange("systemMaxBlockedWaits", maxBlockedWaits, 0, 1_000_000);
        }
    }

    /** Tasks and queue limits with the default cap on blocked waits. */
    public SystemLimits(long maxConcurrentTasks, long maxQueuedRequests) {
        this(maxConcurrentTasks, maxQueuedRequests, DEFAULT_MAX_BLOCKED_WAITS);
    }
}
