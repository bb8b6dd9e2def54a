package org.quotaware.store;

import java.util.Map;

/**
 * The small primitive a shared store needs: users' state bytes under their user ids, changed only by comparing the
 * bytes stored now. {@link CompareAndSetStore} turns it into an exact {@link org.quotaware.spi.QuotaStore}: it reads
 * the bytes, lets the engine decide here, and writes only if nobody wrote in between, else reads and decides again.
 * A backend implements these few methods (Redis, a database, a key-value service) and passes the contract suite.
 * <p>
 * Every write carries a time to live: the longest anything in the state can still count
 * ({@link CompareAndSetStore#timeToLiveMillis}), so a state its users abandoned leaves by itself. A failure of the
 * backend is thrown as it is; the store's {@link StoreFailures classifier} tells it from a bug.
 */
public interface StateMap extends AutoCloseable {

    /** The bytes stored for {@code user}, or null when there are none. */
    byte[] get(String user);

    /** Stores {@code state} for {@code user} if nothing is stored; answers whether it did. */
    boolean putIfAbsent(String user, byte[] state, long ttlMillis);

    /** Replaces the bytes of {@code user} with {@code state} if they are {@code expected} now; answers whether it did. */
    boolean replace(String user, byte[] expected, byte[] state, long ttlMillis);

    /** Removes the bytes of {@code user} if they are {@code expected} now; answers whether it did. */
    boolean remove(String user, byte[] expected);

    /** How many users have state now; may be an estimate, and may be costly: called at most once a second. */
    long size();

    /**
     * Some of the stored states, a different part on each call, so that calls in a row visit every state: what the
     * sweep at the cap reads (it removes the idle ones with {@link #remove}). Never the whole map at once.
     */
    Map<String, byte[]> nextSlice();

    /** The time every member of the store shares, in epoch milliseconds (the backend's own clock where it has one). */
    long currentTimeMillis();

    @Override
    default void close() {
    }
}
