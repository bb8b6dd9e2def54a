package org.quotaware.engine;

import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.quotaware.spi.StateOperation;
import org.quotaware.testing.LeasedStore;

/**
 * The in-memory store with a finite slot lease, as a cluster store has, that throws on the Nth operation of a chosen
 * kind: how a test makes every step of a wait fail in turn.
 */
final class FailingStore extends LeasedStore {

    /** What the store throws. */
    static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String operation) {
            super("injected failure of " + operation, null, false, false);
        }
    }

    /** Per kind of operation: how many more run before one throws (0 throws the next). */
    private final Map<Class<?>, AtomicInteger> failures = new ConcurrentHashMap<>();

    FailingStore(InstantSource clock, long leaseMillis) {
        super(clock, 1_000, leaseMillis);
    }

    /** The {@code nth} operation of {@code kind} from now on (1 for the next) throws; only that one. */
    FailingStore failOn(Class<? extends StateOperation<?>> kind, int nth) {
        failures.put(kind, new AtomicInteger(nth - 1));
        return this;
    }

    @Override
    protected void before(String user, StateOperation<?> operation) {
        AtomicInteger before = failures.get(operation.getClass());
        if (before != null && before.getAndDecrement() == 0) {
            throw new InjectedFailure(operation.getClass().getSimpleName());
        }
    }
}
