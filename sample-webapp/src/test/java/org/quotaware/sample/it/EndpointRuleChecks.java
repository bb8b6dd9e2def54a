package org.quotaware.sample.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quotaware.sample.it.PriceListApiChecks.assertProblemJson;
import static org.quotaware.sample.it.PriceListApiChecks.json;
import static org.quotaware.sample.it.PriceListApiChecks.send;

import java.net.URI;
import java.net.URL;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The sample's rules per endpoint (microprofile-config.properties): in the {@code partner} tier
 * ({@code demo-partner-key}, pat, used by no other check) reads ({@code GET /api/pricelists/*}) and uploads
 * ({@code POST /api/pricelists}) have limits of their own, 20 reads a minute and at most 3 uploads a second, and
 * neither spends the other's. Mixed into the Payara test classes of {@link PriceListApiChecks}; the counts are exact.
 */
interface EndpointRuleChecks {

    String PARTNER_KEY = "demo-partner-key";
    String CSV = "sku,name,price,currency\nA1,Widget,10.00,EUR\nA2,Gadget,2.50,EUR\n";

    /** The application's root, ending in {@code /}. */
    URL base();

    @Test
    @Order(40)
    default void aPartnersUploadsAreAtMostThreeASecondAndItsReadsTwentyAMinuteEachApart() throws Exception {
        // four uploads at once: exactly three are admitted within the second, the fourth is refused by the burst limit
        List<HttpResponse<String>> burst = atOnce(4);
        List<HttpResponse<String>> created = burst.stream().filter(r -> r.statusCode() == 201).toList();
        List<HttpResponse<String>> refused = burst.stream().filter(r -> r.statusCode() != 201).toList();
        assertThat(created).as("uploads admitted of four at once").hasSize(3);
        assertThat(refused).hasSize(1);
        HttpResponse<String> tooFast = refused.get(0);
        assertThat(tooFast.statusCode()).as(tooFast.body()).isEqualTo(429);
        assertProblemJson(tooFast);
        assertThat(tooFast.body()).contains("\"tier\":\"partner\"",
                "\"violations\":[{\"limit\":\"uploads.per-second\",\"max\":3,\"current\":3,");
        assertThat(tooFast.headers().firstValue("Retry-After")).hasValueSatisfying(
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 2L));

        // within the same second: the uploads spent nothing of the reads, 20 a minute
        String id = json(created.get(0)).getString("id");
        for (int i = 1; i <= 20; i++) {
            assertThat(send(read(id)).statusCode()).as("read %d of 20", i).isEqualTo(200);
        }
        HttpResponse<String> noMoreReads = send(read(id));
        assertThat(noMoreReads.statusCode()).as(noMoreReads.body()).isEqualTo(429);
        assertProblemJson(noMoreReads);
        assertThat(noMoreReads.body()).contains("\"detail\":\"reads.requests: 20 of 20 used;",
                "\"violations\":[{\"limit\":\"reads.requests\",\"max\":20,\"current\":20,");

        // once the second has passed, uploads are admitted again: the reads spent nothing of theirs
        Thread.sleep(1_200);
        HttpResponse<String> again = send(upload());
        assertThat(again.statusCode()).as(again.body()).isEqualTo(201);
        assertThat(send(read(id)).statusCode()).as("still no read").isEqualTo(429);
    }

    /** {@code n} uploads sent together, their answers in any order. */
    private List<HttpResponse<String>> atOnce(int n) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<HttpResponse<String>>> sent = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Callable<HttpResponse<String>> one = () -> {
                    start.await();
                    return send(upload());
                };
                sent.add(pool.submit(one));
            }
            start.countDown();
            List<HttpResponse<String>> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : sent) {
                answers.add(f.get());
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private HttpRequest upload() {
        return HttpRequest.newBuilder(uri("api/pricelists")).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/csv").header("X-API-Key", PARTNER_KEY)
                .POST(HttpRequest.BodyPublishers.ofString(CSV, StandardCharsets.UTF_8)).build();
    }

    private HttpRequest read(String id) {
        return HttpRequest.newBuilder(uri("api/pricelists/" + id)).timeout(Duration.ofSeconds(30))
                .header("X-API-Key", PARTNER_KEY).GET().build();
    }

    private URI uri(String path) {
        return URI.create(base().toExternalForm()).resolve(path);
    }
}
