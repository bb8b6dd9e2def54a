package org.quotaware.spi;

import org.quotaware.store.StoreFailures;

/**
 * Where users' quota state lives. One atomic primitive: run a pure {@link StateOperation} on one user's state, with
 * no other operation on that user's state in between, and return its answer. A store never splits a decision into a
 * read and a write, so two concurrent requests can never both take the last unit of a limit.
 * <p>
 * A store keeps a user's state only while it is not {@linkplain org.quotaware.engine.UserState#idle idle}, and holds
 * a bounded number of states: a new state {@linkplain #takesRoom takes room} only below the store's cap (counted over
 * every state it holds). For a new user beyond the cap whose operation takes room, it passes {@code null} to the
 * operation, which then answers that there is no room; the manager decides again on the
 * {@linkplain #overflowUser overflow} of the tier. It never runs the user unlimited and never drops another user's
 * state to make room. Every other new state is always made: identified callers (bounded by configuration or
 * authentication) and the overflows (one per tier), so those are never refused for lack of room, and the store may
 * hold more states than its cap by their number.
 * Every store passes the contract suite {@code QuotaStoreContract} in this module's test-jar.
 * <p>
 * The life cycle above is the engine's {@link org.quotaware.engine.StateStep}: a store only wraps it in its atomic
 * primitive. A store that wraps other stores (a fallback) learns what it needs of an operation from the operation
 * ({@link StateOperation#shared}, {@link StateOperation#slotTokens}, {@link StateOperation#slotTaken}), never from
 * its type.
 */
public interface QuotaStore extends AutoCloseable {

    /**
     * The start of every overflow's user id. A NUL character, which no identity the filter or the CDI layer makes
     * can start with (theirs start with {@code ip:}, {@code key:}, {@code principal:}, {@code user:}, or are
     * {@code anonymous}); an application calling the manager itself must not use user ids that start with NUL.
     */
    String OVERFLOW_PREFIX = "\u0000overflow:";

    /**
     * The user id of the one quota shared by every new anonymous caller of {@code tier} while the store has no room
     * for their own states: memory stays bounded, nobody is refused for lack of room, and spending new addresses
     * only throttles the overflow, which has the tier's limits.
     */
    static String overflowUser(String tier) {
        return OVERFLOW_PREFIX + tier;
    }

    /** Whether a new state for {@code user} made by {@code operation} counts against the store's cap. */
    static boolean takesRoom(String user, StateOperation<?> operation) {
        return operation.anonymous() && !user.startsWith(OVERFLOW_PREFIX);
    }

    /** Applies {@code operation} to the state of {@code user} atomically and returns its answer. */
    <R> R execute(String user, StateOperation<R> operation);

    /**
     * Applies {@code operation} to the state of {@code user} without waiting for its answer: for an operation whose
     * answer nobody needs, a slot's release. The default runs it here, now. A store shared by several JVMs may
     * return before it ran: it then runs after the operations this thread sent the same user before, and the store
     * logs its failure; a release lost that way holds its slot until the lease runs out, never admits more.
     */
    default void send(String user, StateOperation<?> operation) {
        execute(user, operation);
    }

    /** Users whose state the store holds now (overflows and identified users included). */
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

    /**
     * Which of this store's exceptions mean it cannot answer now, as opposed to a bug: what a
     * {@link org.quotaware.store.FallbackQuotaStore} around it decides locally on. The default knows only
     * {@link org.quotaware.store.QuotaStoreUnavailableException}, for a store that translates its failures itself.
     */
    default StoreFailures failures() {
        return StoreFailures.TRANSLATED;
    }

    /**
     * How many JVMs share this store now, as this one sees them; 0 when the store cannot tell (a Redis server does
     * not know its clients). A fallback shares each limit between at least that many.
     */
    default int members() {
        return 0;
    }

    @Override
    default void close() {
    }
}
