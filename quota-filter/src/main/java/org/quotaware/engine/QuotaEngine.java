package org.quotaware.engine;

import java.util.ArrayList;
import java.util.List;

import org.quotaware.Counted;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.Violation;
import org.quotaware.WindowedLimit;
import org.quotaware.engine.Allotments.Allot;
import org.quotaware.engine.Allotments.Allotment;
import org.quotaware.engine.Allotments.Grant;
import org.quotaware.engine.Allotments.Settle;
import org.quotaware.engine.Allotments.Usage;
import org.quotaware.engine.Allotments.Want;
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
        Windows layout = Windows.of(limits);
        if (reserve) {
            s.advance(now); // within the second a remembered denial is valid, this only moves the state's time
            RememberedDenial known = s.denial;
            if (known != null && known.answers(request, limits, instanceFull, now)) {
                known.kept = true;
                return known.decision();
            }
            s.adopt(layout);
        } else {
            s = s.in(layout); // a check changes nothing: a state of other limits is read through a moved copy
        }
        Violations v = new Violations(limits);
        long maxSize = limits.maxFileSizeBytes();
        if (maxSize != QuotaLimits.OFF && request.fileSizeBytes() > maxSize) {
            v.add(new Violation(Limit.FILE_SIZE, maxSize, request.fileSizeBytes(), Violation.NEVER));
        }
        SlidingWindow[] rings = layout.rings;
        WindowedLimit[] rows = layout.rows;
        if (layout.seedRows) { // the seed's limits: their rings as constants, see Windows#seed
            if (request.countsRequest()) {
                v.add(checkWindow(s, SlidingWindow.MINUTE, rows[0], layout.rowLimits[0], 1, now));
            }
            int files = request.files();
            if (files > 0) {
                v.add(checkWindow(s, SlidingWindow.HOUR, rows[1], layout.rowLimits[1], files, now));
                v.add(checkWindow(s, SlidingWindow.DAY, rows[2], layout.rowLimits[2], files, now));
            }
        } else {
            for (int i = 0; i < rows.length; i++) {
                SlidingWindow w = rings[layout.ringOfRow[i]];
                long need = w.check(request);
                if (need > 0) {
                    v.add(checkWindow(s, w, rows[i], layout.rowLimits[i], need, now));
                }
            }
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
                    // an instance without a slot is never a user's limit: what it violates here is enforced.
                    // Slots still free behind a queue are no violation of the slots: the queue's size is listed
                    if (active >= maxTasks) {
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
                if (layout.seed) {
                    SlidingWindow.addSeed(s, now, request.countsRequest(), request.files());
                } else {
                    for (SlidingWindow w : rings) {
                        s.count(w, now, w.need(request));
                    }
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
                Statuses.of(s, limits, layout, now, request), now);
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

    /**
     * This window's violation, or null when the request fits in it. Units members hold in allowances count as used;
     * they stay so until settled, so the retry is when the counted units have left the window enough for the
     * request beside them, or, when they alone leave no room, when the first allowance holding some expires (at the
     * latest: members give back what they do not use sooner).
     */
    private static Violation checkWindow(UserState s, SlidingWindow w, WindowedLimit row, Limit limit, long need,
                                         long now) {
        long used = s.used(w, now);
        // the fit on its own, small enough to inline into decide; the violation (rare) apart
        return used + need <= row.max() ? null : violation(s, w, row, limit, need, now, used);
    }

    private static Violation violation(UserState s, SlidingWindow w, WindowedLimit row, Limit limit, long need,
                                       long now, long used) {
        long max = row.max();
        long held = s.allowances.length == 0 ? 0 : Allowances.outstanding(s.allowances, s.stride(), w, now);
        long retry = need > max ? Violation.NEVER
                : need + held <= max ? seconds(w.millisUntilFits(s, now, need, max - held))
                : Math.max(1, seconds(Allowances.firstExpiry(s.allowances, s.stride(), w) - now));
        return Violation.of(limit, row, used, retry);
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
    static boolean unqueue(UserState s, QuotaRequest request, QuotaLimits limits, long token, long atMillis,
                           long nowMillis) {
        long now = s.clamp(nowMillis);
        s.advance(now);
        if (!Leases.contains(s.waiting, token)) {
            return false; // its lease ran out: the place and its units went with it
        }
        s.waiting = Leases.remove(s.waiting, token);
        Windows layout = Windows.of(limits);
        s.adopt(layout);
        for (SlidingWindow w : layout.rings) {
            long need = w.need(request);
            if (need > 0) {
                w.refund(s, now, atMillis, (int) Math.min(need, Integer.MAX_VALUE));
            }
        }
        return true;
    }

    /**
     * Gives a slot back and counts the task's outcome, and what it was {@linkplain Operations.Charges charged} in the
     * rings that count it; false when the slot was no longer held.
     */
    static boolean release(UserState s, long token, boolean success, Operations.Charges charges, long nowMillis) {
        return release(s, token, success, charges, null, nowMillis);
    }

    static boolean release(UserState s, long token, boolean success, Operations.Charges charges, QuotaLimits limits,
                           long nowMillis) {
        long now = s.clamp(nowMillis);
        if (!charges.none()) {
            s.advance(now);
            if (limits != null) {
                // a state dropped since the admission (which counted nothing in it) is back in the seed's layout
                s.adopt(Windows.of(limits));
            }
            for (SlidingWindow w : s.windows.rings) {
                long units = w.counted == Counted.CPU ? charges.cpuMillis()
                        : w.counted == Counted.ALLOCATED ? charges.allocatedKiB() : 0;
                if (units > 0 && (w.rule == null || charges.rules().contains(w.rule))) {
                    s.count(w, now, units);
                }
            }
        }
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
        Windows layout = Windows.of(limits);
        return List.copyOf(Statuses.of(s.in(layout), limits, layout, now, null));
    }

    /**
     * Milliseconds until the oldest unit counted in {@code w} leaves it; when all it counts is held in allowances,
     * until the first of them expires (a member settles sooner, or its units are counted from then). {@code reset}
     * is {@code w}'s own {@link SlidingWindow#millisUntilReset}.
     */
    static long millisUntilReset(UserState s, SlidingWindow w, long now, long reset) {
        return reset != 0 || s.allowances.length == 0 ? reset
                : Math.max(0, Allowances.firstExpiry(s.allowances, s.stride(), w) - now);
    }

    /** Units counted at {@code now} in the ring of {@code counted} over {@code windowMillis} on every request, 0 without one. */
    static long used(UserState s, Counted counted, long windowMillis, long now) {
        int r = s.windows.indexOf(new Windows.Key(counted, windowMillis, null));
        return r < 0 ? 0 : s.used(s.windows.rings[r], now);
    }

    /** The answer of a member's exchange that keeps nothing for it. */
    static final Grant NO_GRANT = new Grant(0, 0, new long[0], false, List.of());

    /**
     * The owner's side of a member's exchange ({@link Allot}): settles what the member used of its previous grant,
     * decides the request exactly as an {@link Operations.Acquire} does, and then, if it was admitted, may grant the
     * member an allowance ({@link #grant}).
     */
    static Allotment allot(UserState s, Allot a, long nowMillis) {
        Operations.Acquire q = a.acquire();
        long now = s.clamp(nowMillis);
        s.advance(now);
        s.adopt(Windows.of(q.limits())); // the member's units are in the rings of its limits
        settle(s, a.settled(), a.grant(), a.usage(), now, q.leaseMillis());
        Decision d = decide(s, q.request(), q.limits(), now, true, q.token(), q.leaseMillis(), q.instanceFull());
        boolean folded = false;
        if (d.verdict() == Verdict.ADMITTED) {
            folded = grant(s, q.limits(), now, a.want(), a.members(), a.grant(), q.leaseMillis(), q.request(),
                    q.token());
            if (Allowances.find(s.allowances, a.grant(), s.stride()) >= 0) {
                // the member's view counts its grant as used (its own use of it then shows as it goes)
                d = new Decision(d.verdict(), d.violations(), statuses(s, q.limits(), now), d.atMillis());
            }
        }
        return new Allotment(d, describe(s, a.grant(), folded, d.limits()));
    }

    /** The owner's side of a member settling without a request ({@link Settle}): answers the member's grant after. */
    static Grant settle(UserState s, Settle r, long nowMillis) {
        long now = s.clamp(nowMillis);
        s.advance(now);
        s.adopt(Windows.of(r.limits()));
        settle(s, r.settled(), r.grant(), r.usage(), now, r.leaseMillis());
        grant(s, r.limits(), now, r.want(), r.members(), r.grant(), r.leaseMillis(), null, 0);
        return describe(s, r.grant(), false, statuses(s, r.limits(), now));
    }

    /**
     * Counts what a member used of grant {@code settled} at {@code now} (at or after every use; it was counted as
     * used all along) and drops the grant; then keeps the slots its running tasks hold in grant {@code grant}. A
     * grant no longer there expired, and its units were counted at its expiry: the member's report of it is not
     * counted again. The windows must have been advanced to {@code now}.
     */
    private static void settle(UserState s, long settled, long grant, Usage usage, long now, long leaseMillis) {
        int stride = s.stride();
        if (Allowances.find(s.allowances, grant, stride) >= 0) {
            return; // this exchange ran already (a retried invocation): settling again would count twice
        }
        int i = Allowances.find(s.allowances, settled, stride);
        if (i >= 0) {
            long[] used = usage.units();
            for (SlidingWindow w : s.windows.rings) {
                long units = w.ring < used.length ? used[w.ring] : 0;
                s.count(w, now, Math.min(units, s.allowances[i + Allowances.UNITS + w.ring]));
            }
            s.allowances = Allowances.remove(s.allowances, i, stride);
        }
        if (i >= 0 || settled == 0) {
            s.completed += usage.completed();
            s.failed += usage.failed();
        }
        if (usage.inUse() > 0) {
            s.allowances = Allowances.add(s.allowances, grant, expiry(now, leaseMillis), usage.inUse(), stride);
        }
        s.lastActivity = now;
    }

    /**
     * Grants the member of grant {@code grant} what it wants, within its share of what is free: of each window and
     * of the slots, at most what is free divided by twice the number of members (the larger of {@code members} and
     * the members holding a grant now, this one included), so every member can be granted as much and half stays
     * free. Near a limit a share rounds down to nothing, and what needs that limit goes to the owner one by one.
     * A grant that would be of no use is not made: when a window the request at hand counts in (or, without one, the
     * slots the member asks for) cannot be granted a unit, nothing is, so no member parks units it cannot spend.
     * Nothing either while anyone queues for the user, or while a limit is in shadow mode. {@code at}, the request
     * at hand, null for a settlement; {@code fold}, a slot it took, becomes one of the grant's slots. Answers
     * whether it did.
     */
    private static boolean grant(UserState s, QuotaLimits limits, long now, Want want, int members, long grant,
                                 long leaseMillis, QuotaRequest at, long fold) {
        Windows layout = Windows.of(limits);
        // a limit counted when requests end is charged at their release, which must reach the owner
        if (want.empty() || s.queued(now) > 0 || limits.shadowing() || layout.chargesAtEnd) {
            return false;
        }
        s.adopt(layout);
        int stride = s.stride();
        int i = Allowances.find(s.allowances, grant, stride);
        long others = Allowances.count(s.allowances, stride) - (i >= 0 ? 1 : 0);
        long share = 2 * Math.max(others + 1, Math.max(1, members));
        long[] units = new long[layout.rings.length];
        long[] wants = want.units();
        boolean any = false;
        for (SlidingWindow w : layout.rings) {
            long wanted = w.ring < wants.length ? wants[w.ring] : 0;
            long max = layout.ringMax[w.ring];
            long granted = wanted <= 0 ? 0 : Math.max(0, Math.min(wanted, (max - s.used(w, now)) / share));
            if (granted < 1 && at != null && w.need(at) > 0) {
                return false;
            }
            units[w.ring] = granted;
            any |= granted > 0;
        }
        long spare = 0;
        long maxTasks = limits.maxConcurrentTasks();
        if (want.slots() > 0 && maxTasks != QuotaLimits.OFF) {
            spare = Math.max(0, Math.min(want.slots(), (maxTasks - s.activeSlots(now)) / share));
            if (spare < 1 && (at == null || fold != 0)) {
                return false;
            }
            any |= spare > 0;
        }
        if (!any) {
            return false;
        }
        boolean folded = fold != 0 && Leases.contains(s.slots, fold);
        if (folded) {
            s.slots = Leases.remove(s.slots, fold);
        }
        if (i < 0) {
            s.allowances = Allowances.add(s.allowances, grant, 0, 0, stride);
            i = s.allowances.length - stride;
        }
        long[] a = s.allowances;
        a[i + Allowances.EXPIRY] = expiry(now, leaseMillis);
        a[i + Allowances.SLOTS] += spare + (folded ? 1 : 0);
        for (int w = 0; w < units.length; w++) {
            a[i + Allowances.UNITS + w] += units[w];
        }
        return folded;
    }

    /** Grant {@code grant} as the state holds it now, for the member. */
    private static Grant describe(UserState s, long grant, boolean folded, List<LimitStatus> view) {
        int at = Allowances.find(s.allowances, grant, s.stride());
        if (at < 0) {
            return new Grant(0, 0, new long[0], false, view);
        }
        long[] a = s.allowances;
        return new Grant(grant, (int) a[at + Allowances.SLOTS],
                java.util.Arrays.copyOfRange(a, at + Allowances.UNITS, at + s.stride()), folded, view);
    }

    private static long expiry(long now, long leaseMillis) {
        return leaseMillis == NO_LEASE ? NO_LEASE : now + leaseMillis;
    }

    /** Whole seconds, rounded up; 0 stays 0. */
    static long seconds(long millis) {
        return millis <= 0 ? 0 : (millis + 999) / 1000;
    }
}
