package org.quotaware.engine;

import java.util.ArrayList;
import java.util.List;

import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.Violation;
import org.quotaware.engine.Decision.Verdict;

/**
 * The pure decision: one user's state, one request, the limits and the store's time in; the verdict with every
 * violated limit out, the state changed only when it reserves. No clock, no I/O, no locks: the store makes it atomic.
 */
public final class QuotaEngine {

    /** The lease of a slot that never expires on its own (the holder is in this JVM and releases it by structure). */
    public static final long NO_LEASE = Long.MAX_VALUE;

    private QuotaEngine() {
    }

    /**
     * Decides one request. With {@code reserve} it also counts the request in the windows and takes a slot with
     * {@code token} (or a queue place) when admitted; without it the state is left exactly as it was.
     */
    static Decision decide(UserState s, QuotaRequest request, QuotaLimits limits, long nowMillis, boolean reserve,
                           long token, long leaseMillis) {
        return decide(s, request, limits, nowMillis, reserve, token, leaseMillis, false);
    }

    /**
     * The same, for an instance that has no slot free ({@code instanceFull}): a request that takes a slot is queued
     * if its queue has room, even when the user's own slots are free, and never admitted.
     */
    static Decision decide(UserState s, QuotaRequest request, QuotaLimits limits, long nowMillis, boolean reserve,
                           long token, long leaseMillis, boolean instanceFull) {
        long now = s.clamp(nowMillis);
        if (reserve) {
            s.advance(now); // within the second a remembered denial is valid, this only moves the state's time
            RememberedDenial known = s.denial;
            if (known != null && known.answers(request, limits, instanceFull, now)) {
                known.kept = true;
                return known.decision();
            }
        }
        Violations v = new Violations(limits);
        long maxSize = limits.maxFileSizeBytes();
        if (maxSize != QuotaLimits.OFF && request.fileSizeBytes() > maxSize) {
            v.add(new Violation(Limit.FILE_SIZE, maxSize, request.fileSizeBytes(), Violation.NEVER));
        }
        if (request.countsRequest()) {
            v.add(checkWindow(s, SlidingWindow.MINUTE, limits, 1, now));
        }
        if (request.files() > 0) {
            v.add(checkWindow(s, SlidingWindow.HOUR, limits, request.files(), now));
            v.add(checkWindow(s, SlidingWindow.DAY, limits, request.files(), now));
        }
        boolean queue = false;
        long maxTasks = limits.maxConcurrentTasks();
        boolean takesSlot = request.concurrent() && maxTasks != QuotaLimits.OFF;
        if (takesSlot) {
            int active = s.activeSlots(now);
            int queued = s.queued(now);
            // a newcomer never overtakes a queued request, even in the instant a slot is free between two steps
            boolean ownFull = active >= maxTasks || queued > 0;
            long maxQueue = limits.maxQueueSize();
            if (ownFull && !instanceFull && limits.shadowed(Limit.CONCURRENT_TASKS)) {
                // slots in shadow: nobody waits, the request runs at once beyond the limit. Enforced, the requests
                // over the limit would be waiting: a denial only once as many are over it as the queue holds
                long over = Math.max(0, active - maxTasks) + queued;
                if (over >= maxQueue) {
                    v.add(new Violation(Limit.CONCURRENT_TASKS, maxTasks, active, 1));
                    if (maxQueue > 0) {
                        v.add(new Violation(Limit.QUEUE_SIZE, maxQueue, over, 1));
                    }
                }
            } else if (ownFull || instanceFull) {
                boolean room = queued < maxQueue;
                if (room && !v.enforced) {
                    queue = true;
                } else if (!v.enforced && !instanceFull && maxQueue > 0 && limits.shadowed(Limit.QUEUE_SIZE)) {
                    queue = true; // the queue's size in shadow: it waits beyond it
                    v.add(new Violation(Limit.QUEUE_SIZE, maxQueue, queued, 1));
                } else {
                    // an instance without a slot is never a user's limit: what it violates here is enforced
                    if (ownFull) {
                        v.add(new Violation(Limit.CONCURRENT_TASKS, maxTasks, active, 1), instanceFull);
                    }
                    if (!room && maxQueue > 0) {
                        v.add(new Violation(Limit.QUEUE_SIZE, maxQueue, queued, 1), instanceFull);
                    }
                }
            }
        }
        Verdict verdict = v.enforced ? Verdict.DENIED : queue ? Verdict.QUEUED : Verdict.ADMITTED;
        if (reserve && verdict != Verdict.DENIED) {
            // a request admitted only by shadow mode counts nothing, as when denied: the windows stay what enforcement
            // would make them, so the shadow reports exactly the denials enforcement would make
            if (v.list == null) {
                if (request.countsRequest()) {
                    SlidingWindow.MINUTE.add(s, now, 1);
                }
                if (request.files() > 0) {
                    SlidingWindow.HOUR.add(s, now, request.files());
                    SlidingWindow.DAY.add(s, now, request.files());
                }
            }
            if (queue) {
                s.waiting = Leases.add(s.waiting, token, expiry(now, leaseMillis));
            } else if (takesSlot) {
                s.slots = Leases.add(s.slots, token, expiry(now, leaseMillis));
            }
            s.lastActivity = now;
        }
        // the statuses as numbers read now, under the store's lock; their objects only when someone reads them
        Decision d = new Decision(verdict, v.list == null ? List.of() : List.copyOf(v.list),
                new Statuses(s, limits, now), now);
        if (reserve && verdict == Verdict.DENIED) {
            RememberedDenial known = new RememberedDenial(d, request, limits, instanceFull,
                    RememberedDenial.validUntil(s, now));
            s.denial = known;
            return known.decision();
        }
        return d;
    }

    /** The violations of one decision, made on the first (an admitted request needs none). */
    private static final class Violations {
        private final QuotaLimits limits;
        List<Violation> list;
        /** Whether one of them is of a limit that is enforced: then the request is denied. */
        boolean enforced;

        Violations(QuotaLimits limits) {
            this.limits = limits;
        }

        void add(Violation v) {
            add(v, false);
        }

        void add(Violation v, boolean alwaysEnforced) {
            if (v == null) {
                return;
            }
            if (list == null) {
                list = new ArrayList<>(4);
            }
            list.add(v);
            enforced |= alwaysEnforced || !limits.shadowed(v.limit());
        }
    }

    /** This window's violation, or null when the request fits in it. */
    private static Violation checkWindow(UserState s, SlidingWindow w, QuotaLimits limits, long need, long now) {
        long max = w.max(limits);
        if (max == QuotaLimits.OFF) {
            return null;
        }
        long used = s.used(w, now);
        if (used + need <= max) {
            return null;
        }
        long retry = need > max ? Violation.NEVER
                : seconds(w.millisUntilFits(s, now, need, max));
        return new Violation(w.limit, max, used, retry);
    }

    /**
     * The queued request {@code token} takes a free slot if it is first in the queue (arrival order across every
     * member); false while it must wait, and then its queue place's lease is renewed (waiting requests poll).
     */
    static boolean claim(UserState s, QuotaLimits limits, long nowMillis, long token, long leaseMillis) {
        long now = s.clamp(nowMillis);
        s.advance(now);
        long maxTasks = limits.maxConcurrentTasks();
        boolean free = maxTasks == QuotaLimits.OFF || s.activeSlots(now) < maxTasks;
        if (!free || Leases.first(s.waiting, now) != token) {
            Leases.renew(s.waiting, token, expiry(now, leaseMillis));
            return false;
        }
        s.waiting = Leases.remove(s.waiting, token);
        s.slots = Leases.add(s.slots, token, expiry(now, leaseMillis));
        s.lastActivity = now;
        return true;
    }

    /** The queued request {@code token} gives up its place and the units it counted at {@code atMillis}. */
    static boolean unqueue(UserState s, QuotaRequest request, long token, long atMillis, long nowMillis) {
        long now = s.clamp(nowMillis);
        s.advance(now);
        if (!Leases.contains(s.waiting, token)) {
            return false; // its lease ran out: the place and its units went with it
        }
        s.waiting = Leases.remove(s.waiting, token);
        if (request.countsRequest()) {
            SlidingWindow.MINUTE.refund(s, now, atMillis, 1);
        }
        int files = request.files();
        if (files > 0) {
            SlidingWindow.HOUR.refund(s, now, atMillis, files);
            SlidingWindow.DAY.refund(s, now, atMillis, files);
        }
        return true;
    }

    /** Gives a slot back and counts the task's outcome; false when the slot was no longer held. */
    static boolean release(UserState s, long token, boolean success, long nowMillis) {
        long now = s.clamp(nowMillis);
        boolean found = token != 0 && Leases.contains(s.slots, token);
        s.slots = Leases.remove(s.slots, token);
        if (success) {
            s.completed++;
        } else {
            s.failed++;
        }
        s.lastActivity = now;
        return found;
    }

    /** Each enabled limit's state at {@code now}, as an unmodifiable list (results keep it without copying). */
    static List<LimitStatus> statuses(UserState s, QuotaLimits limits, long now) {
        LimitStatus[] out = new LimitStatus[4];
        int n = 0;
        n = status(s, SlidingWindow.MINUTE, limits, now, out, n);
        n = status(s, SlidingWindow.HOUR, limits, now, out, n);
        n = status(s, SlidingWindow.DAY, limits, now, out, n);
        long maxTasks = limits.maxConcurrentTasks();
        if (maxTasks != QuotaLimits.OFF) {
            long active = s.activeSlots(now);
            out[n++] = new LimitStatus(Limit.CONCURRENT_TASKS, maxTasks, active, Math.max(0, maxTasks - active), 0);
        }
        // an immutable list, which QuotaCheckResult keeps as it is (List.copyOf returns such a list unchanged)
        return switch (n) {
            case 0 -> List.of();
            case 1 -> List.of(out[0]);
            case 2 -> List.of(out[0], out[1]);
            case 3 -> List.of(out[0], out[1], out[2]);
            default -> List.of(out[0], out[1], out[2], out[3]);
        };
    }

    /** Adds window {@code w}'s status at {@code out[n]} if its limit is on; answers the next free index. */
    private static int status(UserState s, SlidingWindow w, QuotaLimits limits, long now, LimitStatus[] out, int n) {
        long max = w.max(limits);
        if (max == QuotaLimits.OFF) {
            return n;
        }
        long used = s.used(w, now);
        out[n] = new LimitStatus(w.limit, max, used, Math.max(0, max - used), seconds(w.millisUntilReset(s, now)));
        return n + 1;
    }

    private static long expiry(long now, long leaseMillis) {
        return leaseMillis == NO_LEASE ? NO_LEASE : now + leaseMillis;
    }

    /** Whole seconds, rounded up; 0 stays 0. */
    static long seconds(long millis) {
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }
}
