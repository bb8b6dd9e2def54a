package org.quotaware.local;

import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.engine.StateStep;
import org.quotaware.engine.UserState;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

/**
 * The store of one JVM: a {@link ConcurrentHashMap} of states, each operation run under its state's lock.
 * <p>
 * Memory stays bounded: a state is dropped as soon as an operation leaves it idle, idle states are swept at most once
 * a minute of store time, and a new anonymous user gets state only while fewer than {@code maxTrackedUsers} states
 * are held (identified users and overflows always get one; see {@link QuotaStore}). Beyond the cap the anonymous
 * newcomer shares its tier's overflow until the sweep frees room; no user's state is ever dropped early to make room,
 * since that would hand that user a fresh quota. The sweep does not run more often at the cap: nobody waits for room
 * since the overflow exists, and a scan per second of a full store would be a cost an attacker could impose.
 */
public final class InMemoryQuotaStore implements QuotaStore {

    public static final int DEFAULT_MAX_TRACKED_USERS = 100_000;
    private static final long SWEEP_EVERY_MILLIS = 60_000;

    private final ConcurrentHashMap<String, UserState> states = new ConcurrentHashMap<>();
    private final AtomicInteger tracked = new AtomicInteger();
    private final AtomicLong lastSweep = new AtomicLong();
    private final InstantSource clock;
    private final int maxTrackedUsers;

    public InMemoryQuotaStore() {
        this(InstantSource.system(), DEFAULT_MAX_TRACKED_USERS);
    }

    public InMemoryQuotaStore(InstantSource clock, int maxTrackedUsers) {
        this.clock = Objects.requireNonNull(clock, "clock");
        this.maxTrackedUsers = (int) InvalidQuotaConfigException.requireRange("maxTrackedUsers", maxTrackedUsers, 1,
                100_000_000);
        this.lastSweep.set(clock.millis());
    }

    /**
     * Runs the operation under the user's state's own lock: looking a state up is a lock-free read, so users never
     * wait for each other, and one user's operations are serial. A state is dropped (and marked retired) under its
     * lock; an operation that finds a retired state looks the user up again.
     */
    @Override
    public <R> R execute(String user, StateOperation<R> operation) {
        long now = clock.millis();
        maybeSweep(now);
        while (true) {
            UserState s = states.get(user);
            if (s == null) {
                s = StateStep.begin(null, true);
                synchronized (s) { // locked before it is published, so nobody uses it before this operation
                    if (!reserveRoom(QuotaStore.takesRoom(user, operation))) {
                        if (states.containsKey(user)) {
                            continue; // another thread created this user meanwhile: use its state
                        }
                        return operation.apply(null, now);
                    }
                    if (states.putIfAbsent(user, s) == null) {
                        return apply(user, s, false, operation, now);
                    }
                    tracked.decrementAndGet();
                }
                continue;
            }
            synchronized (s) {
                if (!s.retired()) {
                    return apply(user, s, true, operation, now);
                }
            }
        }
    }

    /** Runs the operation on a state already in the map (counted in, even when new: see {@link #reserveRoom}). */
    private <R> R apply(String user, UserState s, boolean existed, StateOperation<R> operation, long now) {
        try {
            return operation.apply(s, now);
        } finally {
            if (!StateStep.end(existed, s, now).keeps()) {
                drop(user, s); // also when the operation threw: a new user's empty state must not stay behind
            }
        }
    }

    /** Counts a new state in: always, or, when it {@code takesRoom}, only if the cap allows. */
    private boolean reserveRoom(boolean takesRoom) {
        if (tracked.incrementAndGet() > maxTrackedUsers && takesRoom) {
            tracked.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Removes a state; the caller holds its lock. */
    private void drop(String user, UserState s) {
        s.retire();
        states.remove(user, s);
        tracked.decrementAndGet();
    }

    private void maybeSweep(long now) {
        long last = lastSweep.get();
        if (now - last < SWEEP_EVERY_MILLIS || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        states.forEach((user, s) -> {
            synchronized (s) {
                if (!s.retired() && s.idle(now)) {
                    drop(user, s);
                }
            }
        });
    }

    /** The users the store holds a state for now: a live view, weakly consistent. */
    public java.util.Set<String> users() {
        return java.util.Collections.unmodifiableSet(states.keySet());
    }

    @Override
    public long trackedUsers() {
        return tracked.get();
    }

    @Override
    public long currentTimeMillis() {
        return clock.millis();
    }
}
