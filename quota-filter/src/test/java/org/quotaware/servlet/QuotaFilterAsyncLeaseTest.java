package org.quotaware.servlet;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaManager;
import org.quotaware.engine.DefaultQuotaManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An asynchronous request that is never completed, with the container's async timeout switched off (as Jersey leaves
 * it), holds its slot no longer than the filter's {@code async-lease}.
 */
class QuotaFilterAsyncLeaseTest {

    private QuotaManager manager;
    private JettyServer jetty;

    @AfterEach
    void stop() {
        if (jetty != null) {
            jetty.close();
            manager.close();
        }
    }

    @Test
    void aNeverCompletedAsyncRequestGivesItsSlotBackWhenTheLeaseEnds() throws Exception {
        manager = DefaultQuotaManager.builder().build();
        Map<String, String> params = Map.of("async-lease", "1s");
        jetty = new JettyServer()
                .filter(new QuotaFilter(manager, FilterSettings.of(FilterSettings.read(params))))
                .servlet("/forever", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                        req.startAsync().setTimeout(0); // no timeout, and nobody ever completes it
                    }
                }).start();
        HttpClient client = HttpClient.newHttpClient();
        CompletableFuture<HttpResponse<String>> forever = client.sendAsync(HttpRequest.newBuilder(URI.create(
                "http://127.0.0.1:" + jetty.port() + JettyServer.CONTEXT + "/forever")).build(),
                HttpResponse.BodyHandlers.ofString());

        long start = System.nanoTime();
        long deadline = start + TimeUnit.SECONDS.toNanos(20);
        while (manager.statistics().active() != 1) {
            assertThat(System.nanoTime()).as("the request never took its slot").isLessThan(deadline);
            Thread.onSpinWait();
        }
        while (manager.statistics().active() != 0) {
            assertThat(System.nanoTime()).as("the slot outlived the lease").isLessThan(deadline);
            Thread.sleep(10);
        }
        long heldMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(heldMillis).as("held until the lease of 1 s ended").isGreaterThanOrEqualTo(900);
        assertThat(manager.statistics().failed()).as("a timed-out task counts as failed").isEqualTo(1);
        assertThat(forever.get(10, TimeUnit.SECONDS).statusCode()).isGreaterThanOrEqualTo(500);
    }

    @Test
    void theLeaseIsValidated() {
        Map<String, String> params = Map.of("async-lease", "0s");
        org.assertj.core.api.Assertions.assertThatThrownBy(
                () -> FilterSettings.read(params))
                .hasMessage("async-lease: asyncLease must be between 1s and 86400s, was 0s");
    }
}
