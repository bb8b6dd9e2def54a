package org.quotaware.engine;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaLimits;
import org.quotaware.SystemLimits;
import org.quotaware.Violation;
import org.quotaware.engine.Decision.Verdict;
import org.quotaware.spi.AdmissionGate;
import org.quotaware.spi.QuotaStore;

/**
 * This instance's slots: how many of its tasks hold one (capped by the {@link SystemLimits}), whether it admits work
 * at all (the {@link AdmissionGate}, closing), and the {@link WaitingRoom} for them, whose host it is. It makes the
 * room and the {@link IssuedPermits} that hold its slots, as those two need each other.
 */
final class InstanceSlots implements WaitingRoom.Host {

    /** Tasks holding a slot of this instance. */
    private final AtomicInteger active = new AtomicInteger();
    final WaitingRoom room;
    final IssuedPermits permits;
    final long leaseMillis;
    private final QuotaStore store;
    private final Statistics statistics;
    private final Denials denials;
    private volatile SystemLimits limits;
    private volatile AdmissionGate gate;
    private volatile boolean closed;

    InstanceSlots(QuotaStore store, SystemLimits limits, Statistics statistics, Denials denials,
                  LongSupplier nanoClock) {
        this.store = store;
        this.limits = limits;
        this.statistics = statistics;
        this.denials = denials;
        this.leaseMillis = store.slotLeaseMillis();
        // the room calls this host back only for a request that waits, so after this constructor has run
        this.room = new WaitingRoom(this, nanoClock);
        this.permits = new IssuedPermits(store, leaseMillis, active, statistics, room);
    }

    SystemLimits limits() {
        return limits;
    }

    void limits(SystemLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    void admission(AdmissionGate gate) {
        this.gate = gate;
    }

    /** From now on every request is refused, and the requests still waiting are told so by the room. */
    void close() {
        closed = true;
    }

    /** Why this instance refuses a request of {@code tier} before any quota is spent (closed, the gate), or null. */
    Violation refusal(String tier) {
        if (closed) {
            return new Violation(Limit.SYSTEM_CONCURRENT_TASKS, 0, active.get(), 1);
        }
        AdmissionGate g = gate;
        return g != null ? g.refusal(tier, active::get) : null;
    }

    /** The tier's priority for a freed slot of this instance: the gate's order, else the default one. */
    int rank(String tier) {
        AdmissionGate g = gate;
        return (g != null ? g : AdmissionGate.OPEN).rank(tier);
    }

    int active() {
        return active.get();
    }

    /** Takes a slot if {@code max} allows. */
    boolean reserve(long max) {
        return reserve(active, max);
    }

    /** Counts a task that took a slot without a limit to reserve it against; its permit releases it all the same. */
    void count() {
        active.incrementAndGet();
    }

    /** Gives back a slot that no permit holds: the request was denied, queued or failed. */
    void free() {
        active.decrementAndGet();
    }

    /** Whether a slot is free now, taking none. */
    boolean hasRoom(long max) {
        return max == QuotaLimits.OFF || active.get() < max;
    }

    /** The violation of a request that found every slot of this instance taken. */
    Violation full(SystemLimits sys) {
        return new Violation(Limit.SYSTEM_CONCURRENT_TASKS, sys.maxConcurrentTasks(), active.get(), 1);
    }

    /** Takes one unit of a per-instance counter if the limit allows. */
    static boolean reserve(AtomicInteger counter, long max) {
        if (max == QuotaLimits.OFF) {
            counter.incrementAndGet();
            return true;
        }
        int n;
        do {
            n = counter.get();
            if (n >= max) {
                return false;
            }
        } while (!counter.compareAndSet(n, n + 1));
        return true;
    }

    @Override
    public Decision claim(WaitingRoom.Waiter w) {
        if (!reserve(active, limits.maxConcurrentTasks())) {
            return null;
        }
        Decision d;
        try {
            d = store.execute(w.user, new Operations.Claim(w.limits, w.token, leaseMillis));
        } catch (RuntimeException | Error e) {
            active.decrementAndGet();
            throw e;
        }
        if (d.verdict() != Verdict.ADMITTED) {
            active.decrementAndGet();
        }
        return d;
    }

    @Override
    public Acquisition admitted(WaitingRoom.Waiter w, Decision d) {
        statistics.allowed(w.shadow);
        return permits.permit(w.user, w.token, true, w.limits, QuotaCheckResult.allowed(w.tier, true, w.shadow, d.limits()));
    }

    @Override
    public Acquisition expired(WaitingRoom.Waiter w, long waitedNanos) {
        List<LimitStatus> after = List.of();
        try {
            after = store.execute(w.user, Operations.Unqueue.afterWait(w.request, w.token, w.queuedAtMillis,
                    w.limits));
        } catch (RuntimeException e) {
            // the wait is over all the same; the place nobody renews any more lapses with its lease
        }
        return denials.deny(w.tier, List.of(new Violation(Limit.QUEUE_WAIT, w.limits.maxQueueWait().toMillis(),
                TimeUnit.NANOSECONDS.toMillis(waitedNanos), 1)), after);
    }

    @Override
    public Acquisition closed(WaitingRoom.Waiter w) {
        List<LimitStatus> after = List.of();
        try {
            // the wait ended through no fault of the caller's: give its units back
            after = store.execute(w.user, new Operations.Unqueue(w.request, w.token, w.queuedAtMillis, w.limits));
        } catch (RuntimeException e) {
            // the store is going away with this manager; the place's lease ends by itself
        }
        return denials.deny(w.tier, List.of(new Violation(Limit.SYSTEM_CONCURRENT_TASKS, 0, active.get(), 1)), after);
    }
}
