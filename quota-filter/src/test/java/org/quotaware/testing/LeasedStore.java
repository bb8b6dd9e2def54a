package org.quotaware.testing;

import java.time.InstantSource;

import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

/**
 * The in-memory store with a finite slot lease, as a store shared by several JVMs has: for tests of what leases,
 * renewals and allowances do without a cluster. A test counts, records or fails operations in {@link #before}.
 */
public class LeasedStore implements QuotaStore {

    private final InMemoryQuotaStore state;
    private final long leaseMillis;

    public LeasedStore(InstantSource clock, int maxTrackedUsers, long leaseMillis) {
        this.state = new InMemoryQuotaStore(clock, maxTrackedUsers);
        this.leaseMillis = leaseMillis;
    }

    /** Called before each operation runs; may throw instead. */
    protected void before(String user, StateOperation<?> operation) {
    }

    @Override
    public <R> R execute(String user, StateOperation<R> operation) {
        before(user, operation);
        return state.execute(user, operation);
    }

    @Override
    public long trackedUsers() {
        return state.trackedUsers();
    }

    @Override
    public long currentTimeMillis() {
        return state.currentTimeMillis();
    }

    @Override
    public long slotLeaseMillis() {
        return leaseMillis;
    }
}
