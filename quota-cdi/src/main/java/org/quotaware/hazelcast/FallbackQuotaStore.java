package org.quotaware.hazelcast;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.engine.Decision;
import org.quotaware.engine.Operations;
import org.quotaware.engine.UserState;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

/**
 * A primary store (normally the {@link HazelcastQuotaStore}) that a local {@link InMemoryQuotaStore} stands in for
 * while the primary fails ({@link StoreFailure}): decisions never stop because the cluster did.
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
 * When it answers, every user counted locally is drained from the local store and merged into the primary
 * ({@link Operations.Drain}, {@link Operations.Merge}), so the fallback's counts join the distributed windows exactly
 * once; then decisions go back to the primary. A slot is released and renewed where it was issued (this store
 * remembers the tokens of local slots), so a permit taken in fallback is released locally whenever it ends.
 */
public final class FallbackQuotaStore implements QuotaStore {

    private static final Logger LOG = Logger.getLogger(FallbackQuotaStore.class.getName());
    /** A key no user has, for probing the primary when nobody was counted locally. */
    static final String PROBE_KEY = "\u0000quotaware-probe";

    private final QuotaStore primary;
    private final InMemoryQuotaStore local;
    private final IntSupplier memberCount;
    private final int fallbackMembers;
    private final long retryNanos;
    private final LongSupplier nanoTime;
    private final Consumer<StoreMode> listener;
    /** Read-held by local decisions in fallback, write-held while switching back, so no count escapes the hand-over. */
    private final ReadWriteLock switching = new ReentrantReadWriteLock();
    private final Set<String> countedLocally = ConcurrentHashMap.newKeySet();
    private final Set<Long> localSlots = ConcurrentHashMap.newKeySet();
    private final AtomicLong transitions = new AtomicLong();
    private final AtomicLong lastRetry = new AtomicLong();
    private volatile StoreMode mode = StoreMode.DISTRIBUTED;
    private volatile int lastKnownMembers;

    private FallbackQuotaStore(Builder b) {
        this.primary = b.primary;
        this.local = b.local != null ? b.local : new InMemoryQuotaStore();
        this.memberCount = b.memberCount != null ? b.memberCount
                : primary instanceof HazelcastQuotaStore h ? h::members : () -> 0;
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
        if (operation instanceof Operations.Release release) {
            @SuppressWarnings("unchecked")
            R r = (R) release(user, release);
            return r;
        }
        if (operation instanceof Operations.Renew renew) {
            @SuppressWarnings("unchecked")
            R r = (R) renew(user, renew);
            return r;
        }
        if (mode == StoreMode.FALLBACK && !(retryDue() && switchBack())) {
            return locally(user, operation);
        }
        try {
            R answer = primary.execute(user, operation);
            lastKnownMembers = Math.max(1, memberCount.getAsInt());
            return answer;
        } catch (RuntimeException e) {
            enterFallback(e);
            return locally(user, operation);
        }
    }

    /**
     * A release of a slot taken in the cluster is sent there without waiting while the cluster answers; everything
     * else as {@link #execute}. A release the cluster then fails to run is not counted here: its slot lapses after
     * the lease.
     */
    @Override
    public void send(String user, StateOperation<?> operation) {
        if (operation instanceof Operations.Release release && mode == StoreMode.DISTRIBUTED
                && !localSlots.contains(release.token())) {
            try {
                primary.send(user, release);
                return;
            } catch (RuntimeException e) {
                enterFallback(e);
            }
            locally(user, release);
            return;
        }
        execute(user, operation);
    }

    /** Runs the operation on the local store with this member's share of its limits. */
    private <R> R locally(String user, StateOperation<R> operation) {
        while (true) {
            switching.readLock().lock();
            try {
                if (mode == StoreMode.FALLBACK) {
                    return onLocalStore(user, operation);
                }
            } finally {
                switching.readLock().unlock();
            }
            try {
                return primary.execute(user, operation); // switched back while this call waited
            } catch (RuntimeException e) {
                enterFallback(e);
            }
        }
    }

    /** Call with the read lock held (or for a local slot's release): counts stay local until handed back. */
    private <R> R onLocalStore(String user, StateOperation<R> operation) {
        StateOperation<R> shared = operation instanceof Operations.WithLimits<R> w
                ? w.withLimits(w.limits().share(shareOf())) : operation;
        countedLocally.add(user);
        R answer = local.execute(user, shared);
        long token = operation instanceof Operations.Acquire a ? a.token()
                : operation instanceof Operations.Claim c ? c.token() : 0;
        if (token != 0 && answer instanceof Decision d && d.verdict() == Decision.Verdict.ADMITTED) {
            localSlots.add(token);
        }
        return answer;
    }

    private Boolean release(String user, Operations.Release release) {
        if (localSlots.remove(release.token())) {
            switching.readLock().lock();
            try {
                if (mode == StoreMode.FALLBACK) {
                    return onLocalStore(user, release);
                }
            } finally {
                switching.readLock().unlock();
            }
            // a fallback permit ends after the switch back: release and drain in one step, so the outcome cannot
            // vanish with a state the release leaves idle, and hand it to the primary
            Handed handed = local.execute(user, (state, now) -> new Handed(release.apply(state, now),
                    new Operations.Drain().apply(state, now)));
            try {
                merge(user, handed.drained());
            } catch (RuntimeException e) {
                countedLocally.add(user);
                enterFallback(e);
            }
            return handed.found();
        }
        if (mode == StoreMode.DISTRIBUTED) {
            try {
                return primary.execute(user, release);
            } catch (RuntimeException e) {
                enterFallback(e);
            }
        }
        // the slot lives in the unreachable primary and lapses there after its lease; count the outcome here
        return locally(user, release);
    }

    private Integer renew(String user, Operations.Renew renew) {
        long[] mine = Arrays.stream(renew.tokens()).filter(localSlots::contains).toArray();
        long[] theirs = Arrays.stream(renew.tokens()).filter(t -> !localSlots.contains(t)).toArray();
        int found = mine.length == 0 ? 0 : local.execute(user, new Operations.Renew(mine, renew.leaseMillis()));
        if (theirs.length > 0 && mode == StoreMode.DISTRIBUTED) {
            try {
                found += primary.execute(user, new Operations.Renew(theirs, renew.leaseMillis()));
            } catch (RuntimeException e) {
                enterFallback(e);
            }
        }
        return found;
    }

    private void enterFallback(RuntimeException e) {
        StoreFailure failure = StoreFailure.classify(e);
        if (failure == null) {
            throw e; // not the store's failure: an operation's bug must not be hidden by a fallback
        }
        lastRetry.set(nanoTime.getAsLong());
        synchronized (this) {
            if (mode == StoreMode.FALLBACK) {
                return;
            }
            mode = StoreMode.FALLBACK;
        }
        LOG.log(Level.WARNING, "Quota decisions continue locally with 1/" + shareOf() + " of each limit: "
                + (e instanceof QuotaStoreUnavailableException ? e.getMessage() : failure.describe(e)));
        transitioned(StoreMode.FALLBACK);
    }

    private boolean retryDue() {
        long last = lastRetry.get();
        long now = nanoTime.getAsLong();
        return now - last >= retryNanos && lastRetry.compareAndSet(last, now);
    }

    /** Hands every local count to the primary, then decides there again; false (still in fallback) if it fails. */
    private boolean switchBack() {
        switching.writeLock().lock();
        try {
            if (mode == StoreMode.DISTRIBUTED) {
                return true;
            }
            try {
                if (countedLocally.isEmpty()) {
                    primary.execute(PROBE_KEY, new Operations.Export());
                }
                for (String user : countedLocally) {
                    handBack(user);
                    countedLocally.remove(user);
                }
            } catch (RuntimeException e) {
                if (StoreFailure.classify(e) == null) {
                    throw e;
                }
                LOG.log(Level.FINE, "Quota store still unavailable", e);
                return false;
            }
            mode = StoreMode.DISTRIBUTED;
        } finally {
            switching.writeLock().unlock();
        }
        LOG.log(Level.INFO, "Quota decisions are distributed again; local counts merged into the cluster");
        transitioned(StoreMode.DISTRIBUTED);
        return true;
    }

    /** Moves one user's local counts into the primary, exactly once: put back if the primary fails. */
    private void handBack(String user) {
        merge(user, local.execute(user, new Operations.Drain()));
    }

    private void merge(String user, UserState drained) {
        if (drained == null) {
            return;
        }
        try {
            primary.execute(user, new Operations.Merge(drained));
        } catch (RuntimeException e) {
            local.execute(user, new Operations.Merge(drained));
            throw e;
        }
    }

    /** A local slot's release and what the state held besides, taken in one atomic step. */
    private record Handed(Boolean found, UserState drained) {
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
         * The cluster's member count, read after each successful primary call; default
         * {@link HazelcastQuotaStore#members()} for a Hazelcast primary, else unknown (0).
         */
        public Builder memberCount(IntSupplier memberCount) {
            this.memberCount = Objects.requireNonNull(memberCount, "memberCount");
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
