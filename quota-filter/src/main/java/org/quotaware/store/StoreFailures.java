package org.quotaware.store;

/**
 * A backend's classifier of its own exceptions: which ones mean the store cannot answer now (unreachable, timed out,
 * refused, misconfigured), as opposed to a bug in an operation, which must be seen as it is. The
 * {@link FallbackQuotaStore} decides locally on the first kind only. Each backend gives its own: Hazelcast's
 * exceptions are not Redis's.
 */
@FunctionalInterface
public interface StoreFailures {

    /**
     * A one-line explanation, for the log, of why the store could not answer, when {@code e} (or one of its causes)
     * is a failure of the backend; null when it is not.
     */
    String explain(Throwable e);

    /** Only {@link QuotaStoreUnavailableException}s: for a store that translates its failures itself. */
    StoreFailures TRANSLATED = e -> {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof QuotaStoreUnavailableException) {
                return t.getMessage();
            }
        }
        return null;
    };
}
