package org.quotaware.cdi;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.CompletionCallback;
import jakarta.ws.rs.container.ConnectionCallback;

import org.quotaware.QuotaPermit;
import org.quotaware.internal.LogText;

/**
 * Holds the permit of a {@code @Suspended AsyncResponse} call until the response is resumed, cancelled, times out or
 * its client disconnects; and, so that a response never resumed cannot hold a slot forever, at most for the async
 * lease ({@code quotaware.async-lease}, 300 s by default), timed on the container's managed scheduler.
 */
@ApplicationScoped
public class AsyncLeases {

    private static final Logger LOG = Logger.getLogger(AsyncLeases.class.getName());

    @Inject
    QuotaExtension extension;

    private ManagedScheduledExecutorService scheduler;

    @PostConstruct
    void init() {
        scheduler = ManagedScheduler.lookup();
    }

    void hold(AsyncResponse response, QuotaPermit permit) {
        Duration lease = extension.configuration().asyncLease();
        AtomicReference<ScheduledFuture<?>> timer = new AtomicReference<>();
        Runnable release = () -> {
            permit.close();
            ScheduledFuture<?> t = timer.get();
            if (t != null) {
                t.cancel(false);
            }
        };
        try {
            response.register((CompletionCallback) failure -> {
                if (failure != null) {
                    permit.failed();
                }
                release.run();
            });
            response.register((ConnectionCallback) disconnected -> {
                permit.failed();
                release.run();
            });
        } catch (RuntimeException unsupported) {
            LOG.warning(() -> "quotaware: cannot register async callbacks (" + unsupported + "); the slot is held "
                    + "until the async lease of " + lease.toSeconds() + " s ends");
        }
        if (response.isDone()) {
            release.run(); // resumed before the callbacks were in place
            return;
        }
        if (scheduler == null) {
            return;
        }
        timer.set(scheduler.schedule(() -> {
            if (!permit.isClosed()) {
                LOG.warning(() -> "quotaware: an AsyncResponse of " + LogText.of(permit.user())
                        + " was not resumed within " + lease.toSeconds() + " s; its concurrency slot is given back");
                permit.failed();
                permit.close();
            }
        }, lease.toMillis(), TimeUnit.MILLISECONDS));
        if (permit.isClosed()) {
            timer.get().cancel(false);
        }
    }
}
