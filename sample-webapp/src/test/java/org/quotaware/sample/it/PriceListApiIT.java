package org.quotaware.sample.it;

import java.io.File;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.StringAsset;
import org.jboss.shrinkwrap.api.spec.JavaArchive;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@link PriceListApiChecks}, {@link TenantTokenChecks}, {@link CpuBudgetChecks} and {@link EndpointRuleChecks} on
 * Payara Micro through
 * Arquillian: the failsafe execution names the Payara Micro jar (6 on JDK 17; 7 on a JDK 21 or newer).
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class PriceListApiIT extends PriceListApiChecks implements TenantTokenChecks, CpuBudgetChecks,
        EndpointRuleChecks {

    @ArquillianResource
    private URL url;

    @Deployment(testable = false)
    static WebArchive sampleWar() {
        // the WAR as built, and this run's public key in a configuration file of its own, as a deployment adds it
        return ShrinkWrap.createFromZipFile(WebArchive.class,
                new File(System.getProperty("sample.war", "target/sample-webapp.war")))
                .addAsLibrary(ShrinkWrap.create(JavaArchive.class, "test-token-key.jar").addAsManifestResource(
                        new StringAsset("mp.jwt.verify.publickey=" + SignedTokens.publicKey() + "\n"),
                        "microprofile-config.properties"));
    }

    @Override
    public URL base() {
        return url;
    }

    // The analyzer's bounds on uploaded data (issue 20), checked on Payara Micro 6: the analyzer is the same on every
    // server, and ten-megabyte bodies take time a run on each would spend for nothing.

    @Test
    @Order(11)
    void aPriceOfSixtyThousandDecimalsIsAnInvalidRowAndTheAnswerStaysSmall() throws Exception {
        // 120 KB: on the analyzer that kept any price, every sum after the first row carried 60 000 decimals, and
        // min, max, mean and median were echoed with all of them
        StringBuilder csv = new StringBuilder("sku,name,price,currency\nA1,a,1." + "5".repeat(60_000)
                + ",EUR\nA2,b," + "9".repeat(60_000) + ",EUR\n");
        for (int i = 0; i < 200; i++) {
            csv.append("B").append(i).append(",c,").append(i % 2 + 1).append(".00,EUR\n");
        }

        HttpResponse<String> created = send(upload(csv.toString(), DEFAULT_KEY));

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body().length()).isLessThan(16 * 1024);
        JsonObject analysis = json(created);
        assertThat(analysis.getJsonArray("invalidRows")).extracting(
                row -> row.asJsonObject().getInt("line"),
                row -> row.asJsonObject().getJsonArray("issues").getJsonObject(0).getString("code"))
                .containsExactly(tuple(2, "PRICE_OUT_OF_RANGE"), tuple(3, "PRICE_OUT_OF_RANGE"));
        JsonObject eur = analysis.getJsonObject("currencies").getJsonObject("EUR");
        assertThat(eur.getInt("count")).isEqualTo(200);
        assertThat(eur.getJsonNumber("mean").bigDecimalValue()).isEqualByComparingTo("1.50");
        assertThat(eur.getJsonNumber("max").toString()).isEqualTo("2.00");
    }

    @Test
    @Order(12)
    void aBodyOfCommasAloneIsRefusedAtOnceWithItsLine() throws Exception {
        byte[] commas = new byte[10 * 1024 * 1024];
        Arrays.fill(commas, (byte) ',');

        HttpResponse<String> refused = sendFresh(commas, DEFAULT_KEY);

        assertThat(refused.statusCode()).isEqualTo(400);
        assertProblemJson(refused);
        JsonObject problem = json(refused);
        assertThat(problem.getString("detail")).isEqualTo("line 1: the header has more than 1024 fields");
        assertThat(problem.getJsonArray("lines")).extracting(line -> ((JsonNumber) line).intValue()).containsExactly(1);
    }

    @Test
    @Order(13)
    void aRowOfTenMillionFieldsIsOneInvalidRowCountedInFull() throws Exception {
        byte[] body = tenMegabytes("sku,name,price,currency\nA1,", (byte) ',', "");

        HttpResponse<String> created = sendFresh(body, DEFAULT_KEY);

        assertThat(created.statusCode()).isEqualTo(201);
        JsonObject row = json(created).getJsonArray("invalidRows").getJsonObject(0);
        assertThat(row.getString("sku")).isEqualTo("A1");
        assertThat(row.getJsonArray("issues").getJsonObject(0).getString("detail"))
                .isEqualTo("expected 4 fields as in the header, found " + (body.length - 27 + 2));
    }

    @Test
    @Order(14)
    void aFieldOfTenMegabytesMakesItsRowInvalid() throws Exception {
        byte[] body = tenMegabytes("sku,name,price,currency\nA1,", (byte) 'x', ",1.00,EUR\n");

        HttpResponse<String> created = sendFresh(body, DEFAULT_KEY);

        assertThat(created.statusCode()).isEqualTo(201);
        JsonObject analysis = json(created);
        assertThat(analysis.getInt("validRowCount")).isZero();
        assertThat(analysis.getJsonArray("invalidRows").getJsonObject(0).getJsonArray("issues").getJsonObject(0)
                .getString("code")).isEqualTo("FIELD_TOO_LONG");
    }

    /** 10 MiB, the default tier's largest file: {@code head}, then {@code fill}, then {@code tail}. */
    private static byte[] tenMegabytes(String head, byte fill, String tail) {
        byte[] body = new byte[10 * 1024 * 1024];
        Arrays.fill(body, fill);
        byte[] h = head.getBytes(StandardCharsets.UTF_8);
        byte[] t = tail.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(h, 0, body, 0, h.length);
        System.arraycopy(t, 0, body, body.length - t.length, t.length);
        return body;
    }

    /** A large upload on a connection of its own: the server may answer before it read the whole body. */
    private HttpResponse<String> sendFresh(byte[] body, String apiKey) throws Exception {
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return fresh.send(HttpRequest.newBuilder(uri("api/pricelists")).timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/csv").header("X-API-Key", apiKey)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }
}

