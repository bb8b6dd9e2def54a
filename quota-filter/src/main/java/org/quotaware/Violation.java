package org.quotaware;

/**
 * One limit a request violated.
 *
 * @param limit             which limit
 * @param max               the limit's value (bytes for {@link Limit#FILE_SIZE}, milliseconds for {@link Limit#QUEUE_WAIT})
 * @param current           the use that counted against it when the request arrived
 * @param retryAfterSeconds whole seconds, rounded up, until this limit alone would let the request through (at least 1);
 *                          {@link Long#MAX_VALUE} when it never will (a file over the size limit, a cost above the limit)
 */
public record Violation(Limit limit, long max, long current, long retryAfterSeconds) implements java.io.Serializable {

    public static final long NEVER = Long.MAX_VALUE;

    /** A sentence for people, e.g. {@code rpm: 30 of 30 used, retry in 12 s}. */
    public String describe() {
        String retry = retryAfterSeconds == NEVER ? "will not pass as it is" : "retry in " + retryAfterSeconds + " s";
        return switch (limit) {
            case FILE_SIZE -> "file-size: " + current + " bytes exceeds the limit of " + max + " bytes; " + retry;
            case QUEUE_WAIT -> "queue-wait: waited " + current + " ms for a concurrency slot, the limit is " + max + " ms; " + retry;
            case LOAD_SHED -> "load-shed: this instance is overloaded and sheds this tier at protection level " + current
                    + " of " + max + "; " + retry;
            default -> limit.policyName() + ": " + current + " of " + max + " used; " + retry;
        };
    }
}
