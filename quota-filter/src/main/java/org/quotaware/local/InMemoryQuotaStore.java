package org.quotaware.local;

import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.engine.UserState;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

/**
 * The store of one JVM: a {@link ConcurrentHashMap} whose {@code compute} is the atomic primitive.
 * <p>
 * Memory stays bounded: a state is dropped as soon as an operation leaves it idle, idle states are swept at most once
 * a minute of store time (and at most once a second when the cap is reached), and at most {@code maxTrackedUsers}
 * states are held. A new user beyond the cap is denied ({@code tracked-users}) until an idle user expires; no user's
 * state is ever dropped early to make room, since that would hand that user a fresh quota.
 */
public final class InMemoryQuotaStore implements QuotaStore {

    public static final int DEFAULT_MAX_TRACKED_USERS = 100_000;
    private static final long SWEEP_EVERY_MILLIS = 60_000;
    private static final long SWEEP_AT_CAP_EVERY_MILLIS = 1_000;

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

    @Override
    public <R> R execute(String user, StateOperation<R> operation) {
        long now = clock.millis();
        maybeSweep(now, SWEEP_EVERY_MILLIS);
        if (tracked.get() >= maxTrackedUsers && !states.containsKey(user)) {
            maybeSweep(now, SWEEP_AT_CAP_EVERY_MILLIS);
        }
        Object[] answer = new Object[1];
        states.compute(user, (key, state) -> {
            UserState s = state;
            if (s == null) {
                if (tracked.incrementAndGet() > maxTrackedUsers) {
                    tracked.decrementAndGet();
                    answer[0] = operation.apply(null, now);
                    return null;
                }
                s = new UserState();
            }
            answer[0] = operation.apply(s, now);
            if (s.idle(now)) {
                tracked.decrementAndGet();
                return null;
            }
            return s;
        });
        @SuppressWarnings("unchecked")
        R result = (R) answer[0];
        return result;
    }

    private void maybeSweep(long now, long every) {
        long last = lastSweep.get();
        if (now - last < every || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        // removal happens inside computeIfPresent, so it never races an operation on the same user
        for (String user : states.keySet()) {
            states.computeIfPresent(user, (key, state) -> {
                if (state.idle(now)) {
                    tracked.decrementAndGet();
                    return null;
                }
                return state;
            });
        }
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
