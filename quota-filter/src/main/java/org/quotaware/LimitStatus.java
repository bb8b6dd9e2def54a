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
 */
public record LimitStatus(Limit limit, long max, long used, long remaining, long resetSeconds)
        implements java.io.Serializable {
}
