package org.quotaware;

import java.time.Instant;
import java.util.List;

/**
 * One user's usage now.
 *
 * @param user              the user
 * @param tier              the tier whose limits apply
 * @param requestsPerMinute requests counted in the last minute's window
 * @param filesPerHour      files counted in the hourly window
 * @param filesPerDay       files counted in the daily window
 * @param activeTasks       slots held
 * @param queued            requests waiting for a slot
 * @param completed         tasks that ended successfully while the user was tracked
 * @param failed            tasks that ended in failure while the user was tracked
 * @param lastActivity      the last decision or release for this user, null for an untracked user
 * @param limits            the state of each enabled limit
 */
public record UserQuotaUsage(String user, String tier, long requestsPerMinute, long filesPerHour, long filesPerDay,
                             long activeTasks, long queued, long completed, long failed, Instant lastActivity,
                             List<LimitStatus> limits) {

    public UserQuotaUsage {
        limits = List.copyOf(limits);
    }
}
