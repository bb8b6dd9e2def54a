package org.quotaware.engine;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;

import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;

/**
 * The requests of one user waiting in this JVM for a concurrency slot, in arrival order. Guarded by its own monitor,
 * so waiting for one user never blocks another.
 */
final class UserQueue {

    /** One waiting request. */
    static final class Waiter {
        final QuotaRequest request;
        final QuotaLimits limits;
        final String tier;
        final long queuedAtMillis;
        /** The token of its queue place, and of its slot once it gets one. */
        final long token;
        final CompletableFuture<QuotaPermit> permit = new CompletableFuture<>();

        Waiter(QuotaRequest request, QuotaLimits limits, String tier, long queuedAtMillis, long token) {
            this.request = request;
            this.limits = limits;
            this.tier = tier;
            this.queuedAtMillis = queuedAtMillis;
            this.token = token;
        }
    }

    final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
}
