package org.quotaware.cdi;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.ConnectionCallback;

import org.quotaware.Acquisition;
import org.quotaware.QuotaPermit;

/**
 * Runs an asynchronous {@code @Quota} method that had to queue once its wait ends, holding no thread while it waits:
 * on the container's managed executor (its class loader, naming and security context), inside a request context of
 * its own. The method body then runs off the request thread, as any asynchronous JAX-RS code does: it must take what
 * it needs from its parameters, not from thread-bound request state. A client that disconnects while its
 * {@code AsyncResponse} waits gives its place up. A call the executor refuses (it is shutting down or saturated) is
 * answered 503 ({@link QueuedCallRefusedException}) and gives the slot it was handed back: it never waits forever,
 * and never keeps a slot.
 */
@ApplicationScoped
public class AsyncWaits {

    /** The method's run with the acquisition its wait ended with: the method's result, or the denial thrown. */
    @FunctionalInterface
    interface Call {
        Object run(Acquisition acquisition) throws Exception;
    }

    static final String EXECUTOR = "java:comp/DefaultManagedExecutorService";
    private static final Logger LOG = Logger.getLogger(AsyncWaits.class.getName());

    @Inject
    Instance<RequestContextController> requestContexts;

    Executor executor;

    @PostConstruct
    void init() {
        try {
            executor = (ManagedExecutorService) new InitialContext().lookup(EXECUTOR);
        } catch (NamingException | ClassCastException e) {
            LOG.warning(() -> "quotaware: no managed executor at " + EXECUTOR + " (" + e + "): a queued asynchronous "
                    + "@Quota method runs on the thread that hands its slot over");
            executor = Runnable::run;
        }
    }

    /**
     * What the intercepted method answers now: null for an {@code AsyncResponse} method (resumed later), otherwise a
     * stage completed with the method's own stage's outcome.
     */
    Object later(CompletableFuture<Acquisition> decided, AsyncResponse suspended, Call call) {
        if (suspended != null) {
            try {
                suspended.register((ConnectionCallback) gone -> decided.cancel(false));
            } catch (RuntimeException unsupported) {
                // the wait ends by its deadline instead
            }
            decided.thenAccept(acquisition -> execute(acquisition, () -> {
                try {
                    call.run(acquisition);
                } catch (Exception | Error e) {
                    suspended.resume(e); // the denial's 429, or the method's own failure
                }
            }, suspended::resume));
            return null;
        }
        CompletableFuture<Object> result = new CompletableFuture<>();
        decided.whenComplete((acquisition, cancelled) -> {
            if (cancelled != null) {
                result.completeExceptionally(cancelled);
                return;
            }
            execute(acquisition, () -> {
                try {
                    ((CompletionStage<?>) call.run(acquisition)).whenComplete((value, failure) -> {
                        if (failure != null) {
                            result.completeExceptionally(failure);
                        } else {
                            result.complete(value);
                        }
                    });
                } catch (Exception | Error e) {
                    result.completeExceptionally(e);
                }
            }, result::completeExceptionally);
        });
        return result;
    }

    /** Runs {@code task} on the executor; when it refuses, the slot goes back and the caller is answered 503. */
    private void execute(Acquisition acquisition, Runnable task, Consumer<Throwable> refused) {
        try {
            run(task);
        } catch (RejectedExecutionException e) {
            if (acquisition instanceof QuotaPermit permit) {
                permit.failed();
                permit.close();
            }
            LOG.log(Level.WARNING, "quotaware: the managed executor refused a queued @Quota call; answered 503", e);
            refused.accept(new QueuedCallRefusedException(e));
        }
    }

    private void run(Runnable task) {
        executor.execute(() -> {
            RequestContextController context = requestContexts.get();
            boolean activated = context.activate();
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "quotaware: a queued @Quota method failed outside its request", e);
            } finally {
                if (activated) {
                    context.deactivate();
                }
                requestContexts.destroy(context);
            }
        });
    }
}
