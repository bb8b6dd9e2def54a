package org.quotaware.store;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.WindowedLimit;
import org.quotaware.engine.StateStep;
import org.quotaware.engine.UserState;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

/**
 * An exact {@link QuotaStore} over any {@link StateMap}: read a user's bytes, let the engine decide here, and write
 * only if nobody wrote in between ({@code putIfAbsent}, {@code replace} and {@code remove} compare the stored bytes);
 * otherwise read again and decide again. Two members can never both take the last unit: the second one's write fails
 * and it decides again on the first one's state. Comparing values, not versions, is exact here because the decision
 * is a pure function of the bytes: equal bytes, equal decision.
 * <p>
 * <b>Round trips.</b> A decision costs a read and a write. With {@link Builder#rememberStates} the store keeps the
 * bytes it last read or wrote for each user and decides on them without reading: the write still compares them with
 * the stored ones, so a stale copy costs a failed write and a read, never a wrong decision. One round trip per
 * decision while this member is the one writing the user's state.
 * <p>
 * <b>Bounded.</b> Every write carries {@link #timeToLiveMillis} so an abandoned state leaves by itself; an idle one
 * is removed by the operation that leaves it idle; the tracked-user cap and its sweep are {@link StateCap}'s.
 * <p>
 * Failures of the backend are thrown as {@link QuotaStoreUnavailableException} when its {@link StoreFailures} names
 * them, as they are otherwise (a bug to see).
 */
public final class CompareAndSetStore implements QuotaStore {

    public static final Duration DEFAULT_SLOT_LEASE = Duration.ofSeconds(30);
    private static final int MAX_ATTEMPTS = 10_000;

    private final StateMap map;
    private final StoreFailures failures;
    private final long leaseMillis;
    private final long ttlMillis;
    private final StateCap cap;
    private final int remembered;
    private final Map<String, byte[]> known;

    private CompareAndSetStore(Builder b) {
        this.map = b.map;
        this.failures = b.failures;
        this.leaseMillis = b.slotLease.toMillis();
        this.ttlMillis = timeToLiveMillis(leaseMillis);
        this.cap = new StateCap(b.maxTrackedUsers, map::size, b.nanoTime, this::sweepSlice);
        this.remembered = b.rememberStates;
        this.known = remembered > 0 ? new ConcurrentHashMap<>() : null;
    }

    /**
     * How long a state lives after its last write: the longest a unit can count after it
     * ({@link WindowedLimit#LONGEST_COUNT_MILLIS}) plus the slot lease, the longest a slot, queue place or allowance
     * lives without a write. After that nothing in it counts any more.
     */
    public static long timeToLiveMillis(long slotLeaseMillis) {
        return WindowedLimit.LONGEST_COUNT_MILLIS + slotLeaseMillis;
    }

    public static Builder builder(StateMap map) {
        return new Builder(map);
    }

    @Override
    public <R> R execute(String user, StateOperation<R> operation) {
        Objects.requireNonNull(user, "user");
        try {
            long now = map.currentTimeMillis();
            byte[] stored = known != null ? known.get(user) : null;
            if (stored == null) {
                stored = map.get(user);
            }
            for (int attempt = 1; ; attempt++) {
                UserState state = StateStep.begin(stored == null ? null : UserState.fromBytes(stored),
                        stored != null || cap.roomFor(user, operation, now));
                R answer = operation.apply(state, now);
                StateStep.Change change = StateStep.end(stored != null, state, now);
                byte[] written = change == StateStep.Change.CREATE || change == StateStep.Change.UPDATE
                        ? state.toBytes() : null;
                boolean done = switch (change) {
                    // only ever after a read: remembered bytes always exist, so they never end in NONE
                    case NONE -> true;
                    case CREATE -> map.putIfAbsent(user, written, ttlMillis);
                    case UPDATE -> map.replace(user, stored, written, ttlMillis);
                    case REMOVE -> map.remove(user, stored);
                };
                if (done) {
                    cap.add(change.trackedDelta);
                    remember(user, written);
                    return answer;
                }
                if (attempt >= MAX_ATTEMPTS) {
                    throw new IllegalStateException("quotaware: no decision for " + user + " after " + attempt
                            + " compare-and-set attempts");
                }
                stored = map.get(user);
                Thread.onSpinWait();
            }
        } catch (RuntimeException e) {
            forget(user);
            throw translate(e);
        }
    }

    private void remember(String user, byte[] bytes) {
        if (known == null) {
            return;
        }
        if (bytes == null) {
            known.remove(user);
            return;
        }
        if (known.size() >= remembered) {
            known.clear(); // a bound, not a cache policy: a forgotten copy costs one read
        }
        known.put(user, bytes);
    }

    private void forget(String user) {
        if (known != null) {
            known.remove(user);
        }
    }

    private void sweepSlice() {
        long now = map.currentTimeMillis();
        for (Map.Entry<String, byte[]> e : map.nextSlice().entrySet()) {
            if (UserState.fromBytes(e.getValue()).idle(now) && map.remove(e.getKey(), e.getValue())) {
                cap.add(-1);
                forget(e.getKey());
            }
        }
    }

    private RuntimeException translate(RuntimeException e) {
        if (e instanceof QuotaStoreUnavailableException) {
            return e;
        }
        String why = failures.explain(e);
        return why == null ? e : new QuotaStoreUnavailableException(why, e);
    }

    /** Users with state in the whole store: a count by the backend, exact where it can be. */
    @Override
    public long trackedUsers() {
        try {
            return cap.refresh();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public long currentTimeMillis() {
        try {
            return map.currentTimeMillis();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public long slotLeaseMillis() {
        return leaseMillis;
    }

    @Override
    public StoreFailures failures() {
        return failures;
    }

    @Override
    public void close() {
        map.close();
    }

    /** Builds a {@link CompareAndSetStore}; every setting but the map has a default. */
    public static final class Builder {
        private final StateMap map;
        private StoreFailures failures = StoreFailures.TRANSLATED;
        private Duration slotLease = DEFAULT_SLOT_LEASE;
        private int maxTrackedUsers = 100_000;
        private int rememberStates;
        private LongSupplier nanoTime = System::nanoTime;

        private Builder(StateMap map) {
            this.map = Objects.requireNonNull(map, "map");
        }

        /** Which of the backend's exceptions mean it cannot answer now; default: none but the translated ones. */
        public Builder failures(StoreFailures failures) {
            this.failures = Objects.requireNonNull(failures, "failures");
            return this;
        }

        /**
         * How long a concurrency slot lives without renewal, default 30 s: how long a dead member's slots stay
         * taken. The managers on this store must call {@code renewLeases()} every third of it.
         */
        public Builder slotLease(Duration lease) {
            InvalidQuotaConfigException.requireRange("slotLeaseMillis", lease.toMillis(), 1_000, 3_600_000);
            this.slotLease = lease;
            return this;
        }

        /** The most states under which a new anonymous user still gets its own, default 100 000 (see {@link StateCap}). */
        public Builder maxTrackedUsers(int max) {
            this.maxTrackedUsers = (int) InvalidQuotaConfigException.requireRange("maxTrackedUsers", max, 1,
                    100_000_000);
            return this;
        }

        /**
         * Keeps the bytes last read or written for up to {@code users} users (0, the default, keeps none), so a
         * decision is one write instead of a read and a write while nobody else writes the user's state. Costs
         * their bytes in this JVM's heap (about 250 bytes a user).
         */
        public Builder rememberStates(int users) {
            this.rememberStates = (int) InvalidQuotaConfigException.requireRange("rememberStates", users, 0,
                    10_000_000);
            return this;
        }

        /** This JVM's monotonic clock, for the cap's once-a-second count; {@link System#nanoTime} by default. */
        public Builder nanoTime(LongSupplier nanoTime) {
            this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
            return this;
        }

        public CompareAndSetStore build() {
            return new CompareAndSetStore(this);
        }
    }
}
