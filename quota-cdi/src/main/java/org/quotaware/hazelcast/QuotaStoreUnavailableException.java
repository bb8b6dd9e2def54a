package org.quotaware.hazelcast;

/**
 * A store operation that could not run because the distributed store failed, never a quota decision. The
 * {@link #failure()} says which kind; the message says what to do. {@link FallbackQuotaStore} turns it into a local
 * decision; without a fallback it reaches the caller in place of a bare Hazelcast (or NullPointer) exception.
 */
public final class QuotaStoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient StoreFailure failure;

    public QuotaStoreUnavailableException(StoreFailure failure, Throwable cause) {
        super(failure.describe(cause), cause);
        this.failure = failure;
    }

    /** Why the store could not answer. */
    public StoreFailure failure() {
        return failure;
    }
}
