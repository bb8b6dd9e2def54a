package org.quotaware.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaDenial;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaStatistics;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.UserQuotaUsage;
import org.quotaware.Violation;
import org.quotaware.engine.Decision.Verdict;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.AdmissionGate;
import org.quotaware.spi.DecisionListener;
import org.quotaware.spi.HostedQuotaManager;
import org.quotaware.spi.QuotaStore;

/**
 * The {@link org.quotaware.QuotaManager}: resolves the user's limits, runs one atomic store operation per decision,
 * and keeps the per-instance parts here (system limits, leases, statistics); waiting requests are the
 * {@link WaitingRoom}'s.
 * <p>
 * A request that has to queue waits without a thread when it comes through {@link #acquireAsync}: it is handed a slot
 * by the release of the same user's task (in arrival order), by a poll every {@code queuePoll} that finds a slot
 * freed elsewhere (another member, another user's release of a system slot), or is denied when its wait ends. Through
 * {@link #acquire} it blocks its thread, and only up to the system's {@code maxBlockedWaits}.
 */
public final class DefaultQuotaManager implements HostedQuotaManager {

    private final QuotaStore store;
    private final QuotaTiers tiers;
    private final long queuePollNanos;
    private final long leaseMillis;
    /** Permits holding a leased slot, renewed by {@link #renewLeases()}; null when the store's slots never expire. */
    private final Set<QuotaPermit> leased;
    private volatile SystemLimits systemLimits;
    private final Statistics statistics = new Statistics();
    private final AtomicInteger active = new AtomicInteger();
    private final WaitingRoom room;
    private final QueuePoll poll;
    private volatile boolean closed;
    private volatile AdmissionGate gate;
    private final List<DecisionListener> listeners = new CopyOnWriteArrayList<>();
    private final QuotaPermit.Releaser slotReleaser = this::releaseSlot;
    private final QuotaPermit.Releaser endReleaser = this::releaseNoSlot;

    DefaultQuotaManager(QuotaManagerBuilder b) {
        this.store = b.store != null ? b.store : new InMemoryQuotaStore(b.clock, b.maxTrackedUsers);
        this.tiers = b.tiers;
        this.systemLimits = b.systemLimits;
        this.queuePollNanos = b.queuePoll.toNanos();
        this.leaseMillis = store.slotLeaseMillis();
        this.leased = leaseMillis == QuotaEngine.NO_LEASE ? null : ConcurrentHashMap.newKeySet();
        this.room = new WaitingRoom(new Slots(), b.nanoClock);
        this.poll = new QueuePoll(room::poll, queuePollNanos, b.scheduler);
    }

    /** A manager over an in-memory store, the system clock and the seed's default tier; see the builder for more. */
    public static QuotaManagerBuilder builder() {
        return new QuotaManagerBuilder();
    }

    @Override
    public QuotaCheckResult check(String user, QuotaRequest request) {
        QuotaTiers.Applied applied = tiers.resolve(user, request.tier());
        Decision d = decideOn(user, applied.tier(), new Operations.Check(request, applied.limits()));
        List<Violation> extra = new ArrayList<>(1);
        SystemLimits sys = systemLimits;
        if (request.concurrent() && d.verdict() == Verdict.ADMITTED && !hasRoom(active, sys.maxConcurrentTasks())) {
            extra.add(new Violation(Limit.SYSTEM_CONCURRENT_TASKS, sys.maxConcurrentTasks(), active.get(), 1));
        }
        if (d.verdict() == Verdict.QUEUED && sys.maxQueuedRequests() != QuotaLimits.OFF
                && room.waiting() >= sys.maxQueuedRequests()) {
            extra.add(new Violation(Limit.SYSTEM_QUEUE_SIZE, sys.maxQueuedRequests(), room.waiting(), 1));
        }
        return result(applied.tier(), d, extra);
    }

    /**
     * {@inheritDoc}
     * <p>
     * A request that has to queue blocks this thread; at most the system's {@code maxBlockedWaits} requests do so at
     * once, beyond that they are denied ({@link Limit#SYSTEM_BLOCKED_WAITS}). Prefer {@link #acquireAsync}.
     */
    @Override
    public Acquisition acquire(String user, QuotaRequest request) {
        long start = listeners.isEmpty() ? 0 : System.nanoTime();
        Object decided = decide(user, request, true);
        Acquisition a = decided instanceof WaitingRoom.Waiter w ? room.await(w, queuePollNanos) : (Acquisition) decided;
        if (start != 0) {
            told(user, request, a, System.nanoTime() - start);
        }
        return a;
    }

    @Override
    public CompletionStage<Acquisition> acquireAsync(String user, QuotaRequest request) {
        long start = listeners.isEmpty() ? 0 : System.nanoTime();
        Object decided = decide(user, request, false);
        if (decided instanceof WaitingRoom.Waiter w) {
            if (start != 0) {
                w.outcome.thenAccept(a -> told(user, request, a, System.nanoTime() - start));
            }
            return w.outcome;
        }
        Acquisition a = (Acquisition) decided;
        if (start != 0) {
            told(user, request, a, System.nanoTime() - start);
        }
        return CompletableFuture.completedFuture(a);
    }

    private void told(String user, QuotaRequest request, Acquisition a, long nanos) {
        for (DecisionListener l : listeners) {
            l.decided(user, request, a.result(), nanos);
        }
    }

    /** The decision: an {@link Acquisition}, or the {@link WaitingRoom.Waiter} of a request that has to queue. */
    private Object decide(String user, QuotaRequest request, boolean blocking) {
        Objects.requireNonNull(user, "user");
        QuotaTiers.Applied applied = tiers.resolve(user, request.tier());
        QuotaLimits limits = applied.limits();
        // a user with limits of its own keeps its tier's rank when tiers are shed or slots handed over
        String ranked = QuotaTiers.OVERRIDE.equals(applied.tier()) ? tiers.rankedTier(user, request.tier())
                : applied.tier();
        boolean concurrent = request.concurrent();
        SystemLimits sys = systemLimits;
        if (closed) {
            return deny(applied.tier(), List.of(new Violation(Limit.SYSTEM_CONCURRENT_TASKS, 0, active.get(), 1)),
                    List.of());
        }
        AdmissionGate admission = gate;
        if (admission != null) {
            Violation refused = admission.refusal(ranked, active::get);
            if (refused != null) {
                return deny(applied.tier(), List.of(refused), List.of());
            }
        }
        // Without a system limit there is nothing to reserve: an admitted task is counted once admitted, and a
        // denial (a flood of them is the case to make cheap) touches no shared counter
        boolean limited = concurrent && sys.maxConcurrentTasks() != QuotaLimits.OFF;
        boolean instanceFull = limited && !reserve(active, sys.maxConcurrentTasks());
        if (instanceFull && (limits.maxConcurrentTasks() == QuotaLimits.OFF || limits.maxQueueSize() <= 0)) {
            // the instance is full and the user has no queue to wait in; still tell every other limit it would break
            Decision d = decideOn(user, applied.tier(), new Operations.Check(request, limits));
            List<Violation> all = new ArrayList<>(d.violations());
            all.add(instanceFull(sys));
            return deny(applied.tier(), all, d.limits());
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
                active.decrementAndGet();
            }
            throw e;
        }
        if (d.verdict() == Verdict.ADMITTED) {
            if (concurrent && !limited) {
                active.incrementAndGet(); // released by the permit, as a reserved one
            }
            statistics.allowed(d.violations());
            String tier = applied.tier();
            Decision admitted = d;
            // the result only when asked for: a caller that just runs its task makes none of its objects
            return permit(user, token, concurrent, () -> QuotaCheckResult.allowed(tier, false,
                    admitted.violations(), admitted.limits()));
        }
        if (holdsSlot) {
            active.decrementAndGet(); // a denied or waiting request holds no slot of this instance
        }
        if (d.verdict() == Verdict.DENIED) {
            if (!instanceFull) {
                return denied(applied.tier(), d);
            }
            List<Violation> all = new ArrayList<>(d.violations());
            all.add(instanceFull(sys));
            return deny(applied.tier(), all, d.limits());
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
            return deny(applied.tier(), instanceFull ? List.of(instanceFull(sys), v) : List.of(v), after);
        }
        poll.start();
        return room.enter(user, counted, limits, applied.tier(), rank(ranked), d.atMillis(), token, blocking,
                d.violations());
    }

    /** The same request as one that counted nothing in the windows. */
    private static QuotaRequest uncounted(QuotaRequest r) {
        return new QuotaRequest(0, r.fileSizeBytes(), r.concurrent(), r.tier(), false, r.anonymous(), r.target());
    }

    private Violation instanceFull(SystemLimits sys) {
        return new Violation(Limit.SYSTEM_CONCURRENT_TASKS, sys.maxConcurrentTasks(), active.get(), 1);
    }

    /** The tier's priority for a freed slot of this instance: the gate's order, else the default one. */
    private int rank(String tier) {
        AdmissionGate g = gate;
        return (g != null ? g : AdmissionGate.OPEN).rank(tier);
    }

    /** How the waiting room claims slots and answers waiters, with this manager's counters. */
    private final class Slots implements WaitingRoom.Host {

        @Override
        public Decision claim(WaitingRoom.Waiter w) {
            if (!reserve(active, systemLimits.maxConcurrentTasks())) {
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
            return permit(w.user, w.token, true, QuotaCheckResult.allowed(w.tier, true, w.shadow, d.limits()));
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
            return deny(w.tier, List.of(new Violation(Limit.QUEUE_WAIT, w.limits.maxQueueWait().toMillis(),
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
            return deny(w.tier, List.of(new Violation(Limit.SYSTEM_CONCURRENT_TASKS, 0, active.get(), 1)), after);
        }
    }

    /**
     * One poll of the waiting room now: ends the waits past their deadline and hands over slots freed where this
     * instance did not see it. The manager runs it every {@code queuePoll}; public for a test or a caller that
     * schedules it itself.
     */
    public void pollQueue() {
        poll.run();
    }

    private QuotaPermit permit(String user, long token, boolean concurrent, QuotaCheckResult result) {
        return leased(new QuotaPermit(user, token, result, concurrent ? slotReleaser : endReleaser));
    }

    private QuotaPermit permit(String user, long token, boolean concurrent, Supplier<QuotaCheckResult> result) {
        return leased(new QuotaPermit(user, token, result, concurrent ? slotReleaser : endReleaser));
    }

    /** The permit, tracked for lease renewal when it holds a slot of a store whose slots expire. */
    private QuotaPermit leased(QuotaPermit p) {
        if (leased != null && p.slot() != 0) {
            leased.add(p);
        }
        return p;
    }

    @Override
    public int renewLeases() {
        if (leased == null) {
            return 0;
        }
        Map<String, List<Long>> byUser = new HashMap<>();
        for (QuotaPermit p : leased) {
            byUser.computeIfAbsent(p.user(), u -> new ArrayList<>()).add(p.slot());
        }
        room.addPlaces(byUser); // every waiting place too: a wait may be longer than the lease
        int renewed = 0;
        for (Map.Entry<String, List<Long>> e : byUser.entrySet()) {
            long[] tokens = e.getValue().stream().mapToLong(Long::longValue).toArray();
            renewed += store.execute(e.getKey(), new Operations.Renew(tokens, leaseMillis));
        }
        return renewed;
    }

    private void releaseNoSlot(QuotaPermit permit, boolean success) {
        statistics.ended(success);
    }

    private void releaseSlot(QuotaPermit permit, boolean success) {
        String user = permit.user();
        if (leased != null) {
            leased.remove(permit);
        }
        try {
            if (permit.slot() != 0) {
                Operations.Release release = new Operations.Release(permit.slot(), success);
                if (room.waiting() == 0) {
                    // nobody needs the answer: a cluster store does not make the request wait a round trip for it
                    store.send(user, release);
                } else {
                    // the handover below must find the slot free (HostileLoadIT lost waits without this)
                    store.execute(user, release);
                }
            }
        } finally {
            active.decrementAndGet();
            statistics.ended(success);
        }
        room.released(user);
    }

    /**
     * The answer to a decision the store denied: made once per decision object and tier, and the same object each
     * time the store answers that decision again (a refusal repeated from the state's memory, see RememberedDenial),
     * so a flood of one refused request costs a counter increment, not a result.
     */
    private QuotaDenial denied(String tier, Decision d) {
        if (d.published() instanceof PublishedDenial known && known.tier().equals(tier)) {
            known.counter().increment();
            return known.denial();
        }
        LongAdder counter = statistics.deniedCounter(d.violations());
        counter.increment();
        QuotaDenial denial = new QuotaDenial(QuotaCheckResult.denied(tier, d.violations(), d.limits()));
        d.publish(new PublishedDenial(tier, counter, denial));
        return denial;
    }

    /** What {@link #denied} made of a decision: the tier it answered for, its statistics counter and the answer. */
    private record PublishedDenial(String tier, LongAdder counter, QuotaDenial denial) {
    }

    private QuotaDenial deny(String tier, List<Violation> violations, List<LimitStatus> limits) {
        statistics.denied(violations);
        return new QuotaDenial(QuotaCheckResult.denied(tier, violations, limits));
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

    private static boolean hasRoom(AtomicInteger counter, long max) {
        return max == QuotaLimits.OFF || counter.get() < max;
    }

    private static long newToken() {
        long t;
        do {
            t = ThreadLocalRandom.current().nextLong();
        } while (t == 0);
        return t;
    }

    @Override
    public UserQuotaUsage usage(String user, String callerTier) {
        QuotaTiers.Applied applied = tiers.resolve(user, callerTier);
        Operations.Snapshot s = store.execute(user, new Operations.Inspect(applied.limits()));
        return new UserQuotaUsage(user, applied.tier(), s.requestsPerMinute(), s.filesPerHour(), s.filesPerDay(),
                s.activeTasks(), s.queued(), s.completed(), s.failed(),
                s.lastActivity() == 0 ? null : Instant.ofEpochMilli(s.lastActivity()), s.limits());
    }

    @Override
    public QuotaStatistics statistics() {
        return statistics.snapshot(active.get(), room.waiting(), room.blocked(), store.trackedUsers());
    }

    @Override
    public QuotaTiers tiers() {
        return tiers;
    }

    @Override
    public SystemLimits systemLimits() {
        return systemLimits;
    }

    @Override
    public void systemLimits(SystemLimits limits) {
        this.systemLimits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public void admission(AdmissionGate gate) {
        this.gate = gate;
    }

    @Override
    public void listen(DecisionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    @Override
    public QuotaStore store() {
        return store;
    }

    @Override
    public void close() {
        closed = true;
        room.close();
        poll.close();
        store.close();
    }
}
