package org.quotaware.servlet;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A parked request whose client goes away, or that cannot be parked at all, gives its queue place or its slot back,
 * and nothing it does throws into the container's listener loop. The container here is a stand-in that records what
 * the request asked of it (the same paths run on Payara Micro in HostileLoadIT).
 */
class ParkedRequestTest {

    private final DefaultQuotaManager manager = DefaultQuotaManager.builder().tiers(new QuotaTiers(QuotaLimits
            .builder().maxConcurrentTasks(1).maxQueueSize(5).maxQueueWait(Duration.ofSeconds(30)).build())).build();
    private final QuotaFilter filter = new QuotaFilter(manager, FilterSettings.defaults());
    private final QuotaPermit holder = (QuotaPermit) manager.acquire("alice", QuotaRequest.request());
    private final Container container = new Container();

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void aClientThatHangsUpWhileParkedGivesItsPlaceUpAndNothingThrows() throws Exception {
        CompletableFuture<Acquisition> waiting = queued();
        park(waiting);

        container.event("onError");
        container.event("onComplete"); // a container completes the request after the error

        assertThat(waiting).isCancelled();
        assertThat(manager.statistics().queued()).isZero();
        assertThat(manager.usage("alice").queued()).isZero();
        holder.close();
        assertThat(manager.statistics().active()).as("nobody was handed the slot").isZero();
        assertThat(manager.usage("alice").activeTasks()).isZero();
    }

    @Test
    void aClientThatHangsUpAfterItsSlotWasHandedOverGivesTheSlotBack() throws Exception {
        CompletableFuture<Acquisition> waiting = queued();
        park(waiting);
        holder.close(); // hands the slot over: the request is dispatched again

        container.event("onError"); // before the dispatch ran
        container.event("onComplete");

        assertThat(container.dispatched).isEqualTo(1);
        assertThat(manager.statistics().active()).isZero();
        assertThat(manager.statistics().failed()).as("the handed-over task, never run").isEqualTo(1);
        assertThat(manager.usage("alice").activeTasks()).isZero();
    }

    @Test
    void aRequestTheContainerCannotParkGivesItsPlaceUp() throws Exception {
        CompletableFuture<Acquisition> waiting = queued();
        container.refuseAsync = true;

        assertThatThrownBy(() -> park(waiting)).isInstanceOf(IllegalStateException.class);

        assertThat(waiting).isCancelled();
        assertThat(manager.statistics().queued()).isZero();
        holder.close();
        assertThat(manager.statistics().active()).isZero();
        assertThat(manager.usage("alice").queued()).isZero();
    }

    private CompletableFuture<Acquisition> queued() {
        CompletableFuture<Acquisition> f = manager.acquireAsync("alice", QuotaRequest.request()).toCompletableFuture();
        assertThat(f).isNotDone();
        return f;
    }

    private void park(CompletableFuture<Acquisition> waiting) {
        ParkedRequest.park(filter, container.request, container.response, waiting,
                new QuotaFilter.Counted(new CallerIdentity.Caller("alice", null, false, false), false, 0,
                        java.util.Set.of()), 60_000);
    }

    /** A container's request and async context, made of proxies: it records listeners and dispatches. */
    private static final class Container {
        final Map<String, Object> attributes = new HashMap<>();
        final List<AsyncListener> listeners = new ArrayList<>();
        boolean refuseAsync;
        int dispatched;
        long timeout;
        final HttpServletResponse response = proxy(HttpServletResponse.class, (name, args) -> null);
        final AsyncContext async = proxy(AsyncContext.class, (name, args) -> switch (name) {
            case "addListener" -> listeners.add((AsyncListener) args[0]) ? null : null;
            case "setTimeout" -> {
                timeout = (Long) args[0];
                yield null;
            }
            case "getTimeout" -> timeout;
            case "dispatch" -> {
                dispatched++;
                yield null;
            }
            default -> null;
        });
        final HttpServletRequest request = proxy(HttpServletRequest.class, (name, args) -> switch (name) {
            case "setAttribute" -> attributes.put((String) args[0], args[1]);
            case "getAttribute" -> attributes.get((String) args[0]);
            case "removeAttribute" -> attributes.remove((String) args[0]);
            case "startAsync" -> {
                if (refuseAsync) {
                    throw new IllegalStateException("a filter or servlet of this request does not support async");
                }
                yield async;
            }
            case "getAsyncContext" -> async;
            default -> null;
        });

        /** Calls {@code method} of every listener, as the container's listener loop does. */
        void event(String method) throws Exception {
            for (AsyncListener l : List.copyOf(listeners)) {
                AsyncListener.class.getMethod(method, AsyncEvent.class).invoke(l, new AsyncEvent(async, request,
                        response));
            }
        }

        private interface Answer {
            Object answer(String method, Object[] args);
        }

        @SuppressWarnings("unchecked")
        private static <T> T proxy(Class<T> type, Answer answer) {
            return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (self, method, args) -> {
                Object a = answer.answer(method.getName(), args);
                Class<?> r = method.getReturnType();
                if (a != null || !r.isPrimitive() || r == void.class) {
                    return a;
                }
                if (r == boolean.class) {
                    return false;
                }
                return r == long.class ? (Object) 0L : (Object) 0;
            });
        }
    }
}
