package org.quotaware.engine;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import org.quotaware.Acquisition;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaDenial;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaStatistics;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.UserQuotaUsage;
import org.quotaware.Violation;
import org.quotaware.engine.Decision.Verdict;
import org.quotaware.engine.UserQueue.Waiter;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.scaling.LoadProtection;
import org.quotaware.spi.QuotaStore;

/**
 * The {@link QuotaManager}: resolves the user's limits, runs one atomic store operation per decision, and keeps the
 * per-instance parts here (system limits, the queue's waiting threads, statistics).
 * <p>
 * A queued request waits on its own thread; it is handed a slot by the release of the same user's task (in arrival
 * order), and also re-checks every {@code queuePoll} in case the slot was freed elsewhere (another instance, another
 * user's release of a system slot).
 */
public final class DefaultQuotaManager implements QuotaManager {

    private final QuotaStore store;
    private final QuotaTiers tiers;
    private final long queuePollNanos;
    private final long leaseMillis;
    /** Permits holding a leased slot, renewed by {@link #renewLeases()}; null when the store's slots never expire. */
    private final Set<QuotaPermit> leased;
    private volatile SystemLimits systemLimits;
    private final Statistics statistics = new Statistics();
    private final AtomicInteger active = new AtomicInteger();
    private final AtomicInteger queued = new AtomicInteger();
    private final ConcurrentHashMap<String, UserQueue> queues = new ConcurrentHashMap<>();
    private volatile boolean closed;
    private volatile LoadProtection protection;
    private final List<DecisionListener> listeners = new CopyOnWriteArrayList<>();
    private final QuotaPermit.Releaser slotReleaser = this::releaseSlot;
    private final QuotaPermit.Releaser endReleaser = this::releaseNoSlot;

    /** Told of every decision of {@link #acquire}: for metrics. Called on the request thread; must be quick. */
    @FunctionalInterface
    public interface DecisionListener {
        /**
         * @param tier   the tier whose limits applied
         * @param result the decision
         * @param nanos  how long the decision took, waiting in the queue included
         */
        void decided(String tier, QuotaCheckResult result, long nanos);
    }

    private DefaultQuotaManager(Builder b) {
        this.store = b.store != null ? b.store : new InMemoryQuotaStore(b.clock, b.maxTrackedUsers);
        this.tiers = b.tiers;
        this.systemLimits = b.systemLimits;
        this.queuePollNanos = b.queuePoll.toNanos();
        this.leaseMillis = store.slotLeaseMillis();
        this.leased = leaseMillis == QuotaEngine.NO_LEASE ? null : ConcurrentHashMap.newKeySet();
    }

    public static Builder builder() {
        return new Builder();
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
        if (d.verdict() == Verdict.QUEUED && !hasRoom(queued, sys.maxQueuedRequests())) {
            extra.add(new Violation(Limit.SYSTEM_QUEUE_SIZE, sys.maxQueuedRequests(), queued.get(), 1));
        }
        return result(applied.tier(), d, extra);
    }

    @Override
    public Acquisition acquire(String user, QuotaRequest request) {
        if (listeners.isEmpty()) {
            return decide(user, request);
        }
        long start = System.nanoTime();
        Acquisition a = decide(user, request);
        long nanos = System.nanoTime() - start;
        for (DecisionListener l : listeners) {
            l.decided(a.result().tier(), a.result(), nanos);
        }
        return a;
    }

    private Acquisition decide(String user, QuotaRequest request) {
        Objects.requireNonNull(user, "user");
        QuotaTiers.Applied applied = tiers.resolve(user, request.tier());
        QuotaLimits limits = applied.limits();
        boolean concurrent = request.concurrent();
        SystemLimits sys = systemLimits;
        if (closed) {
            return deny(applied.tier(), List.of(new Violation(Limit.SYSTEM_CONCURRENT_TASKS, 0, active.get(), 1)),
                    List.of());
        }
        LoadProtection shedding = protection;
        if (shedding != null) {
            LoadProtection.Admission admission = shedding.admit(applied.tier(), active::get);
            if (admission.shed()) {
                return deny(applied.tier(), List.of(new Violation(Limit.LOAD_SHED, shedding.maxLevel(),
                        admission.level(), Math.max(1, admission.retryAfterSeconds()))), List.of());
            }
        }
        if (concurrent && !reserve(active, sys.maxConcurrentTasks())) {
            // the instance is full; still tell the caller every other limit it would break
            Decision d = decideOn(user, applied.tier(), new Operations.Check(request, limits));
            List<Violation> all = new ArrayList<>(d.violations());
            all.add(new Violation(Limit.SYSTEM_CONCURRENT_TASKS, sys.maxConcurrentTasks(), active.get(), 1));
            return deny(applied.tier(), all, d.limits());
        }
        long token = concurrent && limits.maxConcurrentTasks() != QuotaLimits.OFF ? newToken() : 0;
        Decision d;
        try {
            Operations.Acquire acquire = new Operations.Acquire(request, limits, token, leaseMillis);
            d = store.execute(user, acquire);
            if (d.verdict() == Verdict.NO_ROOM) {
                user = overflow(applied.tier()); // from here on (permit, queue, release) the overflow's state
                d = store.execute(user, acquire);
            }
        } catch (RuntimeException | Error e) {
            if (concurrent) {
                active.decrementAndGet();
            }
            throw e;
        }
        if (d.verdict() == Verdict.ADMITTED) {
            statistics.allowed();
            return permit(user, token, concurrent, QuotaCheckResult.allowed(applied.tier(), false, d.limits()));
        }
        if (concurrent) {
            active.decrementAndGet(); // a denied or waiting request holds no slot of this instance
        }
        if (d.verdict() == Verdict.DENIED) {
            return deny(applied.tier(), d.violations(), d.limits());
        }
        return await(user, new Waiter(request, limits, applied.tier(), d.atMillis(), token));
    }

    private Acquisition await(String user, Waiter w) {
        SystemLimits sys = systemLimits;
        if (!reserve(queued, sys.maxQueuedRequests())) {
            List<LimitStatus> limits = store.execute(user,
                    new Operations.Unqueue(w.request, w.token, w.queuedAtMillis, w.limits));
            return deny(w.tier, List.of(new Violation(Limit.SYSTEM_QUEUE_SIZE, sys.maxQueuedRequests(), queued.get(), 1)),
                    limits);
        }
        UserQueue q = queues.compute(user, (k, cur) -> {
            UserQueue uq = cur != null ? cur : new UserQueue();
            synchronized (uq) {
                uq.waiters.add(w);
            }
            return uq;
        });
        if (closed) {
            // close() may have passed this user's queue before the waiter was in it; never wait out the queue for it
            denyClosed(w);
        }
        long start = System.nanoTime();
        long deadline = start + w.limits.maxQueueWait().toNanos();
        boolean interrupted = false;
        pump(user, q); // a slot may have been freed before this waiter was registered
        while (!w.permit.isDone()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            try {
                w.permit.get(Math.min(left, queuePollNanos), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                pump(user, q);
            } catch (InterruptedException e) {
                interrupted = true;
                break;
            } catch (ExecutionException e) {
                break; // the manager closed
            }
        }
        boolean stillWaiting;
        synchronized (q) {
            stillWaiting = q.waiters.remove(w);
        }
        dropIfEmpty(user);
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (!stillWaiting && w.permit.isDone() && !w.permit.isCompletedExceptionally()) {
            return w.permit.join();
        }
        List<LimitStatus> limits = List.of();
        if (stillWaiting) {
            queued.decrementAndGet();
            limits = store.execute(user, new Operations.Unqueue(w.request, w.token, w.queuedAtMillis, w.limits));
        }
        long waitedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        return deny(w.tier, List.of(new Violation(Limit.QUEUE_WAIT, w.limits.maxQueueWait().toMillis(), waitedMillis, 1)),
                limits);
    }

    /**
     * Hands freed slots to the user's waiters. The store keeps the queue's order across every member, so each local
     * waiter is offered in turn (only the first in line can claim); a pass stops when the store shows no free slot.
     */
    private void pump(String user, UserQueue q) {
        synchronized (q) {
            boolean claimed = true;
            while (claimed && !q.waiters.isEmpty()) {
                claimed = false;
                for (Iterator<Waiter> it = q.waiters.iterator(); it.hasNext(); ) {
                    Waiter w = it.next();
                    Decision d = claim(user, w);
                    if (d == null) {
                        return; // this instance is full
                    }
                    if (d.verdict() == Verdict.ADMITTED) {
                        it.remove();
                        queued.decrementAndGet();
                        statistics.allowed();
                        QuotaPermit p = permit(user, w.token, true, QuotaCheckResult.allowed(w.tier, true, d.limits()));
                        if (!w.permit.complete(p)) {
                            p.close(); // the manager closed under the waiter: never keep a slot nobody holds
                        }
                        claimed = true;
                        break;
                    }
                    LimitStatus tasks = QuotaCheckResult.allowed(w.tier, true, d.limits()).status(Limit.CONCURRENT_TASKS);
                    if (tasks != null && tasks.remaining() == 0) {
                        return; // no slot is free: nobody behind can claim either
                    }
                }
            }
        }
    }

    /** One claim for a waiter: the decision, or null when this instance has no system slot for it. */
    private Decision claim(String user, Waiter w) {
        if (!reserve(active, systemLimits.maxConcurrentTasks())) {
            return null;
        }
        Decision d;
        try {
            d = store.execute(user, new Operations.Claim(w.limits, w.token, leaseMillis));
        } catch (RuntimeException | Error e) {
            active.decrementAndGet();
            throw e;
        }
        if (d.verdict() != Verdict.ADMITTED) {
            active.decrementAndGet();
        }
        return d;
    }

    private void dropIfEmpty(String user) {
        queues.computeIfPresent(user, (k, q) -> {
            synchronized (q) {
                return q.waiters.isEmpty() ? null : q;
            }
        });
    }

    private QuotaPermit permit(String user, long token, boolean concurrent, QuotaCheckResult result) {
        QuotaPermit p = new QuotaPermit(user, token, result, concurrent ? slotReleaser : endReleaser);
        if (leased != null && token != 0) {
            leased.add(p);
        }
        return p;
    }

    /**
     * Extends the lease of every slot this manager's permits hold; call it well within the store's lease (quota-cdi
     * does, every third of it). Answers how many slots were renewed; a slot not found had outlived its lease.
     */
    public int renewLeases() {
        if (leased == null) {
            return 0;
        }
        Map<String, List<Long>> byUser = new HashMap<>();
        for (QuotaPermit p : leased) {
            byUser.computeIfAbsent(p.user(), u -> new ArrayList<>()).add(p.slot());
        }
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
                store.execute(user, new Operations.Release(permit.slot(), success));
            }
        } finally {
            active.decrementAndGet();
            statistics.ended(success);
        }
        // a waiter registered after this test pumps once itself, so skipping the lookup loses no hand-over
        UserQueue q = queues.isEmpty() ? null : queues.get(user);
        if (q != null) {
            pump(user, q);
        }
    }

    private QuotaDenial deny(String tier, List<Violation> violations, List<LimitStatus> limits) {
        statistics.denied(violations);
        return new QuotaDenial(QuotaCheckResult.denied(tier, violations, limits));
    }

    private static QuotaCheckResult result(String tier, Decision d, List<Violation> extra) {
        if (d.verdict() != Verdict.DENIED && extra.isEmpty()) {
            return QuotaCheckResult.allowed(tier, d.verdict() == Verdict.QUEUED, d.limits());
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
    private static boolean reserve(AtomicInteger counter, long max) {
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
        return statistics.snapshot(active.get(), queued.get(), store.trackedUsers());
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

    /**
     * Lets this instance protect itself: while {@code protection} sheds a tier, its requests are denied with
     * {@link Limit#LOAD_SHED} (503) before any quota is spent; null switches it off.
     */
    public void protection(LoadProtection protection) {
        this.protection = protection;
    }

    public LoadProtection protection() {
        return protection;
    }

    /** Adds a listener told of every decision. */
    public void listen(DecisionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The store decisions run on. */
    public QuotaStore store() {
        return store;
    }

    @Override
    public void close() {
        closed = true;
        for (UserQueue q : queues.values()) {
            synchronized (q) {
                q.waiters.forEach(DefaultQuotaManager::denyClosed);
            }
        }
        store.close();
    }

    private static void denyClosed(Waiter w) {
        w.permit.completeExceptionally(new IllegalStateException("quota manager closed"));
    }

    /** Builds a {@link DefaultQuotaManager}; every setting has a default. */
    public static final class Builder {
        private QuotaStore store;
        private QuotaTiers tiers = new QuotaTiers();
        private SystemLimits systemLimits = SystemLimits.UNLIMITED;
        private InstantSource clock = InstantSource.system();
        private int maxTrackedUsers = InMemoryQuotaStore.DEFAULT_MAX_TRACKED_USERS;
        private Duration queuePoll = Duration.ofMillis(100);

        private Builder() {
        }

        /** Where state lives; default an {@link InMemoryQuotaStore} with {@link #clock} and {@link #maxTrackedUsers}. */
        public Builder store(QuotaStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        public Builder tiers(QuotaTiers tiers) {
            this.tiers = Objects.requireNonNull(tiers, "tiers");
            return this;
        }

        public Builder systemLimits(SystemLimits systemLimits) {
            this.systemLimits = Objects.requireNonNull(systemLimits, "systemLimits");
            return this;
        }

        /** The clock of the default in-memory store. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The tracked-user cap of the default in-memory store. */
        public Builder maxTrackedUsers(int maxTrackedUsers) {
            this.maxTrackedUsers = (int) InvalidQuotaConfigException.requireRange("maxTrackedUsers", maxTrackedUsers,
                    1, 100_000_000);
            return this;
        }

        /** How often a waiting request re-checks the store for a slot freed elsewhere; default 100 ms. */
        public Builder queuePoll(Duration queuePoll) {
            this.queuePoll = Objects.requireNonNull(queuePoll, "queuePoll");
            InvalidQuotaConfigException.requireRange("queuePoll (ms)", queuePoll.toMillis(), 1, 60_000);
            return this;
        }

        public DefaultQuotaManager build() {
            return new DefaultQuotaManager(this);
        }
    }
}
