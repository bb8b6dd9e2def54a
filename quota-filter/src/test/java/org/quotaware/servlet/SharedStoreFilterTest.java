package org.quotaware.servlet;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.spi.HostedQuotaManager;
import org.quotaware.store.FallbackQuotaStore;
import org.quotaware.store.MemoryStoreProvider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The filter alone on a store a provider builds ({@code store=}): two servers naming one store share exact counts, the
 * store is wrapped in the fallback with its leases renewed by a thread the filter owns, and a value nobody accepts
 * fails the filter's start naming the key, the value and the accepted values.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SharedStoreFilterTest {

    private static final AtomicInteger STORES = new AtomicInteger();
    private final List<JettyServer> servers = new ArrayList<>();
    private final List<QuotaFilter> filters = new ArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(JettyServer::close);
    }

    private JettyServer server(String... params) throws Exception {
        QuotaFilter filter = new QuotaFilter();
        FilterHolder holder = new FilterHolder(filter);
        holder.setAsyncSupported(true);
        for (int i = 0; i < params.length; i += 2) {
            holder.setInitParameter(params[i], params[i + 1]);
        }
        JettyServer jetty = new JettyServer().servlet("/*", new TestServlets.Ok());
        jetty.context().addFilter(holder, "/*", java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST,
                jakarta.servlet.DispatcherType.ASYNC));
        servers.add(jetty);
        filters.add(filter);
        return jetty.start();
    }

    @Test
    void twoServersOnOneStoreAdmitExactlyTheLimitBetweenThemUnderConcurrency() throws Exception {
        String store = "memory://shared-" + STORES.incrementAndGet();
        JettyServer a = server("store", store, "default.requests-per-minute", "25");
        JettyServer b = server("store", store, "default.requests-per-minute", "25");
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Callable<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 80; i++) {
                RawHttp http = new RawHttp((i % 2 == 0 ? a : b).port());
                calls.add(() -> http.get(JettyServer.CONTEXT + "/x").status());
            }
            int admitted = 0;
            for (Future<Integer> f : pool.invokeAll(calls)) {
                admitted += f.get() == 200 ? 1 : 0;
            }
            assertThat(admitted).isEqualTo(25);
        } finally {
            pool.shutdownNow();
        }
        assertThat(filters.get(0).manager()).isInstanceOfSatisfying(HostedQuotaManager.class,
                m -> assertThat(m.store()).isInstanceOf(FallbackQuotaStore.class));
        assertThat(MemoryStoreProvider.CONTEXTS.get(store).application()).isEqualTo("app");
        assertThat(renewalThreads()).isEqualTo(2);
        servers.forEach(JettyServer::close);
        servers.clear();
        assertThat(renewalThreads()).as("stopped with the filter").isZero();
    }

    @Test
    void theApplicationsNameIsConfigurable() throws Exception {
        String store = "memory://named-" + STORES.incrementAndGet();
        server("store", store, "application", "shop");
        assertThat(MemoryStoreProvider.CONTEXTS.get(store).application()).isEqualTo("shop");
    }

    @Test
    void aStoreNobodyAcceptsFailsTheFilterNamingTheKeyTheValueAndTheAcceptedValues() {
        assertThatThrownBy(() -> server("store", "nope://somewhere"))
                .hasStackTraceContaining("store: store must be one of local, auto, memory://<name>")
                .hasStackTraceContaining("was nope://somewhere");
    }

    @Test
    void localAndAutoKeepTheStateInThisJvm() throws Exception {
        server("store", "local");
        server("store", "AUTO");
        assertThat(filters).allSatisfy(f -> assertThat(f.manager()).isInstanceOfSatisfying(HostedQuotaManager.class,
                m -> assertThat(m.store()).isInstanceOf(org.quotaware.local.InMemoryQuotaStore.class)));
        assertThat(renewalThreads()).isZero();
    }

    private static long renewalThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("quotaware-store") && t.isAlive()).count();
    }
}
