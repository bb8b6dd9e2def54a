package org.quotaware.engine;

import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import org.quotaware.Acquisition;
import org.quotaware.QuotaRequest;
import org.quotaware.spi.DecisionListener;

/**
 * The listeners a manager tells of every decision, with how long it took. While there are none, a decision reads no
 * clock and makes nothing for them.
 */
final class DecisionListeners {

    // copy on write: listeners are added at start, read on every decision
    private final List<DecisionListener> listeners = new CopyOnWriteArrayList<>();

    void add(DecisionListener listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** The start of a decision to time: {@link System#nanoTime()}, or 0 while nobody listens. */
    long start() {
        return listeners.isEmpty() ? 0 : System.nanoTime();
    }

    /** Tells every listener of a decision that started at {@code start}, a non-zero {@link #start()}. */
    void tell(String user, QuotaRequest request, Acquisition a, long start) {
        long nanos = System.nanoTime() - start;
        for (DecisionListener l : listeners) {
            l.decided(user, request, a.result(), nanos);
        }
    }

    /** The same once the wait of a request that queued ends: its decision took the wait too. */
    void tellWhenDone(String user, QuotaRequest request, CompletableFuture<Acquisition> outcome, long start) {
        outcome.thenAccept(a -> tell(user, request, a, start));
    }
}
