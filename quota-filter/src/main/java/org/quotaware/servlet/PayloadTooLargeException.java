package org.quotaware.servlet;

import java.io.IOException;
import java.util.Optional;

/**
 * Thrown by the request body of an upload when it grows past the caller's {@code max-file-size}. It is an
 * {@link IOException} so code reading the body sees an ordinary read failure. By the time it is thrown, {@link QuotaFilter}
 * has already answered 413 (unless the response was committed; then the connection is aborted), and whatever the
 * application answers afterwards is dropped: an application needs no handler of its own, and frameworks may wrap it.
 */
public final class PayloadTooLargeException extends IOException {

    private static final int MAX_DEPTH = 32;

    private final long maxBytes;

    public PayloadTooLargeException(long maxBytes) {
        super("request body exceeds the limit of " + maxBytes + " bytes");
        this.maxBytes = maxBytes;
    }

    /** The limit that was exceeded. */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * This exception anywhere in the cause chain of {@code failure} (frameworks wrap read errors, e.g. Jersey in a
     * {@code ProcessingException}), so an application's error handler can tell the client's oversized upload from a
     * fault of its own.
     */
    public static Optional<PayloadTooLargeException> in(Throwable failure) {
        Throwable t = failure;
        // bounded: initCause allows a cycle (a -> b -> a), and real chains are a few links long
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (t instanceof PayloadTooLargeException tooLarge) {
                return Optional.of(tooLarge);
            }
        }
        return Optional.empty();
    }
}
