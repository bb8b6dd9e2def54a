package org.quotaware.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.Violation;
import org.quotaware.engine.Decision.Verdict;
import org.quotaware.spi.QuotaStore;

/**
 * A manager's decision path: resolves the user's tier and limits, asks this instance's slots, runs one atomic store
 * operation and makes the answer of the store's decision: a permit, a denial, or a place in the waiting room.
 */
final class QuotaDecisions {

    private final QuotaStore store;
    private final QuotaTiers tiers;
    private final Statistics statistics;
    private final Denials denials;
    private final InstanceSlots slots;
    // the slots' parts, read here without going through the slots
    private final WaitingRoom room;
    private final IssuedPermits permits;
    private final long leaseMillis;
    private final QueuePoll poll;

    QuotaDecisions(QuotaStore store, QuotaTiers tiers, Statistics statistics, Denials denials, InstanceSlots slots,
                   QueuePoll poll) {
        this.store = store;
        this.tiers = tiers;
        this.statistics = statistics;
        this.denials = denials;
        this.slots = slots;
        this.room = slots.room;
        this.permits = slots.permits;
        this.leaseMillis = slots.leaseMillis;
        this.poll = poll;
    }

    /** See {@link org.quotaware.QuotaManager#check}: the decision, taking nothing. */
    QuotaCheckResult check(String user, QuotaRequest request) {
        QuotaTiers.Applied applied = tiers.resolve(user, request.tier());
        Decision d = decideOn(user, applied.tier(), new Operations.Check(request, applied.limits()));
        List<Violation> extra = new ArrayList<>(1);
        SystemLimits sys = slots.limits();
        if (request.concurrent() && d.verdict() == Verdict.ADMITTED && !slots.hasRoom(sys.maxConcurrentTasks())) {
            extra.add(slots.full(sys));
        }
        if (d.verdict() == Verdict.QUEUED && sys.maxQueuedRequests() != QuotaLimits.OFF
                && room.waiting() >= sys.maxQueuedRequests()) {
            extra.add(new Violation(Limit.SYSTEM_QUEUE_SIZE, sys.maxQueuedRequests(), room.waiting(), 1));
        }
        return result(applied.tier(), d, extra);
    }

    /**
     * The decision: an {@link org.quotaware.Acquisition}, or the {@link WaitingRoom.Waiter} of a request that has to
     * queue.
     */
    Object decide(String user, QuotaRequest request, boolean blocking) {
        Objects.requireNonNull(user, "user");
        QuotaTiers.Applied applied = tiers.resolve(user, request.tier());
        QuotaLimits limits = applied.limits();
        // a user with limits of its own keeps its tier's rank when tiers are shed or slots handed over
        String ranked = QuotaTiers.OVERRIDE.equals(applied.tier()) ? tiers.rankedTier(user, request.tier())
                : applied.tier();
        boolean concurrent = request.concurrent();
        SystemLimits sys = slots.limits();
        Violation refused = slots.refusal(ranked);
        if (refused != null) {
            return denials.deny(applied.tier(), List.of(refused), List.of());
        }
        // Without a system limit there is nothing to reserve: an admitted task is counted once admitted, and a
        // denial (a flood of them is the case to make cheap) touches no shared counter
        boolean limited = concurrent && sys.maxConcurrentTasks() != QuotaLimits.OFF;
        boolean instanceFull = limited && !slots.reserve(sys.maxConcurrentTasks());
        if (instanceFull && (limits.maxConcurrentTasks() == QuotaLimits.OFF || limits.maxQueueSize() <= 0)) {
            // the instance is full and the user has no queue to wait in; still tell every other limit it would break
            Decision d = decideOn(user, applied.tier(), new Operations.Check(request, limits));
            List<Violation> all = new ArrayList<>(d.violations());
            all.add(slots.full(sys));
            return denials.deny(applied.tier(), all, d.limits());
        }
        long token = concurrent && limits.maxConcurrentTasks() != QuotaLimits.OFF ? newToken() : 0;
        boolean holdsSlot = limited && !instanceFull;
        Decision d;
        try {
            Operations.Acquire acquire = new Operations.Acquire(request, limits, token, leaseMillis, instanceFull);
            d = store.execute(user, acquire);
            if (d.verdict() == Verdict.NO_ROOM) {
                user = overflow(applied.tier()); // from here on (permit, queue, release) the overflow's state
                d = store.execute(user, acquire);
            }
        } catch (RuntimeException | Error e) {
            if (holdsSlot) {
                slots.free();
            }
            throw e;
        }
        if (d.verdict() == Verdict.ADMITTED) {
            if (concurrent && !limited) {
                slots.count(); // released by the permit, as a reserved one
            }
            statistics.allowed(d.violations());
            String tier = applied.tier();
            Decision admitted = d;
            // the result only when asked for: a caller that just runs its task makes none of its objects
            return permits.permit(user, token, concurrent, limits, () -> QuotaCheckResult.allowed(tier, false,
                    admitted.violations(), admitted.limits()));
        }
        if (holdsSlot) {
            slots.free(); // a denied or waiting request holds no slot of this instance
        }
        if (d.verdict() == Verdict.DENIED) {
            if (!instanceFull) {
                return denials.denied(applied.tier(), d);
            }
            List<Violation> all = new ArrayList<>(d.violations());
            all.add(slots.full(sys));
            return denials.deny(applied.tier(), all, d.limits());
        }
        // queued with shadow violations, it counted nothing (as when denied): it has nothing to give back either
        QuotaRequest counted = d.violations().isEmpty() ? request : uncounted(request);
        Limit full = room.reserve(blocking, sys.maxQueuedRequests(), sys.maxBlockedWaits());
        if (full != null) {
            // denied before it waited: it consumes nothing
            List<LimitStatus> after = store.execute(user, new Operations.Unqueue(counted, token, d.atMillis(), limits));
            long max = full == Limit.SYSTEM_QUEUE_SIZE ? sys.maxQueuedRequests() : sys.maxBlockedWaits();
            long used = full == Limit.SYSTEM_QUEUE_SIZE ? room.waiting() : room.blocked();
            Violation v = new Violation(full, max, used, 1);
            return denials.deny(applied.tier(), instanceFull ? List.of(slots.full(sys), v) : List.of(v), after);
        }
        poll.start();
        return room.enter(user, counted, limits, applied.tier(), slots.rank(ranked), d.atMillis(), token, blocking,
                d.violations());
    }

    /** The same request as one that counted nothing in the windows. */
    private static QuotaRequest uncounted(QuotaRequest r) {
        return new QuotaRequest(0, r.fileSizeBytes(), r.concurrent(), r.tier(), false, r.anonymous(), r.target());
    }

    private static QuotaCheckResult result(String tier, Decision d, List<Violation> extra) {
        if (d.verdict() != Verdict.DENIED && extra.isEmpty()) {
            return QuotaCheckResult.allowed(tier, d.verdict() == Verdict.QUEUED, d.violations(), d.limits());
        }
        List<Violation> all = new ArrayList<>(d.violations());
        all.addAll(extra);
        return QuotaCheckResult.denied(tier, all, d.limits());
    }

    /**
     * The overflow of {@code tier}, which a new anonymous user shares while the store has no room for its own state
     * (see {@link QuotaStore#overflowUser}); counted in the statistics.
     */
    private String overflow(String tier) {
        statistics.overflowed();
        return QuotaStore.overflowUser(tier);
    }

    /** Decides on the user's state, or on the overflow of {@code tier} when the store has no room for the user. */
    private Decision decideOn(String user, String tier, Operations.Check check) {
        Decision d = store.execute(user, check);
        return d.verdict() == Verdict.NO_ROOM ? store.execute(QuotaStore.overflowUser(tier), check) : d;
    }

    private static long newToken() {
        long t;
        do {
            t = ThreadLocalRandom.current().nextLong();
        } while (t == 0);
        return t;
    }
}
