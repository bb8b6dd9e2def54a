package org.quotaware.cdi;

/**
 * A {@code @Quota} call that waited in the queue was handed its slot, but the container's managed executor refused to
 * run it (shutting down, or saturated): the slot is given back and the call ends with this, answered {@code 503} by
 * {@link QueuedCallRefusedMapper}.
 */
public class QueuedCallRefusedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public QueuedCallRefusedException(Throwable cause) {
        super("the server cannot run the call now; retry later", cause);
    }
}
