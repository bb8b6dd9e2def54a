package org.quotaware.servlet;

import java.io.IOException;
import java.util.List;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.Violation;
import org.quotaware.cost.CostMeter;

/**
 * Runs the rest of the chain while holding a permit, and gives the slot back exactly once on every path: a normal
 * return, an exception or an {@link Error} (counted as failed), or, for a request left in asynchronous mode, when it
 * completes, times out or fails (a client that goes away shows up as one of those). What the request thread used
 * from admission to the chain's return (CPU time, allocated bytes, as far as a limit counts them) is charged to the
 * permit before it can close; the {@code ASYNC} dispatches of a request left asynchronous are charged by
 * {@link AsyncCost}.
 */
final class PermitHolder {

    private final QuotaFilter filter;
    private final QuotaPermit permit;
    private final QuotaCaller caller;
    private final long maxBytes;
    private final long asyncLeaseMillis;

    /**
     * @param caller           who the request is, {@linkplain QuotaCaller#current() current} while the chain runs
     * @param maxBytes         the largest body this upload may have, {@link QuotaLimits#OFF} when not limited
     * @param asyncLeaseMillis the longest an asynchronous request may hold the slot
     */
    PermitHolder(QuotaFilter filter, QuotaPermit permit, QuotaCaller caller, long maxBytes, long asyncLeaseMillis) {
        this.filter = filter;
        this.permit = permit;
        this.caller = caller;
        this.maxBytes = maxBytes;
        this.asyncLeaseMillis = asyncLeaseMillis;
    }

    void run(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        SizeLimitedRequest limited = maxBytes == QuotaLimits.OFF ? null
                : new SizeLimitedRequest(request, response, maxBytes, () -> tooLarge(request, response, maxBytes));
        boolean handedOver = false;
        CostMeter.Segment segment = filter.meter().start();
        try {
            // the caller is current for the chain only: the release below may resume another request on this thread
            RunningChain outer = RunningChain.enter(caller, response);
            try {
                if (limited == null) {
                    chain.doFilter(request, response);
                } else {
                    chain.doFilter(limited, limited.response());
                    limited.rethrowIfExceeded(); // also when the application caught the size error and answered
                }
            } finally {
                RunningChain.leave(outer);
            }
            handedOver = handOverIfAsync(request);
        } catch (Throwable t) {
            permit.failed();
            if (limited != null && limited.answered()) {
                return; // the 413 went out when the limit tripped; what the application made of it was dropped
            }
            throw t; // after a commit, the container aborts the connection: never a response that looks complete
        } finally {
            // before the slot can go: an asynchronous request's AsyncPermitRelease may close the permit from now on
            segment.charge(permit);
            if (!handedOver) {
                permit.close();
            }
        }
    }

    /**
     * For a request still asynchronous after the chain returned, the slot is released by an {@link AsyncPermitRelease}.
     * Its events cannot fire before this returns: the container defers an early {@code complete()} until the dispatch
     * that started the asynchronous cycle has returned. The async timeout is bounded by the lease, so a request never
     * resumed (Jersey leaves the timeout off) cannot hold its slot forever: the container times it out, which
     * releases the slot.
     */
    private boolean handOverIfAsync(HttpServletRequest request) {
        if (!request.isAsyncStarted()) {
            return false;
        }
        try {
            AsyncContext async = request.getAsyncContext();
            long timeout = async.getTimeout();
            if (timeout <= 0 || timeout > asyncLeaseMillis) {
                async.setTimeout(asyncLeaseMillis);
            }
            async.addListener(new AsyncPermitRelease(permit));
            request.setAttribute(AsyncCost.ATTRIBUTE, new AsyncCost(filter.meter(), permit));
            return true;
        } catch (IllegalStateException alreadyOver) {
            return false;
        }
    }

    /** The body grew past the limit while the application read it: the same answer as a too large Content-Length. */
    private void tooLarge(HttpServletRequest request, HttpServletResponse response, long max) throws IOException {
        response.reset();
        QuotaCheckResult result = QuotaCheckResult.denied(permit.result().tier(),
                List.of(new Violation(Limit.FILE_SIZE, max, max + 1, Violation.NEVER)), permit.result().limits());
        Responses.headers(response, result);
        filter.deny(request, response, result);
    }
}
