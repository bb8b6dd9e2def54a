package org.quotaware.servlet;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Counted;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaStatistics;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.UserQuotaUsage;
import org.quotaware.cost.CostMeter;
import org.quotaware.engine.DefaultQuotaManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the filter charges a permit, in a real Jetty: the request thread's CPU time from admission to the chain's
 * return, and for an asynchronous request each {@code ASYNC} dispatch as well, all before the permit closes; work on
 * a thread of the application's own is not charged, and nothing is measured when no limit counts it.
 */
class QuotaFilterCostTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long MS = 1_000_000;

    /** A real manager that says a limit counts {@link #units}, and keeps the permits it issues. */
    static final class ChargedManager implements QuotaManager {
        final QuotaManager real = DefaultQuotaManager.builder().build();
        final List<QuotaPermit> permits = new CopyOnWriteArrayList<>();
        volatile Set<Counted> units;

        ChargedManager(Set<Counted> units) {
            this.units = units;
        }

        private Acquisition kept(Acquisition a) {
            if (a instanceof QuotaPermit p) {
                permits.add(p);
            }
            return a;
        }

        @Override
        public Set<Counted> chargedAtEnd() {
            return units;
        }

        @Override
        public Acquisition acquire(String user, QuotaRequest request) {
            return kept(real.acquire(user, request));
        }

        @Override
        public CompletionStage<Acquisition> acquireAsync(String user, QuotaRequest request) {
            return real.acquireAsync(user, request).thenApply(this::kept);
        }

        @Override
        public QuotaCheckResult check(String user, QuotaRequest request) {
            return real.check(user, request);
        }

        @Override
        public UserQuotaUsage usage(String user, String callerTier) {
            return real.usage(user, callerTier);
        }

        @Override
        public QuotaStatistics statistics() {
            return real.statistics();
        }

        @Override
        public QuotaTiers tiers() {
            return real.tiers();
        }

        @Override
        public SystemLimits systemLimits() {
            return real.systemLimits();
        }

        @Override
        public void systemLimits(SystemLimits limits) {
            real.systemLimits(limits);
        }

        @Override
        public void close() {
            real.close();
        }
    }

    /** Burns this thread's CPU until it has used {@code nanos} more (CPU time, not wall time: load does not shorten it). */
    static long burn(long nanos) {
        long start = THREADS.getCurrentThreadCpuTime();
        long x = 17;
        long used;
        do {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
            used = THREADS.getCurrentThreadCpuTime() - start;
        } while (used < nanos);
        return x == 0 ? used + 1 : used; // x keeps the loop from being optimized away
    }

    /** Burns 20 ms of CPU on the request thread and says how much it burnt. */
    static final class Burner extends HttpServlet {
        final AtomicLong burnt = new AtomicLong();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            burnt.addAndGet(burn(20 * MS));
            resp.getWriter().write("burnt");
        }
    }

    /**
     * Burns 10 ms on the request thread, goes asynchronous, has a thread of its own burn 300 ms (not charged) and
     * dispatch the request again, then burns 20 ms on that {@code ASYNC} dispatch.
     */
    static final class AsyncBurner extends HttpServlet {
        final AtomicLong burnt = new AtomicLong();

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getDispatcherType() == DispatcherType.ASYNC) {
                burnt.addAndGet(burn(20 * MS));
                resp.getWriter().write("resumed");
                return;
            }
            burnt.addAndGet(burn(10 * MS));
            AsyncContext async = req.startAsync();
            new Thread(() -> {
                burn(300 * MS);
                async.dispatch();
            }).start();
        }
    }

    private ChargedManager manager;
    private JettyServer jetty;

    @BeforeEach
    void cpuTimeIsMeasured() {
        Assumptions.assumeTrue(THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled(),
                "this JVM measures no thread CPU time; CostMeterTest covers how the meter degrades");
    }

    @AfterEach
    void stop() {
        if (jetty != null) {
            jetty.close();
        }
        if (manager != null) {
            manager.close();
        }
    }

    private QuotaPermit onlyPermit() throws InterruptedException {
        TestServlets.await(() -> manager.permits.size() == 1 && manager.permits.get(0).isClosed());
        return manager.permits.get(0);
    }

    private static long charged(QuotaPermit permit, Counted unit) {
        long[] charges = permit.charges();
        return charges == null ? 0 : charges[unit.ordinal()];
    }

    @Test
    void aRequestIsChargedTheCpuItsThreadBurntBeforeItsPermitCloses() throws Exception {
        manager = new ChargedManager(EnumSet.of(Counted.CPU));
        Burner burner = new Burner();
        jetty = new JettyServer().filter(new QuotaFilter(manager, FilterSettings.defaults()))
                .servlet("/burn", burner).start();

        assertThat(new RawHttp(jetty.port()).get("/app/burn").status()).isEqualTo(200);

        QuotaPermit permit = onlyPermit();
        // a closed permit ignores charges: a charge seen was made before the close
        assertThat(charged(permit, Counted.CPU)).isGreaterThanOrEqualTo(burner.burnt.get())
                .isGreaterThanOrEqualTo(20 * MS);
        assertThat(charged(permit, Counted.ALLOCATED)).as("not asked for").isZero();
    }

    @Test
    void anAsynchronousRequestIsChargedEachOfItsDispatchesButNotTheApplicationsOwnThread() throws Exception {
        manager = new ChargedManager(EnumSet.of(Counted.CPU, Counted.ALLOCATED));
        AsyncBurner burner = new AsyncBurner();
        jetty = new JettyServer().filter(new QuotaFilter(manager, FilterSettings.defaults()))
                .servlet("/burn", burner).start();

        RawHttp.Response answer = new RawHttp(jetty.port()).get("/app/burn");
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo("resumed");

        QuotaPermit permit = onlyPermit();
        assertThat(burner.burnt.get()).isGreaterThanOrEqualTo(30 * MS);
        assertThat(charged(permit, Counted.CPU)).as("the request thread's 10 ms and the dispatch's 20 ms")
                .isGreaterThanOrEqualTo(burner.burnt.get())
                .as("not the 300 ms of the application's own thread").isLessThan(300 * MS);
        assertThat(charged(permit, Counted.ALLOCATED)).isPositive();
    }

    @Test
    void nothingIsMeasuredWhenNoLimitCountsIt() throws Exception {
        manager = new ChargedManager(Set.of());
        jetty = new JettyServer().filter(new QuotaFilter(manager, FilterSettings.defaults()))
                .servlet("/burn", new Burner()).start();

        assertThat(new RawHttp(jetty.port()).get("/app/burn").status()).isEqualTo(200);

        assertThat(onlyPermit().charges()).isNull();
    }

    @Test
    void aFilterOnTheApplicationsManagerChargesThroughItsPublishedMeterWhoseListenersAreTold() throws Exception {
        manager = new ChargedManager(EnumSet.of(Counted.CPU));
        CostMeter published = new CostMeter(manager);
        List<String> told = new CopyOnWriteArrayList<>();
        published.listen((permit, cpu, allocated) -> told.add(permit.user() + (cpu >= 20 * MS ? " burnt" : " idle")));
        jetty = new JettyServer();
        jetty.context().setAttribute(QuotaFilter.MANAGER_ATTRIBUTE, manager);
        jetty.context().setAttribute(QuotaFilter.COST_METER_ATTRIBUTE, published);
        FilterHolder holder = new FilterHolder(QuotaFilter.class);
        holder.setAsyncSupported(true);
        holder.setInitParameters(Map.of());
        jetty.context().addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        jetty.servlet("/burn", new Burner()).start();

        assertThat(new RawHttp(jetty.port()).get("/app/burn").status()).isEqualTo(200);

        assertThat(charged(onlyPermit(), Counted.CPU)).isGreaterThanOrEqualTo(20 * MS);
        assertThat(told).containsExactly("ip:127.0.0.1 burnt");
    }

    @Test
    void aUnitAddedAtRunTimeIsMeasuredFromTheNextRequestOn() throws Exception {
        manager = new ChargedManager(Set.of());
        jetty = new JettyServer().filter(new QuotaFilter(manager, FilterSettings.defaults()))
                .servlet("/burn", new Burner()).start();
        RawHttp http = new RawHttp(jetty.port());
        assertThat(http.get("/app/burn").status()).isEqualTo(200);
        manager.units = EnumSet.of(Counted.CPU);
        assertThat(http.get("/app/burn").status()).isEqualTo(200);

        TestServlets.await(() -> manager.permits.size() == 2 && manager.permits.get(1).isClosed());
        assertThat(manager.permits.get(0).charges()).isNull();
        assertThat(charged(manager.permits.get(1), Counted.CPU)).isGreaterThanOrEqualTo(20 * MS);
    }
}
