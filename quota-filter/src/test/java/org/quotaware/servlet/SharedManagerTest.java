package org.quotaware.servlet;

import java.io.IOException;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A filter declared in web.xml in an application that already has a QuotaManager (quota-cdi publishes one). */
class SharedManagerTest {

    /** Remembers what the filter told later components about the caller. */
    static final class CallerEcho extends HttpServlet {
        static final AtomicReference<QuotaCaller> SEEN = new AtomicReference<>();

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            SEEN.set((QuotaCaller) req.getAttribute(QuotaCaller.ATTRIBUTE));
            resp.getWriter().write("ok");
        }
    }

    private static JettyServer server(QuotaManager shared, Map<String, String> params) {
        JettyServer jetty = new JettyServer();
        if (shared != null) {
            jetty.context().setAttribute(QuotaFilter.MANAGER_ATTRIBUTE, shared);
        }
        FilterHolder holder = new FilterHolder(QuotaFilter.class);
        holder.setName("quota");
        holder.setInitParameters(params);
        holder.setAsyncSupported(true);
        jetty.context().addFilter(holder, "/*", java.util.EnumSet.of(jakarta.servlet.DispatcherType.REQUEST));
        jetty.servlet("/*", new CallerEcho());
        return jetty;
    }

    @Test
    void aDeclaredFilterUsesTheApplicationsManagerAndTellsTheCaller() throws Exception {
        QuotaManager shared = DefaultQuotaManager.builder()
                .tiers(new QuotaTiers(QuotaLimits.builder().requestsPerMinute(2).build())).build();
        try (JettyServer jetty = server(shared, Map.of("paths.files", "/upload", "files.count", "false")).start()) {
            RawHttp http = new RawHttp(jetty.port());
            assertThat(http.send("POST", "/app/upload", new String[0], "a,b\n".getBytes()).status()).isEqualTo(200);
            assertThat(CallerEcho.SEEN.get()).isEqualTo(new QuotaCaller("ip:127.0.0.1", "default", 0, true, false, true));
            assertThat(shared.usage("ip:127.0.0.1").requestsPerMinute()).isEqualTo(1);
            assertThat(shared.usage("ip:127.0.0.1").filesPerHour()).isZero();
            assertThat(http.get("/app/x").status()).isEqualTo(200);
            assertThat(http.get("/app/x").status()).isEqualTo(429);
        } finally {
            shared.close();
        }
    }

    @Test
    void limitsInInitParamsBesideASharedManagerFailTheDeployment() {
        QuotaManager shared = DefaultQuotaManager.builder().build();
        JettyServer jetty = server(shared, Map.of("default.requests-per-minute", "5", "paths.files", "/upload"));
        try {
            assertThatThrownBy(jetty::start).hasStackTraceContaining("QuotaFilter 'quota' is misconfigured: "
                    + "init-param must be absent: this application's QuotaManager").hasStackTraceContaining(
                    "was [default.requests-per-minute]");
        } finally {
            jetty.close();
            shared.close();
        }
    }

    @Test
    void filesCountMustBeABoolean() {
        assertThatThrownBy(() -> FilterSettings.parse(Map.of("files.count", "maybe")))
                .hasMessage("files.count: filesCount must be true or false, was maybe");
    }
}
