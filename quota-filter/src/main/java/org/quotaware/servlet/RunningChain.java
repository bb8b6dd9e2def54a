package org.quotaware.servlet;

import jakarta.servlet.http.HttpServletResponse;

/**
 * The counted request whose chain the filter is running on this thread. A {@code @Quota} method on it looks here
 * first: on the {@code ASYNC} dispatch that resumes a request parked in the queue, Payara's CDI has no
 * {@code HttpServletRequest} to give, and without this the filter's caller (and what it counted) would be lost.
 */
final class RunningChain {

    private static final ThreadLocal<RunningChain> CURRENT = new ThreadLocal<>();

    final QuotaCaller caller;
    final HttpServletResponse response;

    private RunningChain(QuotaCaller caller, HttpServletResponse response) {
        this.caller = caller;
        this.response = response;
    }

    /** The chain running on this thread, or null. */
    static RunningChain current() {
        return CURRENT.get();
    }

    /** Makes this request's chain current on this thread; answers the one it replaces, for {@link #leave}. */
    static RunningChain enter(QuotaCaller caller, HttpServletResponse response) {
        RunningChain outer = CURRENT.get();
        CURRENT.set(new RunningChain(caller, response));
        return outer;
    }

    /** Restores what {@link #enter} replaced. */
    static void leave(RunningChain outer) {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }
}
