package org.quotaware.engine;

import java.time.InstantSource;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

/**
 * The in-memory store with a finite slot lease, as a cluster store has, that throws on the Nth operation of a chosen
 * kind: how a test makes every step of a wait fail in turn.
 */
final class FailingStore implements QuotaStore {

    /** What the store throws. */
    static final class InjectedFailure extends RuntimeException {
        InjectedFailure(String operation) {
            super("injected failure of " + operation, null, false, false);
        }
    }

    private final InMemoryQuotaStore delegate;
    private final long leaseMillis;
    /** Per kind of operation: how many more run before one throws (0 throws the next). */
    private final Map<Class<?>, AtomicInteger> failures = new ConcurrentHashMap<>();

    FailingStore(InstantSource clock, long leaseMillis) {
        this.delegate = new InMemoryQuotaStore(clock, 1_000);
        this.leaseMillis = leaseMillis;
    }

    /** The {@code nth} operation of {@code kind} from now on (1 for the next) throws; only that one. */
    FailingStore failOn(Class<? extends StateOperation<?>> kind, int nth) {
        failures.put(kind, new AtomicInteger(nth - 1));
        return this;
    }

    @Override
    public <R> R execute(String user, StateOperation<R> operation) {
        AtomicInteger before = failures.get(operation.getClass());
        if (before != null && before.getAndDecrement() == 0) {
            throw new InjectedFailure(operation.getClass().getSimpleName());
        }
        return delegate.execute(user, operation);
    }

    @Override
    public long trackedUsers() {
        return delegate.trackedUsers();
    }

    @Override
    public long currentTimeMillis() {
        return delegate.currentTimeMillis();
    }

    @Override
    public long slotLeaseMillis() {
        return leaseMillis;
    }
}
