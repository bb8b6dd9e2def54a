package org.quotaware;

/**
 * The state of one enabled limit for one user, as reported in {@code RateLimit} headers.
 *
 * @param limit        which limit
 * @param max          its value
 * @param used         how much of it is in use now (in the window, or slots held)
 * @param remaining    {@code max - used}, never below 0
 * @param resetSeconds whole seconds until some of the used amount is given back (0 when nothing is used; for the
 *                     concurrency limit, 0: a slot comes back when a task ends)
 * @param name         its name as headers show it: the policy name of a {@link Limit}, or a windowed limit's
 *                     {@linkplain WindowedLimit#qualifiedName() own name}
 * @param windowSeconds a windowed limit's window in whole seconds (rounded up), 0 for the others
 */
public record LimitStatus(Limit limit, long max, long used, long remaining, long resetSeconds, String name,
                          long windowSeconds) implements java.io.Serializable {

    /** The status of a limit of the table, named by its policy name. */
    public LimitStatus(Limit limit, long max, long used, long remaining, long resetSeconds) {
        this(limit, max, used, remaining, resetSeconds, limit.policyName(), limit.windowSeconds());
    }

    /** Whether it is a windowed limit's status (a preset's or a declared one's). */
    public boolean windowed() {
        return windowSeconds > 0;
    }
}
