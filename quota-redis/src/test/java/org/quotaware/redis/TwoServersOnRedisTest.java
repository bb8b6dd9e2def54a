package org.quotaware.redis;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.spi.HostedQuotaManager;
import org.quotaware.store.FallbackQuotaStore;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two servlet containers (embedded Jetty), each with the QuotaFilter configured by init-params alone and
 * {@code store=redis://...}: a Tomcat or Jetty cluster behind a load balancer. Requests spread over both at once
 * admit exactly the limit between them, with concurrency slots and a queue on. The clock is the wall's: in the
 * filter-only mode the store decides on Redis's clock, which a test cannot move; the test lasts seconds, far within
 * its minute window.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TwoServersOnRedisTest {

    private static RedisServer redis;

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start();
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @Test
    void requestsSpreadOverTwoServersAdmitExactlyTheLimitWithSlotsAndAQueue() throws Exception {
        Map<String, String> params = Map.of("store", redis.uri(), "store.timeout", "1s", "application", "two-servers",
                "default.requests-per-minute", "30", "default.max-concurrent-tasks", "3",
                "default.max-queue-size", "100", "default.max-queue-wait", "60s");
        FilterServer.mostRunning.set(0);
        try (FilterServer a = new FilterServer(params, 20); FilterServer b = new FilterServer(params, 20)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
            ExecutorService pool = Executors.newFixedThreadPool(16);
            try {
                List<Callable<HttpResponse<String>>> calls = new ArrayList<>();
                for (int i = 0; i < 80; i++) {
                    URI uri = URI.create((i % 2 == 0 ? a : b).url("/work"));
                    calls.add(() -> http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build(),
                            HttpResponse.BodyHandlers.ofString()));
                }
                int ok = 0;
                int limited = 0;
                String refusal = null;
                for (Future<HttpResponse<String>> f : pool.invokeAll(calls)) {
                    HttpResponse<String> r = f.get();
                    ok += r.statusCode() == 200 ? 1 : 0;
                    refusal = r.statusCode() == 200 ? refusal : r.body();
                    // refused for the rate, spent in full: every other request waited in the queue for its slot
                    limited += r.statusCode() == 429 && r.body().contains(
                            "\"violations\":[{\"limit\":\"rpm\",\"max\":30,\"current\":30,") ? 1 : 0;
                }
                assertThat(ok).as("admitted across both servers").isEqualTo(30);
                assertThat(limited).as("refused for the rate, none for want of a slot: %s", refusal).isEqualTo(50);
                assertThat(FilterServer.mostRunning.get()).as("requests running at once").isBetween(1, 3);
            } finally {
                pool.shutdownNow();
            }
            assertThat(a.filter().manager()).isInstanceOfSatisfying(HostedQuotaManager.class,
                    m -> assertThat(m.store()).isInstanceOf(FallbackQuotaStore.class));
            assertThat(a.filter().manager().usage("ip:127.0.0.1").requestsPerMinute()).isEqualTo(30);
        }
    }
}
