package org.quotaware.servlet;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;

import org.quotaware.QuotaPermit;
import org.quotaware.cost.CostMeter;

/**
 * Measures the parts of an asynchronous request that the container runs again through the filter ({@code ASYNC}
 * dispatches, after {@code AsyncContext.dispatch()}), on the container's thread, and charges each to the request's
 * permit. The container completes a request dispatched this way only after the dispatch returns, so the charge comes
 * before the {@link AsyncPermitRelease} closes the permit. Parts the application runs on threads of its own (a
 * JAX-RS {@code AsyncResponse} resumed from an executor, {@code AsyncContext.start}) do not pass the filter and are
 * not measured.
 */
final class AsyncCost {

    /** The request attribute that holds it while the request is asynchronous. */
    static final String ATTRIBUTE = AsyncCost.class.getName();

    private final CostMeter meter;
    private final QuotaPermit permit;
    /** Whether a dispatch of this request is being measured: a second mapping of the filter measures it once. */
    private volatile boolean measuring;

    AsyncCost(CostMeter meter, QuotaPermit permit) {
        this.meter = meter;
        this.permit = permit;
    }

    /** Runs the rest of the chain of one {@code ASYNC} dispatch, charging its thread's cost to the permit. */
    void dispatched(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (measuring || permit.isClosed()) {
            chain.doFilter(request, response);
            return;
        }
        measuring = true;
        CostMeter.Segment segment = meter.start();
        try {
            chain.doFilter(request, response);
        } finally {
            segment.charge(permit);
            measuring = false;
        }
    }
}
