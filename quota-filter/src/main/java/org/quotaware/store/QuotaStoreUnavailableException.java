package org.quotaware.store;

/**
 * A store operation that could not run because the shared store failed, never a quota decision. The message says
 * what failed and what to do. A fallback store turns it into a local decision; without one it reaches the
 * caller in place of the backend's own exception.
 */
public class QuotaStoreUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public QuotaStoreUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
