package org.quotaware.servlet;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.engine.DefaultQuotaManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Queued requests wait without a container thread: parked with Servlet async, resumed by an async dispatch when their
 * slot is handed over, answered 429 when their wait ends. In a real Jetty with few request threads.
 */
class QuotaFilterQueueTest {

    private static final int THREADS = 12;
    private static final int PARKED = 40;

    private final CountDownLatch holderMayFinish = new CountDownLatch(1);
    private final List<String> ran = Collections.synchronizedList(new ArrayList<>());
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private QuotaManager manager;
    private JettyServer jetty;

    private void start(EnumSet<DispatcherType> dispatches) throws Exception {
        start(dispatches, SystemLimits.DEFAULTS);
    }

    private void start(EnumSet<DispatcherType> dispatches, SystemLimits system) throws Exception {
        QuotaLimits oneSlot = QuotaLimits.builder().requestsPerMinute(10_000).maxConcurrentTasks(1)
                .maxQueueSize(PARKED).maxQueueWait(Duration.ofSeconds(30)).build();
        QuotaTiers tiers = new QuotaTiers(oneSlot)
                .define("brief", oneSlot.toBuilder().maxQueueWait(Duration.ofMillis(300)).build());
        manager = DefaultQuotaManager.builder().tiers(tiers).systemLimits(system).build();
        Map<String, String> params = Map.of("identity.api-key-header", "X-API-Key",
                "identity.api-keys", "alice-key=alice,bob-key=bob,carol-key=carol:brief");
        FilterSettings settings = FilterSettings.of(FilterSettings.read(params)); // tiers: the manager's
        HttpServlet work = new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        if ("hold".equals(req.getParameter("n"))) {
                            try {
                                holderMayFinish.await(30, TimeUnit.SECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                        }
                        ran.add(req.getParameter("n"));
                        // the caller, as a @Quota method finds it, also on the ASYNC dispatch of a parked request
                        QuotaCaller caller = QuotaCaller.current();
                        resp.getWriter().write("ran " + req.getParameter("n") + " for "
                                + (caller == null ? "nobody" : caller.user()));
                    }
                };
        // a filter that is not async-supported in front of /sync: its requests must block to wait
        jetty = new JettyServer().threads(THREADS).legacyFilter((req, resp, chain) -> chain.doFilter(req, resp), "/sync")
                .filter(new QuotaFilter(manager, settings), dispatches)
                .servlet("/work", work).servlet("/sync", work).start();
    }

    @AfterEach
    void stop() {
        holderMayFinish.countDown();
        if (jetty != null) {
            jetty.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    private CompletableFuture<HttpResponse<String>> get(String key, String n) {
        return get("/work", key, n);
    }

    private CompletableFuture<HttpResponse<String>> get(String path, String key, String n) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + jetty.port()
                        + JettyServer.CONTEXT + path + "?n=" + n)).header("X-API-Key", key)
                .timeout(Duration.ofSeconds(60)).build();
        return client.sendAsync(request, HttpResponse.BodyHandlers.ofString());
    }

    private void awaitQueued(long n) throws InterruptedException {
        await("queued", () -> manager.statistics().queued(), n);
    }

    private void awaitActive(long n) throws InterruptedException {
        await("active", () -> manager.statistics().active(), n);
    }

    private static void await(String what, LongSupplier value, long n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (value.getAsLong() != n) {
            assertThat(System.nanoTime()).as("%s never reached %d (is %d)", what, n, value.getAsLong())
                    .isLessThan(deadline);
            Thread.sleep(5);
        }
    }

    /** Threads of the container inside our code: a parked request has none. */
    private static long threadsWaitingInTheManager() {
        return Thread.getAllStackTraces().values().stream().filter(stack -> {
            for (StackTraceElement frame : stack) {
                if (frame.getClassName().startsWith("org.quotaware.engine.")) {
                    return true;
                }
            }
            return false;
        }).count();
    }

    @Test
    void moreWaitingRequestsThanThreadsAreParkedAndRunInArrivalOrder() throws Exception {
        start(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        CompletableFuture<HttpResponse<String>> holder = get("alice-key", "hold");
        awaitActive(1);
        List<CompletableFuture<HttpResponse<String>>> parked = new ArrayList<>();
        for (int i = 0; i < PARKED; i++) {
            parked.add(get("alice-key", String.valueOf(i)));
            awaitQueued(i + 1); // one at a time, so arrival order is known
        }
        assertThat(manager.statistics().blocked()).isZero();
        // the last request's thread may still be on its way out of the engine when it shows as queued (and the
        // manager's poll passes through it every 100 ms): none may stay there
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (threadsWaitingInTheManager() != 0) {
            assertThat(System.nanoTime()).as("container threads waiting in our code").isLessThan(deadline);
            Thread.sleep(10);
        }

        // more parked requests than the container has threads, and another caller is still answered at once
        HttpResponse<String> bob = get("bob-key", "bob").get(5, TimeUnit.SECONDS);
        assertThat(bob.statusCode()).isEqualTo(200);

        holderMayFinish.countDown();
        assertThat(holder.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        for (int i = 0; i < PARKED; i++) {
            HttpResponse<String> r = parked.get(i).get(20, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ran " + i + " for key:alice");
            assertThat(r.headers().firstValue("RateLimit")).isPresent();
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i < PARKED; i++) {
            order.add(String.valueOf(i));
        }
        assertThat(ran).containsSubsequence(order);
        assertThat(ran.stream().filter(n -> !n.equals("bob") && !n.equals("hold"))).containsExactlyElementsOf(order);
        awaitActive(0);
        assertThat(manager.statistics().queued()).isZero();
        assertThat(manager.usage("key:alice").activeTasks()).isZero();
    }

    @Test
    void aWaitThatEndsIsAnswered429AndStaysCounted() throws Exception {
        start(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        CompletableFuture<HttpResponse<String>> holder = get("carol-key", "hold");
        awaitActive(1);
        List<CompletableFuture<HttpResponse<String>>> parked = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            parked.add(get("carol-key", String.valueOf(i)));
        }
        for (CompletableFuture<HttpResponse<String>> f : parked) {
            HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
            assertThat(r.statusCode()).isEqualTo(429);
            assertThat(r.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/problem+json");
            assertThat(r.headers().firstValue("Retry-After")).hasValue("1");
            assertThat(r.body()).contains("queue-wait");
        }
        assertThat(ran).isEmpty();
        assertThat(manager.usage("key:carol").requestsPerMinute()).as("each wait was a request").isEqualTo(6);
        assertThat(manager.statistics().queued()).isZero();
        holderMayFinish.countDown();
        assertThat(holder.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        awaitActive(0);
    }

    @Test
    void withoutAnAsyncMappingAResumedRequestStillRunsAndGivesItsSlotBack() throws Exception {
        start(EnumSet.of(DispatcherType.REQUEST));
        CompletableFuture<HttpResponse<String>> holder = get("alice-key", "hold");
        awaitActive(1);
        CompletableFuture<HttpResponse<String>> waiting = get("alice-key", "0");
        awaitQueued(1);
        holderMayFinish.countDown();
        assertThat(holder.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        // the filter did not run on that dispatch, so it names no caller
        // resumed without the filter, it names no caller; the filter names it when the slot came before the request
        // was parked (queued, but its thread still in the filter), so it never left
        assertThat(waiting.get(10, TimeUnit.SECONDS).body()).matches("ran 0 for (nobody|key:alice)");
        awaitActive(0);
        assertThat(manager.usage("key:alice").activeTasks()).isZero();
    }

    @Test
    void aChainThatCannotGoAsyncBlocksOnlyUpToTheCapOfBlockedWaits() throws Exception {
        start(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), new SystemLimits(QuotaLimits.OFF, 100, 2));
        CompletableFuture<HttpResponse<String>> holder = get("/sync", "alice-key", "hold");
        awaitActive(1);
        List<CompletableFuture<HttpResponse<String>>> blocked = List.of(get("/sync", "alice-key", "0"),
                get("/sync", "alice-key", "1"));
        awaitQueued(2);
        assertThat(manager.statistics().blocked()).isEqualTo(2);

        HttpResponse<String> refused = get("/sync", "alice-key", "2").get(10, TimeUnit.SECONDS);
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.body()).contains("system-blocked-waits");
        // an async chain still parks: the cap is on blocked threads only
        CompletableFuture<HttpResponse<String>> parked = get("/work", "alice-key", "3");
        awaitQueued(3);
        assertThat(manager.statistics().blocked()).isEqualTo(2);

        holderMayFinish.countDown();
        assertThat(holder.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        for (CompletableFuture<HttpResponse<String>> b : blocked) {
            assertThat(b.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        }
        assertThat(parked.get(10, TimeUnit.SECONDS).body()).isEqualTo("ran 3 for key:alice");
        awaitActive(0);
        assertThat(manager.statistics().queued()).isZero();
        assertThat(manager.statistics().blocked()).isZero();
    }
}
