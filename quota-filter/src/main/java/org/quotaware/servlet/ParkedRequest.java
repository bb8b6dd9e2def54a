package org.quotaware.servlet;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaDenial;
import org.quotaware.QuotaPermit;
import org.quotaware.Violation;
import org.quotaware.http.Problem;

/**
 * A request waiting in the queue without a thread (Servlet async, as Jetty's {@code QoSFilter} parks them). When its
 * slot is handed over, the request is dispatched again ({@code ASYNC}) and the filter runs the rest of the chain with
 * the permit; when its wait ends without a slot, the denial is written on the thread that ended it. A client that
 * goes away while waiting gives its place up; a permit nobody took is given back when the request completes. Nothing
 * here throws into the container's listener loop, and a request the container cannot park gives its place up.
 */
final class ParkedRequest implements AsyncListener {

    /** The request attribute holding the parked request, for the filter on the {@code ASYNC} dispatch. */
    static final String ATTRIBUTE = ParkedRequest.class.getName();

    private static final Logger LOG = Logger.getLogger(ParkedRequest.class.getName());
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final QuotaFilter filter;
    private final HttpServletRequest request;
    private final HttpServletResponse response;
    private final CompletableFuture<Acquisition> outcome;
    /** What the filter resumes with. */
    final QuotaFilter.Counted counted;
    private final AtomicBoolean taken = new AtomicBoolean();
    private AsyncContext async;

    private ParkedRequest(QuotaFilter filter, HttpServletRequest request, HttpServletResponse response,
                          CompletableFuture<Acquisition> outcome, QuotaFilter.Counted counted) {
        this.filter = filter;
        this.request = request;
        this.response = response;
        this.outcome = outcome;
        this.counted = counted;
    }

    /**
     * Suspends the request until {@code outcome} completes. The container's async timeout is a safety net only: the
     * queue ends every wait by its deadline.
     */
    static void park(QuotaFilter filter, HttpServletRequest request, HttpServletResponse response,
                     CompletableFuture<Acquisition> outcome, QuotaFilter.Counted counted, long safetyMillis) {
        ParkedRequest parked = new ParkedRequest(filter, request, response, outcome, counted);
        request.setAttribute(ATTRIBUTE, parked);
        try {
            AsyncContext async = request.startAsync(request, response);
            async.setTimeout(safetyMillis);
            async.addListener(parked);
            parked.async = async;
        } catch (RuntimeException e) {
            // not parked: nobody would ever take the outcome, so the place (or a slot handed over meanwhile) goes back
            request.removeAttribute(ATTRIBUTE);
            outcome.cancel(false);
            parked.release();
            throw e;
        }
        outcome.whenComplete(parked::resume);
    }

    /** The outcome, once: for the filter on the {@code ASYNC} dispatch; null if it was taken already. */
    Acquisition take() {
        return taken.compareAndSet(false, true) ? ended() : null;
    }

    /** What the wait ended with; null while it goes on, when it was given up, or when the manager failed. */
    private Acquisition ended() {
        return outcome.isDone() && !outcome.isCompletedExceptionally() ? outcome.join() : null;
    }

    private void resume(Acquisition a, Throwable failure) {
        if (failure instanceof CancellationException) {
            return; // the request went away, or the container timed it out and answered
        }
        if (failure != null) {
            if (taken.compareAndSet(false, true)) {
                unavailable(failure);
            }
            return;
        }
        if (a instanceof QuotaPermit) {
            try {
                async.dispatch();
            } catch (IllegalStateException over) {
                release(); // the request completed in the meantime
            }
            return;
        }
        if (taken.compareAndSet(false, true)) {
            answer(a.result());
        }
    }

    /** Writes a denial from this thread and ends the request. */
    private void answer(QuotaCheckResult denied) {
        try {
            Responses.headers(response, denied, filter.rateLimitHeaders());
            filter.deny(request, response, denied);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "quotaware: could not answer a request whose wait ended", e);
        } finally {
            try {
                async.complete();
            } catch (IllegalStateException alreadyOver) {
                // the client went away and the container ended the request first
            }
        }
    }

    /** The manager failed to decide this wait (its store threw): 503, and the failure in the log. */
    private void unavailable(Throwable failure) {
        LOG.log(Level.WARNING, "quotaware: a request waiting in the queue could not be decided", failure);
        try {
            Responses.send(response, new Problem("about:blank", "Service Unavailable", 503,
                    "the quota service failed while the request waited in the queue; retry later",
                    request.getRequestURI(), null));
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "quotaware: could not answer a request whose wait failed", e);
        } finally {
            try {
                async.complete();
            } catch (IllegalStateException alreadyOver) {
                // the client went away and the container ended the request first
            }
        }
    }

    /** A permit handed over that nobody will run with is given back. */
    private void release() {
        if (taken.compareAndSet(false, true) && ended() instanceof QuotaPermit permit) {
            permit.failed();
            permit.close();
        }
    }

    @Override
    public void onComplete(AsyncEvent event) {
        if (!taken.get() && ended() instanceof QuotaPermit && WARNED.compareAndSet(false, true)) {
            LOG.warning("quotaware: a request that waited in the queue was dispatched without passing QuotaFilter "
                    + "again: map the filter for the ASYNC dispatcher too (QuotaInitializer does so for every "
                    + "QuotaFilter it finds); its slot was given back when the request completed");
        }
        release();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        if (outcome.cancel(false) && taken.compareAndSet(false, true)) {
            // the queue did not end the wait in time (its poll is stuck): answer as an ended wait would
            answer(QuotaCheckResult.denied(counted.caller().tier(), List.of(new Violation(Limit.QUEUE_WAIT,
                    async.getTimeout(), async.getTimeout(), 1)), List.of()));
        }
    }

    @Override
    public void onError(AsyncEvent event) {
        outcome.cancel(false); // the client went away: give the place up
        release();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // the chain started its own async cycle after the dispatch: that one is PermitHolder's to follow
    }
}
