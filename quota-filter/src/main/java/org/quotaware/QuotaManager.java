package org.quotaware;

import java.util.concurrent.CompletionStage;

/**
 * The quota engine's entry point. Thread-safe; one per application (or per cluster member).
 * <p>
 * {@link #acquire} checks every limit and reserves in one atomic step of the store, so two concurrent requests can
 * never both take the last unit of a limit. {@link #check} answers the same question without changing anything.
 * <p>
 * A user is any string that does not start with a NUL character: those are the overflows', see
 * {@link org.quotaware.spi.QuotaStore#overflowUser}. A new {@linkplain QuotaRequest#anonymous() anonymous} user that
 * finds the store without room is decided on its tier's overflow; its permit then names the overflow as its user.
 * <p>
 * Made by {@code org.quotaware.engine.DefaultQuotaManager.builder()...build()}.
 */
public interface QuotaManager extends AutoCloseable {

    /** What {@link #acquire} would decide now, without side effects (a queue wait shows as {@code queued}). */
    QuotaCheckResult check(String user, QuotaRequest request);

    /**
     * Checks and reserves in one step. When only the user's concurrency limit is full and the user's queue has room,
     * waits for a slot (in arrival order, at most the tier's {@code maxQueueWait}); waiting for one user never blocks
     * another. Returns a {@link QuotaPermit} to close when the task ends, or a {@link QuotaDenial} with every violated
     * limit.
     */
    Acquisition acquire(String user, QuotaRequest request);

    /**
     * The same decision as {@link #acquire}, but a request that has to queue holds no thread while it waits: the
     * stage completes when its slot is handed over or its wait ends (with a {@link QuotaDenial}), on the thread that
     * freed the slot or the manager's poll. Decisions made at once come back completed. To give up a wait (the caller
     * went away), cancel {@code toCompletableFuture()}: a slot handed over to a cancelled wait is given back. Dependent
     * actions run on that thread: keep them short, or hand them to an executor.
     */
    CompletionStage<Acquisition> acquireAsync(String user, QuotaRequest request);

    /** A user's usage now (zeros for a user without state), with the limits of the user's own or default tier. */
    default UserQuotaUsage usage(String user) {
        return usage(user, null);
    }

    /**
     * A user's usage now, with the limits that apply to a caller identified with {@code callerTier} (e.g.
     * {@code anonymous}); null for the user's own or the default tier.
     */
    UserQuotaUsage usage(String user, String callerTier);

    /**
     * The units some configured limit counts when a request ends ({@link Counted#CPU}, {@link Counted#ALLOCATED}): a
     * front end measures those, and only those, and {@linkplain QuotaPermit#charge charges} them before closing the
     * permit. Empty when no limit needs them, so nothing is measured.
     */
    default java.util.Set<Counted> chargedAtEnd() {
        return java.util.Set.of();
    }

    /** Counters since start and the current load of this instance. */
    QuotaStatistics statistics();

    /** The tiers, user assignments and overrides; changes apply to the next decision. */
    QuotaTiers tiers();

    /** Limits of this instance across all users. */
    SystemLimits systemLimits();

    /** Changes this instance's system limits; tasks already admitted keep their slots. */
    void systemLimits(SystemLimits limits);

    /** Denies every waiting request and closes the store. Held permits may still be closed afterwards. */
    @Override
    void close();
}
