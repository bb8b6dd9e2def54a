package org.quotaware;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * An admitted request. Holds its concurrency slot until closed; closing it any number of times, from any thread,
 * releases the slot exactly once. Record the task's outcome with {@link #failed()} before closing (a permit closed
 * without it counts as a success):
 * <pre>{@code
 * if (manager.acquire(user, request) instanceof QuotaPermit permit) {
 *     try (permit) { ... } catch (RuntimeException e) { permit.failed(); throw e; }
 * }
 * }</pre>
 */
public final class QuotaPermit implements Acquisition, AutoCloseable {

    /** Gives a slot back to whoever issued the permit. */
    @FunctionalInterface
    public interface Releaser {
        void release(QuotaPermit permit, boolean success);
    }

    private static final VarHandle CLOSED;

    static {
        try {
            CLOSED = MethodHandles.lookup().findVarHandle(QuotaPermit.class, "closed", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String user;
    private final long slot;
    private final QuotaCheckResult result;
    private final Releaser releaser;
    /**
     * 1 once the first close won; a field with a VarHandle rather than an AtomicBoolean per permit, and an int because
     * a boolean compare-and-set is emulated with a loop on most processors.
     */
    private volatile int closed;
    private volatile boolean failed;

    /**
     * @param slot the slot token the store holds for this permit, 0 when the request takes no slot
     */
    public QuotaPermit(String user, long slot, QuotaCheckResult result, Releaser releaser) {
        this.user = user;
        this.slot = slot;
        this.result = result;
        this.releaser = releaser;
    }

    public String user() {
        return user;
    }

    /** The store's token of the slot held, 0 for a request that holds none. */
    public long slot() {
        return slot;
    }

    @Override
    public QuotaCheckResult result() {
        return result;
    }

    /** Marks the task as failed; it is counted so when the permit closes. */
    public void failed() {
        failed = true;
    }

    public boolean isClosed() {
        return closed != 0;
    }

    /** Releases the slot; only the first call has an effect. */
    @Override
    public void close() {
        if (CLOSED.compareAndSet(this, 0, 1)) {
            releaser.release(this, !failed);
        }
    }
}
