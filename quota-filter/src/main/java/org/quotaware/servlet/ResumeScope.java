package org.quotaware.servlet;

import java.io.IOException;

import jakarta.servlet.ServletException;

/**
 * Runs the rest of a request resumed from the queue inside whatever its framework needs on the container's async
 * dispatch: Payara, for one, activates no CDI request context for an {@code ASYNC} dispatch, so a {@code @RequestScoped}
 * JAX-RS resource would fail there. quota-cdi publishes one under {@link #ATTRIBUTE}; without it the request runs as
 * it is.
 */
@FunctionalInterface
public interface ResumeScope {

    /** The servlet-context attribute the {@link QuotaFilter} reads its scope from. */
    String ATTRIBUTE = ResumeScope.class.getName();

    /** Runs {@code resumed} inside the scope. */
    void run(Resumed resumed) throws IOException, ServletException;

    /** The rest of the resumed request. */
    @FunctionalInterface
    interface Resumed {
        void run() throws IOException, ServletException;
    }
}
