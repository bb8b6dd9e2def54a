package org.quotaware.spi;

/**
 * Where users' quota state lives. One atomic primitive: run a pure {@link StateOperation} on one user's state, with
 * no other operation on that user's state in between, and return its answer. A store never splits a decision into a
 * read and a write, so two concurrent requests can never both take the last unit of a limit.
 * <p>
 * A store keeps a user's state only while it is not {@linkplain org.quotaware.engine.UserState#idle idle}, and tracks
 * at most a bounded number of users: for a new user beyond that bound it passes {@code null} to the operation, which
 * then denies (it never runs the user unlimited and never drops another user's state to make room).
 * Every store passes the contract suite {@code QuotaStoreContract} in this module's test-jar.
 */
public interface QuotaStore extends AutoCloseable {

    /** Applies {@code operation} to the state of {@code user} atomically and returns its answer. */
    <R> R execute(String user, StateOperation<R> operation);

    /** Users whose state the store holds now. */
    long trackedUsers();

    /** The store's wall-clock time in epoch milliseconds, the same time operations see. */
    long currentTimeMillis();

    /**
     * How long a concurrency slot lives without renewal, in milliseconds. A store inside one JVM answers
     * {@link Long#MAX_VALUE}: its slots are released by structure. A store shared by several JVMs answers a finite
     * lease, so the slots of a member that died come back; the {@link org.quotaware.QuotaManager} then renews the
     * leases of its live permits when {@code renewLeases()} is called (quota-cdi schedules it).
     */
    default long slotLeaseMillis() {
        return Long.MAX_VALUE;
    }

    @Override
    default void close() {
    }
}
