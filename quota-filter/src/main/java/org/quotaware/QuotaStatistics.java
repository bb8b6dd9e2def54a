package org.quotaware;

import java.util.Map;

/**
 * Counters of one {@link QuotaManager} since it started, plus the current load of this instance.
 *
 * @param allowed      requests admitted
 * @param deniedByLimit denials per limit; a request violating two limits counts once under each
 * @param denied       requests denied
 * @param active       concurrency slots held on this instance
 * @param queued       requests waiting on this instance, however they wait
 * @param blocked      of those, the requests waiting on a blocked thread (they could not wait asynchronously)
 * @param completed    tasks that ended successfully
 * @param failed       tasks that ended in failure
 * @param trackedUsers users the store holds state for
 * @param overflowed   acquisitions decided on an overflow: new anonymous callers that found the store without room
 *                     and shared their tier's overflow quota (admitted or not). It counts decisions, not distinct
 *                     callers: counting those exactly would take memory per caller, which the overflow exists to
 *                     avoid. A caller counts once per request until it gets state of its own.
 * @param shadowDenied  of the admitted requests, those admitted only because the limits they violated are in shadow
 *                      mode: the denials enforcement would have made
 * @param shadowDeniedByLimit those per limit in shadow mode; a request violating two counts once under each
 */
public record QuotaStatistics(long allowed, Map<Limit, Long> deniedByLimit, long denied, long active, long queued,
                              long blocked, long completed, long failed, long trackedUsers, long overflowed,
                              long shadowDenied, Map<Limit, Long> shadowDeniedByLimit) {

    public QuotaStatistics {
        deniedByLimit = Map.copyOf(deniedByLimit);
        shadowDeniedByLimit = Map.copyOf(shadowDeniedByLimit);
    }

    /** Counters without shadow denials. */
    public QuotaStatistics(long allowed, Map<Limit, Long> deniedByLimit, long denied, long active, long queued,
                           long blocked, long completed, long failed, long trackedUsers, long overflowed) {
        this(allowed, deniedByLimit, denied, active, queued, blocked, completed, failed, trackedUsers, overflowed, 0,
                Map.of());
    }
}
