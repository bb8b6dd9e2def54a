package org.quotaware.servlet;

import java.nio.file.Files;
import java.nio.file.Path;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quotaware.QuotaManager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The filter declared in a WEB-INF/web.xml, built by its no-argument constructor from init-params. */
class WebXmlDeploymentTest {

    @TempDir
    Path webapp;

    private JettyServer jetty;

    private WebAppContext deploy(String rateParam) throws Exception {
        return deploy(rateParam, "principal");
    }

    private WebAppContext deploy(String rateParam, String chain) throws Exception {
        Files.createDirectories(webapp.resolve("WEB-INF"));
        Files.writeString(webapp.resolve("WEB-INF/web.xml"), """
                <?xml version="1.0" encoding="UTF-8"?>
                <web-app xmlns="https://jakarta.ee/xml/ns/jakartaee" version="6.0">
                  <filter>
                    <filter-name>quota</filter-name>
                    <filter-class>org.quotaware.servlet.QuotaFilter</filter-class>
                    <async-supported>true</async-supported>
                    <init-param>
                      <param-name>default.requests-per-minute</param-name>
                      <param-value>%s</param-value>
                    </init-param>
                    <init-param>
                      <param-name>default.max-file-size</param-name>
                      <param-value>10MB</param-value>
                    </init-param>
                    <init-param>
                      <param-name>identity.chain</param-name>
                      <param-value>%s</param-value>
                    </init-param>
                  </filter>
                  <filter-mapping>
                    <filter-name>quota</filter-name>
                    <url-pattern>/*</url-pattern>
                  </filter-mapping>
                  <servlet>
                    <servlet-name>ok</servlet-name>
                    <servlet-class>org.quotaware.servlet.TestServlets$Ok</servlet-class>
                  </servlet>
                  <servlet-mapping>
                    <servlet-name>ok</servlet-name>
                    <url-pattern>/*</url-pattern>
                  </servlet-mapping>
                </web-app>
                """.formatted(rateParam, chain));
        WebAppContext context = new WebAppContext(webapp.toString(), "/app");
        context.setThrowUnavailableOnStartupException(true);
        jetty = new JettyServer().handler(context);
        return context;
    }

    @AfterEach
    void stop() throws Exception {
        if (jetty != null) {
            jetty.close();
        }
    }

    @Test
    void declaredFilterEnforcesItsInitParams() throws Exception {
        WebAppContext context = deploy("2");
        jetty.start();
        RawHttp http = new RawHttp(jetty.port());

        assertThat(http.get("/app/a").status()).isEqualTo(200);
        assertThat(http.get("/app/b").status()).isEqualTo(200);
        RawHttp.Response denied = http.get("/app/c");

        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.header("RateLimit-Policy")).startsWith("\"rpm\";q=2;w=60");
        QuotaManager manager = (QuotaManager) context.getServletContext().getAttribute(QuotaFilter.MANAGER_ATTRIBUTE);
        assertThat(manager.tiers().limits("default").maxFileSizeBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(manager.statistics().active()).isZero();
    }

    @Test
    void badInitParamFailsTheDeploymentNamingKeyValueAndRange() throws Exception {
        deploy("0");

        assertThatThrownBy(() -> jetty.start()).hasStackTraceContaining(
                "QuotaFilter 'quota' is misconfigured: "
                        + "default.requests-per-minute: requestsPerMinute must be between 1 and 1000000, was 0");
    }

    @Test
    void aSourceNamedByItsClassInTheChainDecidesWhoseQuotaIsSpent() throws Exception {
        deploy("2", "class:" + IdentityChainTest.TenantParameter.class.getName() + " as tenant:");
        jetty.start();
        RawHttp http = new RawHttp(jetty.port());

        assertThat(http.get("/app/a?tenant=acme").status()).isEqualTo(200);
        assertThat(http.get("/app/b?tenant=acme").status()).isEqualTo(200);
        assertThat(http.get("/app/c?tenant=acme").status()).as("one quota for tenant acme").isEqualTo(429);
        assertThat(http.get("/app/d?tenant=globex").status()).isEqualTo(200);
        assertThat(http.get("/app/e").status()).as("no tenant: the client address").isEqualTo(200);
    }

    @Test
    void aChainNamingAMissingClassFailsTheDeploymentNamingKeyAndValue() throws Exception {
        deploy("2", "class:com.example.Missing, principal");

        assertThatThrownBy(() -> jetty.start()).hasStackTraceContaining(
                "QuotaFilter 'quota' is misconfigured: identity.chain: chain entry must be a public class implementing "
                        + "org.quotaware.servlet.IdentitySource with a public no-argument constructor, was "
                        + "class:com.example.Missing (no such class)");
    }
}
