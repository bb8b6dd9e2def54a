package org.quotaware;

/**
 * One limit a request violated.
 *
 * @param limit             which limit
 * @param max               the limit's value (bytes for {@link Limit#FILE_SIZE}, milliseconds for {@link Limit#QUEUE_WAIT})
 * @param current           the use that counted against it when the request arrived
 * @param retryAfterSeconds whole seconds, rounded up, until this limit alone would let the request through (at least 1);
 *                          {@link Long#MAX_VALUE} when it never will (a file over the size limit, a cost above the limit)
 * @param name              the limit's name as headers and problem bodies show it: the policy name of a
 *                          {@link Limit}, or a windowed limit's {@linkplain WindowedLimit#qualifiedName() own name}
 * @param windowSeconds     a windowed limit's window in whole seconds (rounded up), 0 for the others
 */
public record Violation(Limit limit, long max, long current, long retryAfterSeconds, String name, long windowSeconds)
        implements java.io.Serializable {

    public static final long NEVER = Long.MAX_VALUE;

    /** A violation of a limit of the table, named by its policy name. */
    public Violation(Limit limit, long max, long current, long retryAfterSeconds) {
        this(limit, max, current, retryAfterSeconds, limit.policyName(), limit.windowSeconds());
    }

    /** A violation of the windowed limit {@code row}, reported as {@code limit} (its preset or {@link Limit#WINDOW}). */
    public static Violation of(Limit limit, WindowedLimit row, long current, long retryAfterSeconds) {
        return new Violation(limit, row.max(), current, retryAfterSeconds, row.qualifiedName(), row.windowSeconds());
    }

    /** A sentence for people, e.g. {@code rpm: 30 of 30 used, retry in 12 s}. */
    public String describe() {
        String retry = retryAfterSeconds == NEVER ? "will not pass as it is" : "retry in " + retryAfterSeconds + " s";
        return switch (limit) {
            case FILE_SIZE -> "file-size: " + current + " bytes exceeds the limit of " + max + " bytes; " + retry;
            case QUEUE_WAIT -> "queue-wait: waited " + current + " ms for a concurrency slot, the limit is " + max + " ms; " + retry;
            case LOAD_SHED -> "load-shed: this instance is overloaded and sheds this tier at protection level " + current
                    + " of " + max + "; " + retry;
            case REQUESTS_PER_MINUTE, REQUESTS_PER_HOUR, FILES_PER_HOUR, FILES_PER_DAY, WINDOW, CONCURRENT_TASKS, QUEUE_SIZE,
                 SYSTEM_CONCURRENT_TASKS, SYSTEM_QUEUE_SIZE, SYSTEM_BLOCKED_WAITS ->
                    name + ": " + current + " of " + max + " used; " + retry;
        };
    }
}
