package org.quotaware;

import java.io.Serializable;

import static org.quotaware.InvalidQuotaConfigException.requireRange;

/**
 * Limits of one instance across all users: tasks running at once and requests waiting. {@link QuotaLimits#OFF}
 * switches one off.
 */
public record SystemLimits(long maxConcurrentTasks, long maxQueuedRequests) implements Serializable {

    public static final SystemLimits UNLIMITED = new SystemLimits(QuotaLimits.OFF, QuotaLimits.OFF);

    public SystemLimits {
        if (maxConcurrentTasks != QuotaLimits.OFF) {
            requireRange("systemMaxConcurrentTasks", maxConcurrentTasks, 1, 1_000_000);
        }
        if (maxQueuedRequests != QuotaLimits.OFF) {
            requireRange("systemMaxQueuedRequests", maxQueuedRequests, 0, 1_000_000);
        }
    }
}
