package org.quotaware.cdi;

import java.io.Serializable;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.interceptor.AroundInvoke;
import jakarta.interceptor.Interceptor;
import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.container.AsyncResponse;

import org.quotaware.Acquisition;
import org.quotaware.QuotaDenial;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.cost.CostMeter;
import org.quotaware.http.Problem;
import org.quotaware.servlet.QuotaCaller;

/**
 * Acquires before a {@code @Quota} method and releases after it on every path: return, exception, {@link Error},
 * a {@link CompletionStage} result when it completes, a suspended {@link AsyncResponse} when it is resumed, cancelled,
 * times out or disconnects (or its lease ends). An asynchronous method (one returning a {@link CompletionStage} or
 * taking a {@code @Suspended AsyncResponse}) that has to queue holds no thread while it waits: see {@link AsyncWaits}. A denial is thrown as {@link QuotaExceededException}, which JAX-RS
 * answers with the filter's 429/413 response. On a request the filter already counted, only what the filter did not
 * count is added: the files, and the request (its cost too) against the limits of the method's rules that the filter
 * did not match, in the same atomic decision; no second request against the limits the filter counted, no second
 * slot, and no second charge of its CPU time or allocated bytes (the filter measures the whole request thread, this
 * method's run included). Otherwise what the thread running the
 * method uses (the invoking thread, or the managed executor's for a call that waited in the queue) is charged to the
 * method's permit before it closes; what a returned stage's own threads do is not measured.
 */
@Quota
@Interceptor
@Priority(Interceptor.Priority.LIBRARY_BEFORE + 100)
public class QuotaInterceptor implements Serializable {

    private static final long serialVersionUID = 1L;

    @Inject
    QuotaExtension extension;

    @Inject
    QuotaManager manager;

    @Inject
    Callers callers;

    @Inject
    AsyncLeases asyncLeases;

    @Inject
    AsyncWaits asyncWaits;

    @AroundInvoke
    Object enforce(InvocationContext ctx) throws Exception {
        QuotaMethod method = extension.method(ctx.getMethod(), ctx.getTarget().getClass());
        QuotaCaller caller = callers.current();
        if (caller.unknownKey()) {
            throw new QuotaExceededException(new Problem(Problem.UNKNOWN_API_KEY, "Unknown API key", 401,
                    "the API key sent is not configured; send a valid key or none", null, null));
        }
        String key = method.key(caller.user());
        QuotaRequest request = request(method, caller);
        AsyncResponse suspended = suspended(ctx.getParameters());
        boolean async = suspended != null || CompletionStage.class.isAssignableFrom(ctx.getMethod().getReturnType());
        if (!async) {
            return run(ctx, method, caller, manager().acquire(key, request), null);
        }
        // an asynchronous method waits for its slot without holding this thread
        CompletableFuture<Acquisition> decided = manager().acquireAsync(key, request).toCompletableFuture();
        Acquisition now = decided.getNow(null);
        if (now != null) {
            return run(ctx, method, caller, now, suspended);
        }
        return asyncWaits.later(decided, suspended, acquisition -> run(ctx, method, caller, acquisition, suspended));
    }

    /** Runs the method with its permit, or throws the denial; releases the slot on every path. */
    private Object run(InvocationContext ctx, QuotaMethod method, QuotaCaller caller, Acquisition acquisition,
                       AsyncResponse suspended) throws Exception {
        if (acquisition instanceof QuotaDenial denial) {
            throw new QuotaExceededException(denial.result(), null,
                    extension.configuration().settings.quota().rateLimitHeaders());
        }
        QuotaPermit permit = (QuotaPermit) acquisition;
        boolean countedByFilter = countedByFilter(method, caller);
        CostMeter meter = extension.meter();
        CostMeter.Segment segment = countedByFilter || meter == null ? CostMeter.Segment.NONE : meter.start();
        Object result;
        try {
            if (countedByFilter) {
                callers.updateHeaders(permit.result()); // the headers now count this call's files too
            }
            result = ctx.proceed();
        } catch (Exception | Error e) {
            segment.charge(permit);
            permit.failed();
            permit.close();
            throw e;
        }
        segment.charge(permit); // before anything below can close the permit
        if (result instanceof CompletionStage<?> stage) {
            stage.whenComplete((value, failure) -> {
                if (failure != null) {
                    permit.failed();
                }
                permit.close();
            });
            return result;
        }
        if (suspended != null) {
            try {
                asyncLeases.hold(suspended, permit);
            } catch (RuntimeException e) {
                permit.close(); // never keep a slot nothing will release
                throw e;
            }
        } else {
            permit.close();
        }
        return result;
    }

    /** What this call counts as, less what the filter already counted for the same quota. */
    private static QuotaRequest request(QuotaMethod method, QuotaCaller caller) {
        boolean sameQuota = method.tier().isEmpty();
        int files = sameQuota ? Math.max(0, method.cost() - caller.files()) : method.cost();
        boolean slot = method.concurrent() && !(sameQuota && caller.slot());
        QuotaRequest request = QuotaRequest.upload(files, -1).withConcurrent(slot)
                .withTier(sameQuota ? caller.tier() : method.tier()).withAnonymous(caller.anonymous())
                .withTarget(method.name());
        // the rules the filter charged this request to count the files this call adds, as the method's own do
        Set<String> rules = rules(method.rules(), sameQuota ? caller.rules() : Set.of());
        if (!rules.isEmpty()) {
            request = request.withRules(rules).withCost(method.ruleCost());
        }
        // the filter counted the request under its rules: the method's other rules count it now, once
        return countedByFilter(method, caller) ? request.alreadyCounted(caller.rules()) : request;
    }

    /** Both sets of rules; allocates only when both have some. */
    private static Set<String> rules(Set<String> method, Set<String> filter) {
        if (filter.isEmpty() || filter.containsAll(method)) {
            return filter.isEmpty() ? method : filter;
        }
        if (method.isEmpty()) {
            return filter;
        }
        Set<String> both = new HashSet<>(filter);
        both.addAll(method);
        return both;
    }

    /**
     * Whether the filter counted this HTTP request on the same quota and holds its permit: this call then adds its
     * files only, and its cost is the filter's to charge (this method runs inside the filter's measured chain).
     */
    private static boolean countedByFilter(QuotaMethod method, QuotaCaller caller) {
        return method.tier().isEmpty() && caller.slot();
    }

    private static AsyncResponse suspended(Object[] parameters) {
        if (parameters != null) {
            for (Object p : parameters) {
                if (p instanceof AsyncResponse a) {
                    return a;
                }
            }
        }
        return null;
    }

    /** The manager without its client proxy once it exists; the proxy's first call creates it. */
    private QuotaManager manager() {
        return extension.manager(manager);
    }
}
