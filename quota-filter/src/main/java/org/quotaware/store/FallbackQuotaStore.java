package org.quotaware.store;

import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.engine.Operations;
import org.quotaware.engine.UserState;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

/**
 * A primary store shared by several JVMs (Hazelcast's, Redis's, any {@link CompareAndSetStore}) that a local
 * {@link InMemoryQuotaStore} stands in for while the primary fails, as the primary's own {@link StoreFailures}
 * classifier tells ({@link QuotaStore#failures()}): decisions never stop because the shared store did.
 * <p>
 * <b>Sharing the limits.</b> In {@link StoreMode#FALLBACK} every operation that carries limits runs locally with
 * {@code limits.share(n)}, {@code n} the larger of the last member count seen and {@code fallbackMembers}, so the
 * members apart grant one quota between them. What can be over-admitted, per user and window: the local stores start
 * from zero, so on top of what the distributed store had counted the members together admit at most
 * {@code n * max(1, limit / n)}, i.e. one full limit, or {@code n} units when the limit is below {@code n}.
 * Concurrency: at most {@code n * max(1, maxConcurrentTasks / n)} local slots, plus tasks admitted before the failure
 * whose distributed slots lapse after the lease while they still run.
 * <p>
 * <b>Coming back.</b> In fallback, the primary is retried at most once per {@code retryInterval}, by the next call.
 * When it answers, decisions go back to the primary at once, and every user the local store holds state for is
 * handed back: drained from the local store and merged into the primary ({@link Operations.Drain},
 * {@link Operations.Merge}), so the fallback's counts join the distributed windows exactly once. The hand-over is
 * done by the decisions that follow, each for its own user first (so that decision sees the user's local counts) and
 * a few others; no decision waits for the whole of it. Counts are merged by their age, not by this member's clock
 * (see {@link Operations.Merge}): a member whose clock is off neither expires the cluster's slots nor loses counts.
 * A slot is released and renewed where it was issued (this store remembers the tokens of local slots), so a permit
 * taken in fallback is released locally whenever it ends.
 * <p>
 * The store never looks at an operation's type: what it needs (the share of its limits, the slots it acts on or
 * took) the {@link StateOperation} says.
 * <p>
 * Bounded: it keeps nothing per user beyond the local store's states (capped like any {@link InMemoryQuotaStore}),
 * and the tokens of the local slots held now.
 */
public final class FallbackQuotaStore implements QuotaStore {

    private static final Logger LOG = Logger.getLogger(FallbackQuotaStore.class.getName());
    /** A key no user has, for probing the primary when nobody was counted locally. */
    static final String PROBE_KEY = "\u0000quotaware-probe";
    /** Users handed back by each decision besides its own while the hand-over lasts. */
    static final int HAND_BACK_PER_DECISION = 4;

    private final QuotaStore primary;
    private final StoreFailures failures;
    private final InMemoryQuotaStore local;
    private final IntSupplier memberCount;
    private final int fallbackMembers;
    private final long retryNanos;
    private final LongSupplier nanoTime;
    private final Consumer<StoreMode> listener;
    /** Read-held by local decisions in fallback, write-held while switching back, so no count escapes the hand-over. */
    private final ReadWriteLock switching = new ReentrantReadWriteLock();
    /** Users whose local counts wait to be handed to the primary after the switch back. */
    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    /** Held while one user is handed back, so a decision for that user waits for its counts. */
    private final ReentrantLock[] stripes = new ReentrantLock[64];
    private final Set<Long> localSlots = ConcurrentHashMap.newKeySet();
    private final AtomicLong transitions = new AtomicLong();
    private final AtomicLong lastRetry = new AtomicLong();
    private volatile StoreMode mode = StoreMode.DISTRIBUTED;
    private volatile int lastKnownMembers;

    private FallbackQuotaStore(Builder b) {
        Arrays.setAll(stripes, i -> new ReentrantLock());
        this.primary = b.primary;
        this.local = b.local != null ? b.local : new InMemoryQuotaStore();
        this.failures = b.failures != null ? b.failures : primary.failures();
        this.memberCount = b.memberCount != null ? b.memberCount : primary::members;
        this.fallbackMembers = b.fallbackMembers;
        this.retryNanos = b.retryInterval.toNanos();
        this.nanoTime = b.nanoTime;
        this.listener = b.listener;
    }

    public static Builder builder(QuotaStore primary) {
        return new Builder(primary);
    }

    @Override
    public <R> R execute(String user, StateOperation<R> operation) {
        if (!localSlots.isEmpty()) {
            long[] tokens = operation.slotTokens();
            long[] mine = tokens.length == 0 ? tokens : Arrays.stream(tokens).filter(localSlots::contains).toArray();
            if (mine.length > 0 && mine.length == tokens.length) {
                return onOwnSlots(user, operation);
            }
            if (mine.length > 0) { // a renewal of slots taken on both sides: each part where its slots live
                long[] theirs = Arrays.stream(tokens).filter(t -> !localSlots.contains(t)).toArray();
                return operation.combine(onOwnSlots(user, operation.forSlots(mine)),
                        decide(user, operation.forSlots(theirs)));
            }
        }
        return decide(user, operation);
    }

    /**
     * An operation on slots taken in the cluster (a release) is sent there without waiting while the cluster answers;
     * everything else as {@link #execute}. A release the cluster then fails to run is not counted here: its slot
     * lapses after the lease.
     */
    @Override
    public void send(String user, StateOperation<?> operation) {
        if (mode == StoreMode.DISTRIBUTED && pending.isEmpty() && !onLocalSlot(operation)) {
            try {
                primary.send(user, operation);
                return;
            } catch (RuntimeException e) {
                enterFallback(e);
            }
            locally(user, operation);
            return;
        }
        execute(user, operation);
    }

    private boolean onLocalSlot(StateOperation<?> operation) {
        if (localSlots.isEmpty()) {
            return false;
        }
        for (long token : operation.slotTokens()) {
            if (localSlots.contains(token)) {
                return true;
            }
        }
        return false;
    }

    /** Decides on the primary, or locally in fallback (retrying the primary when it is time). */
    private <R> R decide(String user, StateOperation<R> operation) {
        if (mode == StoreMode.FALLBACK && !(retryDue() && switchBack())) {
            return locally(user, operation);
        }
        try {
            if (!pending.isEmpty()) {
                handBackPending(user);
            }
            R answer = primary.execute(user, operation);
            int members = Math.max(1, memberCount.getAsInt());
            if (members != lastKnownMembers) {
                lastKnownMembers = members; // written on a change only: a write per decision bounces its cache line
            }
            return answer;
        } catch (RuntimeException e) {
            enterFallback(e);
            return locally(user, operation);
        }
    }

    /** Runs the operation on the local store with this member's share of its limits. */
    private <R> R locally(String user, StateOperation<R> operation) {
        return locallyOr(user, operation, this::decide); // decided again if switched back while this call waited
    }

    /** In fallback, runs the operation locally, under the read lock; once switched back, {@code otherwise}. */
    private <R> R locallyOr(String user, StateOperation<R> operation,
            BiFunction<String, StateOperation<R>, R> otherwise) {
        switching.readLock().lock();
        try {
            if (mode == StoreMode.FALLBACK) {
                return onLocalStore(user, operation);
            }
        } finally {
            switching.readLock().unlock();
        }
        return otherwise.apply(user, operation);
    }

    /** Call with the read lock held (or for a local slot's release): counts stay local until handed back. */
    private <R> R onLocalStore(String user, StateOperation<R> operation) {
        R answer = local.execute(user, operation.shared(shareOf()));
        long token = operation.slotTaken(answer);
        if (token != 0) {
            localSlots.add(token);
        }
        return answer;
    }

    /** An operation on slots issued here in fallback (a release, a renewal): run where they were issued. */
    private <R> R onOwnSlots(String user, StateOperation<R> operation) {
        if (operation.endsSlots()) {
            for (long token : operation.slotTokens()) {
                localSlots.remove(token);
            }
        }
        return locallyOr(user, operation, this::afterSwitchBack);
    }

    /**
     * An operation on local slots after the switch back: run and drained in one step, so an outcome cannot vanish
     * with a state the operation leaves idle, and what was counted handed to the primary.
     */
    private <R> R afterSwitchBack(String user, StateOperation<R> operation) {
        Handed<R> handed = local.execute(user, (state, now) -> new Handed<>(operation.apply(state, now),
                new Operations.Drain().apply(state, now)));
        try {
            merge(user, handed.drained());
        } catch (RuntimeException e) {
            enterFallback(e);
        }
        return handed.answer();
    }

    private void enterFallback(RuntimeException e) {
        String failure = failures.explain(e);
        if (failure == null) {
            throw e; // not the store's failure: an operation's bug must not be hidden by a fallback
        }
        lastRetry.set(nanoTime.getAsLong());
        synchronized (this) {
            if (mode == StoreMode.FALLBACK) {
                return;
            }
            mode = StoreMode.FALLBACK;
            pending.clear(); // their states stay local, and are handed back at the next switch
        }
        LOG.log(Level.WARNING, "Quota decisions continue locally with 1/" + shareOf() + " of each limit: "
                + failure);
        transitioned(StoreMode.FALLBACK);
    }

    private boolean retryDue() {
        long last = lastRetry.get();
        long now = nanoTime.getAsLong();
        return now - last >= retryNanos && lastRetry.compareAndSet(last, now);
    }

    /**
     * Decides on the primary again if it answers; false (still in fallback) if it does not. Only the change of mode
     * waits for the local decisions in progress; the local counts are handed back afterwards, user by user, by the
     * decisions that follow ({@link #handBackPending}), so no decision waits for the whole hand-over.
     */
    private boolean switchBack() {
        try {
            primary.execute(PROBE_KEY, new Operations.Export());
        } catch (RuntimeException e) {
            if (failures.explain(e) == null) {
                throw e;
            }
            LOG.log(Level.FINE, "Quota store still unavailable", e);
            return false;
        }
        switching.writeLock().lock();
        try {
            if (mode == StoreMode.DISTRIBUTED) {
                return true;
            }
            pending.addAll(local.users()); // only the users with local state: the local store bounds them
            mode = StoreMode.DISTRIBUTED;
        } finally {
            switching.writeLock().unlock();
        }
        LOG.log(Level.INFO, "Quota decisions are distributed again; local counts are merged into the cluster");
        transitioned(StoreMode.DISTRIBUTED);
        return true;
    }

    /**
     * Before a decision on the primary while local counts wait to be handed back: the user's own first, so the
     * decision sees them, then up to {@value #HAND_BACK_PER_DECISION} others nobody is handing back already, so the
     * hand-over ends with the traffic and each decision pays for a few users at most.
     */
    private void handBackPending(String user) {
        handBackIfPending(user, true);
        Iterator<String> others = pending.iterator();
        for (int i = 0; i < HAND_BACK_PER_DECISION && others.hasNext(); i++) {
            handBackIfPending(others.next(), false);
        }
    }

    /** Hands one user back unless done; a decision for that user waits meanwhile, other users' do not. */
    private void handBackIfPending(String user, boolean wait) {
        if (!pending.contains(user)) {
            return;
        }
        ReentrantLock lock = stripes[(user.hashCode() & Integer.MAX_VALUE) % stripes.length];
        if (wait) {
            lock.lock();
        } else if (!lock.tryLock()) {
            return;
        }
        try {
            if (pending.contains(user)) {
                handBack(user);
                pending.remove(user); // only now: a decision for this user that saw it pending waited for the lock
            }
        } finally {
            lock.unlock();
        }
    }

    /** Moves one user's local counts into the primary, exactly once: put back if the primary fails. */
    private void handBack(String user) {
        merge(user, local.execute(user, new Operations.Drain()));
    }

    private void merge(String user, UserState drained) {
        if (drained == null || !drained.counts()) {
            return;
        }
        try {
            primary.execute(user, new Operations.Merge(drained));
        } catch (RuntimeException e) {
            local.execute(user, new Operations.Merge(drained));
            throw e;
        }
    }

    /** An operation's answer and what the state held besides, taken in one atomic step. */
    private record Handed<R>(R answer, UserState drained) {
    }

    private void transitioned(StoreMode to) {
        transitions.incrementAndGet();
        try {
            listener.accept(to);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "Store mode listener failed", e);
        }
    }

    /** The number of members the limits are shared between in fallback. */
    int shareOf() {
        return Math.max(fallbackMembers, lastKnownMembers);
    }

    /** Where decisions are made now. */
    public StoreMode mode() {
        return mode;
    }

    /** How many times the mode changed (both directions), for metrics. */
    public long transitions() {
        return transitions.get();
    }

    @Override
    public long trackedUsers() {
        if (mode == StoreMode.DISTRIBUTED) {
            try {
                return primary.trackedUsers() + local.trackedUsers();
            } catch (RuntimeException e) {
                enterFallback(e);
            }
        }
        return local.trackedUsers();
    }

    @Override
    public long currentTimeMillis() {
        if (mode == StoreMode.DISTRIBUTED) {
            try {
                return primary.currentTimeMillis();
            } catch (RuntimeException e) {
                enterFallback(e);
            }
        }
        return local.currentTimeMillis();
    }

    /** The primary's lease; local slots get it too, and are renewed locally. */
    @Override
    public long slotLeaseMillis() {
        return primary.slotLeaseMillis();
    }

    @Override
    public void close() {
        try {
            primary.close();
        } finally {
            local.close();
        }
    }

    /** Builds a {@link FallbackQuotaStore}; every setting but the primary has a default. */
    public static final class Builder {
        private final QuotaStore primary;
        private StoreFailures failures;
        private InMemoryQuotaStore local;
        private IntSupplier memberCount;
        private int fallbackMembers = 2;
        private Duration retryInterval = Duration.ofSeconds(5);
        private LongSupplier nanoTime = System::nanoTime;
        private Consumer<StoreMode> listener = mode -> { };

        private Builder(QuotaStore primary) {
            this.primary = Objects.requireNonNull(primary, "primary");
        }

        /** The store used in fallback; default a new {@link InMemoryQuotaStore} on the system clock. */
        public Builder local(InMemoryQuotaStore local) {
            this.local = Objects.requireNonNull(local, "local");
            return this;
        }

        /**
         * The cluster's member count, read after each successful primary call; default the primary's
         * {@link QuotaStore#members()} (0, unknown, for a store that cannot tell).
         */
        public Builder memberCount(IntSupplier memberCount) {
            this.memberCount = Objects.requireNonNull(memberCount, "memberCount");
            return this;
        }

        /** Which of the primary's exceptions mean it cannot answer now; default the primary's {@link QuotaStore#failures()}. */
        public Builder failures(StoreFailures failures) {
            this.failures = Objects.requireNonNull(failures, "failures");
            return this;
        }

        /** The fewest members the limits are shared between in fallback, default 2. */
        public Builder fallbackMembers(int members) {
            this.fallbackMembers = (int) InvalidQuotaConfigException.requireRange("fallbackMembers", members, 1,
                    10_000);
            return this;
        }

        /** The least time between two attempts to reach the primary in fallback, default 5 s. */
        public Builder retryInterval(Duration interval) {
            InvalidQuotaConfigException.requireRange("retryIntervalMillis", interval.toMillis(), 0, 3_600_000);
            this.retryInterval = interval;
            return this;
        }

        /** The monotonic time the retry interval is measured on (tests move it by hand). */
        public Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        /** Called after each change of mode, on the thread that made it. */
        public Builder onTransition(Consumer<StoreMode> listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public FallbackQuotaStore build() {
            return new FallbackQuotaStore(this);
        }
    }
}
