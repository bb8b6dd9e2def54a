package org.quotaware.servlet;

import java.util.EnumSet;
import java.util.ServiceLoader;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.ServletContainerInitializer;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaManager;
import org.quotaware.denials.Denial;
import org.quotaware.denials.DenialLog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The drop-in registers the filter only when asked to, and never twice. */
class QuotaInitializerTest {

    private JettyServer jetty;

    @BeforeEach
    void create() {
        jetty = new JettyServer().servlet("/*", new TestServlets.Ok());
        jetty.context().addServletContainerInitializer(new QuotaInitializer());
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
    }

    private int quotaFilters() {
        int n = 0;
        for (FilterHolder holder : jetty.context().getServletHandler().getFilters()) {
            if (holder.getClassName().equals(QuotaFilter.class.getName())) {
                n++;
            }
        }
        return n;
    }

    @Test
    void isListedAsAServiceSoContainersFindItInTheJar() {
        assertThat(ServiceLoader.load(ServletContainerInitializer.class).stream().map(ServiceLoader.Provider::type))
                .contains(QuotaInitializer.class);
    }

    @Test
    void theJarAloneChangesNothing() throws Exception {
        jetty.context().setInitParameter("quotaware.default.requests-per-minute", "1");
        jetty.start();
        RawHttp http = new RawHttp(jetty.port());

        assertThat(quotaFilters()).isZero();
        assertThat(http.get("/app/x").header("RateLimit")).isNull();
        assertThat(http.get("/app/x").status()).isEqualTo(200);
    }

    @Test
    void enabledRegistersTheFilterWithTheContextParams() throws Exception {
        jetty.context().setInitParameter("quotaware.enabled", "true");
        jetty.context().setInitParameter("quotaware.default.requests-per-minute", "2");
        jetty.start();
        RawHttp http = new RawHttp(jetty.port());

        assertThat(quotaFilters()).isEqualTo(1);
        assertThat(http.get("/app/x").header("RateLimit-Policy")).startsWith("\"rpm\";q=2;w=60");
        assertThat(http.get("/app/x").status()).isEqualTo(200);
        assertThat(http.get("/app/x").status()).isEqualTo(429);
    }

    @Test
    void aFilterWithAManagerOfItsOwnPublishesItsDenialLog() throws Exception {
        jetty.context().setInitParameter("quotaware.enabled", "true");
        jetty.context().setInitParameter("quotaware.default.requests-per-minute", "1");
        jetty.context().setInitParameter("quotaware.denials.log-size", "3");
        jetty.start();
        RawHttp http = new RawHttp(jetty.port());
        assertThat(http.get("/app/x").status()).isEqualTo(200);
        for (int i = 0; i < 5; i++) {
            assertThat(http.get("/app/y" + i).status()).isEqualTo(429);
        }

        DenialLog log = (DenialLog) jetty.context().getServletContext().getAttribute(QuotaFilter.DENIAL_LOG_ATTRIBUTE);

        assertThat(log.size()).isEqualTo(3);
        assertThat(log.latest(10)).extracting(Denial::target).containsExactly("/y4", "/y3", "/y2");
        assertThat(log.latest(1).get(0).user()).startsWith("ip:");
    }

    @Test
    void enabledButAlreadyDeclaredDoesNotRegisterASecondFilter() throws Exception {
        jetty.context().setInitParameter("quotaware.enabled", "true");
        FilterHolder declared = new FilterHolder(QuotaFilter.class);
        declared.setName("declared-by-the-app");
        declared.setInitParameter("default.requests-per-minute", "5");
        jetty.context().addFilter(declared, "/*", EnumSet.of(DispatcherType.REQUEST));
        jetty.start();

        new RawHttp(jetty.port()).get("/app/x");

        assertThat(quotaFilters()).isEqualTo(1);
        QuotaManager manager = (QuotaManager) jetty.context().getServletContext()
                .getAttribute(QuotaFilter.MANAGER_ATTRIBUTE);
        assertThat(manager.usage("ip:127.0.0.1").requestsPerMinute()).isEqualTo(1);
    }

    @Test
    void misspeltContextParamFailsTheStartNamingTheKeyAsWritten() {
        jetty.context().setInitParameter("quotaware.enabled", "true");
        jetty.context().setInitParameter("quotaware.default.requests-per-minuet", "2");

        assertThatThrownBy(() -> jetty.start()).hasStackTraceContaining(
                "quotaware.default.requests-per-minuet: setting must be one of [requests-per-minute,");
    }

    @Test
    void enabledMustBeTrueOrFalse() {
        jetty.context().setInitParameter("quotaware.enabled", "yes");

        assertThatThrownBy(() -> jetty.start())
                .hasStackTraceContaining("quotaware.enabled: must be true or false, was yes");
    }

    @Test
    void withoutQuotaCdiAChainEntryOnlyItResolvesFailsTheStart() {
        jetty.context().setInitParameter("quotaware.enabled", "true");
        jetty.context().setInitParameter("quotaware.identity.chain", "jwt:tenant_id as tenant:, principal");

        assertThatThrownBy(() -> jetty.start()).hasStackTraceContaining("quotaware.identity.chain: chain entry must be "
                + "used with quota-cdi in the application (it reads the token MicroProfile JWT verified), was "
                + "jwt:tenant_id");
    }

    @Test
    void withoutQuotaCdiADeclaredFiltersBeanEntryFailsTheStart() {
        FilterHolder declared = new FilterHolder(QuotaFilter.class);
        declared.setName("declared-by-the-app");
        declared.setInitParameter("identity.chain", "bean:region");
        jetty.context().addFilter(declared, "/*", EnumSet.of(DispatcherType.REQUEST));

        assertThatThrownBy(() -> jetty.start()).hasStackTraceContaining("QuotaFilter 'declared-by-the-app' is "
                + "misconfigured: identity.chain: chain entry must be the @Named name of a CDI bean implementing "
                + "org.quotaware.servlet.IdentitySource (with quota-cdi in the application), was bean:region");
    }

    @Test
    void aDeclaredFiltersStoreNobodyAcceptsFailsTheDeploymentNotOnlyTheFilter() {
        FilterHolder declared = new FilterHolder(QuotaFilter.class);
        declared.setName("declared-by-the-app");
        declared.setInitParameter("store", "mongo://db:27017");
        jetty.context().addFilter(declared, "/*", EnumSet.of(DispatcherType.REQUEST));

        assertThatThrownBy(() -> jetty.start()).hasStackTraceContaining("QuotaFilter 'declared-by-the-app' is "
                + "misconfigured: store: store must be one of local, auto, ").hasStackTraceContaining(
                "was mongo://db:27017");
    }

    @Test
    void theDropInsStoreIsCheckedUnderItsContextParam() {
        jetty.context().setInitParameter("quotaware.enabled", "true");
        jetty.context().setInitParameter("quotaware.store", "mongo://db:27017");

        assertThatThrownBy(() -> jetty.start()).hasStackTraceContaining("quotaware.store: store must be one of local, "
                + "auto, ");
    }
}
