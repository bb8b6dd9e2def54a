package org.quotaware;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Objects;
import java.util.function.Supplier;

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

    private static final VarHandle STATE;
    private static final int CLOSED = 1;
    private static final int FAILED = 2;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(QuotaPermit.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String user;
    private final long slot;
    /**
     * The result, or the {@link Supplier} that makes it when first asked for, then the result it made. One field, not
     * two: every admitted request makes a permit. Not final, so that it can be replaced; a permit reaches another
     * thread only through a safe handover (a future, a request attribute), which publishes it whole.
     */
    private Object origin;
    private final Releaser releaser;
    /**
     * {@link #CLOSED} once the first close won, {@link #FAILED} once the task is marked failed: one field with a
     * VarHandle rather than an AtomicBoolean and a flag per permit (an int: a boolean compare-and-set is emulated with
     * a loop on most processors).
     */
    private volatile int state;
    /**
     * What {@link #charge} added, by {@link Counted#ordinal()}; null until something is charged. Changed under this
     * object's lock; volatile so that {@link #charges} of a permit never charged (nearly every one) takes no lock.
     */
    private volatile long[] charges;

    /**
     * @param slot the slot token the store holds for this permit, 0 when the request takes no slot
     */
    public QuotaPermit(String user, long slot, QuotaCheckResult result, Releaser releaser) {
        this.user = user;
        this.slot = slot;
        this.origin = Objects.requireNonNull(result, "result");
        this.releaser = releaser;
    }

    /**
     * A permit whose result is made only when {@link #result()} is first called: most callers run their task and
     * never read it, so a manager need not build it for them. {@code result} must answer equal results every time.
     *
     * @param slot the slot token the store holds for this permit, 0 when the request takes no slot
     */
    public QuotaPermit(String user, long slot, Supplier<QuotaCheckResult> result, Releaser releaser) {
        this.user = user;
        this.slot = slot;
        this.origin = Objects.requireNonNull(result, "result");
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
    @SuppressWarnings("unchecked")
    public QuotaCheckResult result() {
        Object o = origin;
        if (o instanceof QuotaCheckResult r) {
            return r;
        }
        // two threads asking at once may each make one: equal immutable values, either is the answer
        QuotaCheckResult r = ((Supplier<QuotaCheckResult>) o).get();
        origin = r;
        return r;
    }

    /**
     * Charges what the request used of a unit counted {@linkplain Counted#chargedAtEnd() at its end} (CPU time in
     * nanoseconds, allocated bytes), added up until the permit closes and counted in the user's windows with the
     * release: no store operation of its own. Ignored after close.
     */
    public void charge(Counted counted, long amount) {
        if (amount <= 0 || !counted.chargedAtEnd() || isClosed()) {
            return;
        }
        synchronized (this) {
            long[] c = charges;
            if (c == null) {
                c = charges = new long[Counted.values().length];
            }
            c[counted.ordinal()] = saturatedAdd(c[counted.ordinal()], amount);
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** What was {@linkplain #charge charged}, in base units by {@link Counted#ordinal()}; null when nothing was. */
    public long[] charges() {
        if (charges == null) {
            return null;
        }
        synchronized (this) {
            return charges.clone();
        }
    }

    /** Marks the task as failed; it is counted so when the permit closes. */
    public void failed() {
        STATE.getAndBitwiseOr(this, FAILED);
    }

    public boolean isClosed() {
        return (state & CLOSED) != 0;
    }

    /** Releases the slot; only the first call has an effect. */
    @Override
    public void close() {
        int s;
        do {
            s = state;
            if ((s & CLOSED) != 0) {
                return;
            }
        } while (!STATE.compareAndSet(this, s, s | CLOSED));
        releaser.release(this, (s & FAILED) == 0);
    }
}
