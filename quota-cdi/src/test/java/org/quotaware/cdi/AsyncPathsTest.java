package org.quotaware.cdi;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;

import jakarta.interceptor.InvocationContext;
import jakarta.ws.rs.container.AsyncResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.servlet.QuotaCaller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The CDI layer's paths of a call that waits or holds a permit end it once, whatever throws on the way: an executor
 * that refuses the call a slot was handed to, a header update that fails before the method runs.
 */
class AsyncPathsTest {

    private final DefaultQuotaManager manager = DefaultQuotaManager.builder().tiers(new QuotaTiers(QuotaLimits
            .builder().maxConcurrentTasks(1).maxQueueSize(5).maxQueueWait(Duration.ofSeconds(30)).build())).build();

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void aQueuedStageCallTheExecutorRefusesEndsWith503AndGivesItsSlotBack() {
        QuotaPermit holder = (QuotaPermit) manager.acquire("alice", QuotaRequest.request());
        CompletableFuture<Acquisition> decided = manager.acquireAsync("alice", QuotaRequest.request())
                .toCompletableFuture();
        List<Acquisition> ran = new ArrayList<>();

        CompletableFuture<?> answer = (CompletableFuture<?>) refusingWaits().later(decided, null, a -> {
            ran.add(a);
            return CompletableFuture.completedFuture("ran");
        });
        holder.close(); // hands the slot over: the call is given to the executor, which refuses it

        assertThat(ran).isEmpty();
        assertThat(answer).isCompletedExceptionally();
        assertThatThrownBy(answer::join).hasCauseInstanceOf(QueuedCallRefusedException.class);
        assertThat(manager.statistics().active()).as("the slot handed over is back").isZero();
        assertThat(manager.usage("alice").activeTasks()).isZero();
    }

    @Test
    void aQueuedAsyncResponseCallTheExecutorRefusesIsResumedWith503AndGivesItsSlotBack() {
        QuotaPermit holder = (QuotaPermit) manager.acquire("alice", QuotaRequest.request());
        CompletableFuture<Acquisition> decided = manager.acquireAsync("alice", QuotaRequest.request())
                .toCompletableFuture();
        List<Object> resumed = new ArrayList<>();
        AsyncResponse suspended = (AsyncResponse) Proxy.newProxyInstance(AsyncResponse.class.getClassLoader(),
                new Class<?>[] {AsyncResponse.class}, (self, method, args) -> {
                    if (method.getName().equals("resume")) {
                        resumed.add(args[0]);
                        return true;
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                });

        refusingWaits().later(decided, suspended, a -> "ran");
        holder.close();

        assertThat(resumed).singleElement().isInstanceOf(QueuedCallRefusedException.class);
        assertThat(manager.statistics().active()).isZero();
        assertThat(manager.usage("alice").activeTasks()).isZero();
    }

    @Test
    void aHeaderUpdateThatFailsBeforeTheMethodRunsStillClosesThePermit() throws Exception {
        QuotaInterceptor interceptor = new QuotaInterceptor();
        interceptor.manager = manager;
        interceptor.extension = new QuotaExtension() {
            @Override
            QuotaMethod method(Method method, Class<?> targetClass) {
                return new QuotaMethod("", 1, true, "Shop#upload");
            }
        };
        interceptor.callers = new Callers() {
            @Override
            public QuotaCaller current() {
                // the filter counted this request and holds its slot: the method adds its file
                return new QuotaCaller("key:alice", null, 0, true, false, false);
            }

            @Override
            void updateHeaders(org.quotaware.QuotaCheckResult result) {
                throw new IllegalStateException("the response went away");
            }
        };
        List<String> ran = new ArrayList<>();

        assertThatThrownBy(() -> interceptor.enforce(invocation(() -> ran.add("ran"))))
                .isInstanceOf(IllegalStateException.class);

        assertThat(ran).isEmpty();
        assertThat(manager.statistics().failed()).as("the permit, closed as failed").isEqualTo(1);
    }

    private static AsyncWaits refusingWaits() {
        AsyncWaits waits = new AsyncWaits();
        waits.executor = task -> {
            throw new RejectedExecutionException("the executor is shutting down");
        };
        return waits;
    }

    /** A call of {@code Shop#upload} on a target of its own, whose proceed runs {@code body}. */
    private static InvocationContext invocation(Runnable body) throws NoSuchMethodException {
        Method upload = AsyncPathsTest.class.getDeclaredMethod("upload");
        return (InvocationContext) Proxy.newProxyInstance(InvocationContext.class.getClassLoader(),
                new Class<?>[] {InvocationContext.class}, (self, method, args) -> switch (method.getName()) {
                    case "getMethod" -> upload;
                    case "getTarget" -> "a target";
                    case "getParameters" -> new Object[0];
                    case "proceed" -> {
                        body.run();
                        yield "done";
                    }
                    default -> null;
                });
    }

    @SuppressWarnings("unused")
    private String upload() {
        return "done";
    }
}
