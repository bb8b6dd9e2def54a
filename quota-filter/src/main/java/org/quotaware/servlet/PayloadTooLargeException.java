package org.quotaware.servlet;

import java.io.IOException;

/**
 * Thrown by the request body of an upload when it grows past the caller's {@code max-file-size}. It is an
 * {@link IOException} so code reading the body sees an ordinary read failure; {@link QuotaFilter} answers 413 for it
 * when the response is not yet committed.
 */
public final class PayloadTooLargeException extends IOException {

    private final long maxBytes;

    public PayloadTooLargeException(long maxBytes) {
        super("request body exceeds the limit of " + maxBytes + " bytes");
        this.maxBytes = maxBytes;
    }

    /** The limit that was exceeded. */
    public long maxBytes() {
        return maxBytes;
    }
}
