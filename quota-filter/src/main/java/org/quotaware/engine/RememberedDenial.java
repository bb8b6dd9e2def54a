package org.quotaware.engine;

import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;

/**
 * The last denial made on a {@link UserState}, kept so that the same request refused again is answered without
 * computing it again: under a flood of refused requests a denial then costs no more than an admission.
 * <p>
 * It is the answer {@link QuotaEngine#decide} would compute, for as long as three things hold:
 * <ul>
 * <li>no other operation ran on the state since (a denial changes nothing, but any other operation may): it is kept
 * only by the operation that made it or used it, and {@link StateStep#end} forgets it after any other;</li>
 * <li>the same limits (the same object: limits are immutable and the tiers hand out one object per tier) and a
 * request that counts the same: files, file size, whether it counts a request and takes a slot, and whether the
 * instance had a slot free;</li>
 * <li>the store's time is before {@link #validUntil}: every number a decision reports changes only at a whole second
 * (the window buckets start at multiples of 1 000 ms, so each retry-after, reset and use is constant within one; a
 * burst window's shorter buckets end it at their next start) or
 * when a slot's or queue place's lease ends, or an allowance expires.</li>
 * </ul>
 * A decision at an earlier time than the one that made it is made at that time anyway: the state's time never runs
 * backwards ({@link UserState#clamp}).
 */
final class RememberedDenial {

    private final QuotaLimits limits;
    private final int files;
    private final long fileSizeBytes;
    private final boolean countsRequest;
    private final boolean concurrent;
    private final boolean instanceFull;
    private final int cost;
    private final java.util.Set<String> rules;
    private final java.util.Set<String> uncounted;
    private final long validUntil;
    /**
     * The denial, the decision itself: every refusal answered from here is this same object. Its statuses stay the
     * compact numbers the decision read ({@link Statuses}); the answer made of it once ({@link Denials#denied}) holds
     * them as objects. Made here too, they stood between a denied user's remembered denial and its decision in the
     * heap: refusals spread over 100 000 users ran 16 % slower for it.
     */
    private final Decision decision;
    /** Set by the operation that made or used it, cleared by {@link StateStep#end} (see UserState#endOperation). */
    boolean kept = true;

    RememberedDenial(Decision denial, QuotaRequest request, QuotaLimits limits, boolean instanceFull,
                     long validUntil) {
        this.limits = limits;
        this.files = request.files();
        this.fileSizeBytes = request.fileSizeBytes();
        this.countsRequest = request.countsRequest();
        this.concurrent = request.concurrent();
        this.instanceFull = instanceFull;
        this.cost = request.cost();
        this.rules = request.rules();
        this.uncounted = request.uncounted();
        this.validUntil = validUntil;
        this.decision = denial;
    }

    /** Whether it is the denial of {@code request} at {@code now} (the state's time or later). */
    boolean answers(QuotaRequest request, QuotaLimits limits, boolean instanceFull, long now) {
        return now < validUntil && limits == this.limits && instanceFull == this.instanceFull
                && request.files() == files && request.fileSizeBytes() == fileSizeBytes
                && request.countsRequest() == countsRequest && request.concurrent() == concurrent
                && request.cost() == cost && (request.rules() == rules || request.rules().equals(rules))
                && (request.uncounted() == uncounted || request.uncounted().equals(uncounted));
    }

    /** The denial: the same object every time, so that what the manager made of it once serves every refusal. */
    Decision decision() {
        return decision;
    }

    /**
     * The first instant at which a denial made on {@code s} at {@code now} may no longer be the one the engine would
     * make: the next whole second, or the end of the first lease still running, whichever comes first.
     */
    static long validUntil(UserState s, long now) {
        long until = Math.floorDiv(now, 1_000) * 1_000 + 1_000;
        for (SlidingWindow w : s.windows.rings) {
            if (w.width % 1_000 != 0) { // a burst's buckets are shorter than a second: the next one's start
                until = Math.min(until, (w.bucket(now) + 1) * w.width);
            }
        }
        until = Math.min(until, Leases.firstEnd(s.slots, now));
        until = Math.min(until, Allowances.firstEnd(s.allowances, s.stride(), now));
        return Math.min(until, Leases.firstEnd(s.waiting, now));
    }
}
