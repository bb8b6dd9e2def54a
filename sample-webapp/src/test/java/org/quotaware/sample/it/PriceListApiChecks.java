package org.quotaware.sample.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;

import jakarta.json.Json;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonReader;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The WAR Maven built, as is, on a real server: the price list API behind the quota filter configured in its web.xml
 * and {@code @Quota}. Each subclass starts one server for all checks (each start costs 15 to 30 s): Payara Micro 6 and
 * 7 through Arquillian ({@link PriceListApiIT}), Open Liberty and WildFly ({@link TelemetryChecks}). Each identity is used by one concern only, so the
 * counts are exact: anonymous (no key) for the API itself, alice (default tier) for size and rate, bob (premium) for
 * the doubled rate. Denied requests are not counted by the filter, so the 413 does not spend alice's minute.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(120)
abstract class PriceListApiChecks {

    static final String DEFAULT_KEY = "demo-default-key";
    private static final String PREMIUM_KEY = "demo-premium-key";
    private static final String CSV = """
            sku,name,price,currency,stock\r
            A1,"Widget, large",10.00,EUR,3\r
            A2,"Gadget ""mini""\",2.50,EUR,1\r
            A1,Widget again,12.00,EUR,0\r
            B1,Bolt,abc,USD,9\r
            B2,Nut,1.25,USD\r
            """;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** The application's root, ending in {@code /}. */
    public abstract URL base();

    @Test
    @Order(1)
    void analysesAnUploadAndReturnsItAgain() throws Exception {
        HttpResponse<String> created = send(upload(CSV, null));

        assertThat(created.statusCode()).isEqualTo(201);
        // the filter counted the request, @Quota the file: the headers show both (anonymous: 5 files an hour)
        assertThat(created.headers().firstValue("RateLimit")).hasValueSatisfying(
                v -> assertThat(v).contains("\"files-hour\";r=4;"));
        assertThat(created.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/json"));
        JsonObject analysis = json(created);
        assertThat(analysis.getInt("rowCount")).isEqualTo(5);
        assertThat(analysis.getInt("validRowCount")).isEqualTo(3);
        assertThat(analysis.getJsonArray("invalidRows")).extracting(
                row -> row.asJsonObject().getInt("line"),
                row -> row.asJsonObject().getJsonArray("issues").getJsonObject(0).getString("code"))
                .containsExactly(tuple(5, "BAD_PRICE"), tuple(6, "WRONG_FIELD_COUNT"));
        JsonObject duplicate = analysis.getJsonArray("duplicates").getJsonObject(0);
        assertThat(duplicate.getString("sku")).isEqualTo("A1");
        assertThat(duplicate.getJsonArray("lines")).extracting(line -> ((JsonNumber) line).intValue())
                .containsExactly(2, 4);
        JsonObject eur = analysis.getJsonObject("currencies").getJsonObject("EUR");
        assertThat(eur.getInt("count")).isEqualTo(3);
        assertThat(eur.getJsonNumber("min").bigDecimalValue()).isEqualByComparingTo("2.50");
        assertThat(eur.getJsonNumber("max").bigDecimalValue()).isEqualByComparingTo("12.00");
        assertThat(eur.getJsonNumber("mean").bigDecimalValue()).isEqualByComparingTo("8.17");
        assertThat(eur.getJsonNumber("median").bigDecimalValue()).isEqualByComparingTo("10.00");
        assertThat(analysis.getJsonObject("currencies")).containsOnlyKeys("EUR");
        String id = analysis.getString("id");
        assertThat(created.headers().firstValue("Location")).hasValueSatisfying(
                location -> assertThat(location).endsWith("/api/pricelists/" + id));

        HttpResponse<String> fetched = send(get("api/pricelists/" + id));

        assertThat(fetched.statusCode()).isEqualTo(200);
        assertThat(json(fetched)).isEqualTo(analysis);
    }

    @Test
    @Order(2)
    void unknownIdIsProblem404() throws Exception {
        HttpResponse<String> response = send(get("api/pricelists/no-such-id"));

        assertThat(response.statusCode()).isEqualTo(404);
        assertProblemJson(response);
    }

    @Test
    @Order(3)
    void malformedCsvIsProblem400WithItsLine() throws Exception {
        HttpResponse<String> response = send(upload("sku,name,price,currency\nA1,ok,1.00,EUR\nA2,\"never closed,2,EUR\n",
                null));

        assertThat(response.statusCode()).isEqualTo(400);
        assertProblemJson(response);
        JsonObject problem = json(response);
        assertThat(problem.getInt("status")).isEqualTo(400);
        assertThat(problem.getString("detail")).contains("unterminated quote");
        assertThat(problem.getJsonArray("lines")).extracting(line -> ((JsonNumber) line).intValue()).containsExactly(3);
    }

    @Test
    @Order(4)
    void aBodyThatIsNotCsvIsProblem415() throws Exception {
        HttpResponse<String> response = send(HttpRequest.newBuilder(uri("api/pricelists"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());

        assertThat(response.statusCode()).isEqualTo(415);
        assertProblemJson(response);
    }

    @Test
    @Order(5)
    void tenMegabytesOfOneLetterRowsAreCountedWithABoundedAnswer() throws Exception {
        // the upload that exhausted a 1 GB heap: 5.2 million invalid rows; here on -Xmx384m
        byte[] header = "sku,name,price,currency\n".getBytes(StandardCharsets.UTF_8);
        byte[] body = new byte[10 * 1024 * 1024];
        for (int i = header.length; i < body.length; i += 2) {
            body[i] = 'a';
            body[i + 1] = '\n';
        }
        System.arraycopy(header, 0, body, 0, header.length);

        HttpResponse<String> created = send(HttpRequest.newBuilder(uri("api/pricelists"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/csv")
                .header("X-API-Key", DEFAULT_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());

        assertThat(created.statusCode()).isEqualTo(201);
        assertThat(created.body().length()).isLessThan(64 * 1024);
        JsonObject analysis = json(created);
        int rows = (body.length - header.length) / 2;
        assertThat(analysis.getInt("rowCount")).isEqualTo(rows);
        assertThat(analysis.getInt("invalidRowCount")).isEqualTo(rows);
        assertThat(analysis.getInt("validRowCount")).isZero();
        assertThat(analysis.getJsonArray("invalidRows")).hasSize(100);
        assertThat(analysis.getJsonArray("invalidRows").getJsonObject(99).getInt("line")).isEqualTo(101);
        assertThat(analysis.getInt("duplicateSkuCount")).isZero();
    }

    @Test
    @Order(6)
    void elevenMegabytesIsTooLargeForTheDefaultTier() throws Exception {
        byte[] big = new byte[11 * 1024 * 1024];
        Arrays.fill(big, (byte) 'x');
        byte[] header = "sku,name,price,currency\n".getBytes(StandardCharsets.UTF_8);
        System.arraycopy(header, 0, big, 0, header.length);

        // A fresh connection: on a reused keep-alive connection the JDK client reads no response before it has sent
        // the whole body, while the server stops reading once it answered 413; that stalls until Grizzly's 30 s idle
        // timeout and ends in "EOF reached while reading". curl, and the JDK client on a new connection, read the
        // early 413 at once.
        HttpClient fresh = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> response = fresh.send(HttpRequest.newBuilder(uri("api/pricelists"))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/csv")
                .header("X-API-Key", DEFAULT_KEY)
                .POST(HttpRequest.BodyPublishers.ofByteArray(big))
                .build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

        assertThat(response.statusCode()).isEqualTo(413);
        assertProblemJson(response);
        assertThat(response.body()).contains("\"status\":413", "file-size");
    }

    @Test
    @Order(7)
    void aChunkedBodyOverTheAnonymousMegabyteIsProblem413AndFreesTheSlot() throws Exception {
        // no Content-Length: the filter learns the size only while the resource streams the body
        String[] answer = sendChunked("api/pricelists", 1024 * 1024 + 8 * 1024);

        assertThat(answer[0]).startsWith("HTTP/1.1 413 ");
        assertThat(answer[1]).containsIgnoringCase("\r\ncontent-type: application/problem+json")
                .containsIgnoringCase("\r\nratelimit-policy: ").containsIgnoringCase("\r\nratelimit: ");
        assertThat(answer[2]).isEqualTo("{\"type\":\"urn:quotaware:problem:payload-too-large\",\"title\":"
                + "\"Payload too large\",\"status\":413,\"detail\":\"file-size: 1048577 bytes exceeds the limit of "
                + "1048576 bytes; will not pass as it is\",\"instance\":\"" + base().getPath()
                + "api/pricelists\",\"tier\":\"anonymous\","
                + "\"retryAfter\":null,\"violations\":[{\"limit\":\"file-size\",\"max\":1048576,\"current\":1048577,\"retryAfter\":null}]}");
        // anonymous callers have one slot: the next upload is admitted only if the 413 gave it back
        assertThat(send(upload(CSV, null)).statusCode()).isEqualTo(201);
        HttpResponse<String> mine = send(get("api/quota/me"));
        assertThat(json(mine).getInt("activeTasks")).as("only the GET itself holds a slot").isEqualTo(1);
    }

    @Test
    @Order(18)
    void the31stUploadInAMinuteWithTheDefaultKeyIs429() throws Exception {
        // the uploads of the checks before (the 10 MB one, and those a server's own checks add) are counted already,
        // the 413 is not: what is left of the minute is what this upload's RateLimit header says
        HttpResponse<String> first = send(upload(CSV, DEFAULT_KEY));
        assertThat(first.statusCode()).isEqualTo(201);
        String header = first.headers().firstValue("RateLimit").orElseThrow();
        java.util.regex.Matcher rpm = java.util.regex.Pattern.compile("\"rpm\";r=(\\d+)").matcher(header);
        assertThat(rpm.find()).as(header).isTrue();
        int left = Integer.parseInt(rpm.group(1));
        assertThat(left).as("uploads left in the minute").isBetween(1, 28);
        for (int i = 1; i <= left; i++) {
            assertThat(send(upload(CSV, DEFAULT_KEY)).statusCode()).as("upload %d of the %d left", i, left)
                    .isEqualTo(201);
        }

        HttpResponse<String> denied = send(upload(CSV, DEFAULT_KEY));

        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.headers().firstValue("Retry-After")).hasValueSatisfying(
                // the minute window is 12 buckets of 5 s: a request counts for one window plus at most one bucket
                seconds -> assertThat(Long.parseLong(seconds)).isBetween(1L, 65L));
        assertThat(denied.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
                policy -> assertThat(policy).contains("\"rpm\";q=30;w=60"));
        assertThat(denied.headers().firstValue("RateLimit")).hasValueSatisfying(
                state -> assertThat(state).contains("\"rpm\";r=0"));
        assertProblemJson(denied);
        assertThat(denied.body()).contains("\"status\":429", "\"limit\":\"rpm\"");
    }

    @Test
    @Order(19)
    void thePremiumKeyGetsTwiceAsMany() throws Exception {
        for (int i = 1; i <= 60; i++) {
            assertThat(send(upload(CSV, PREMIUM_KEY)).statusCode()).as("upload %d", i).isEqualTo(201);
        }

        HttpResponse<String> denied = send(upload(CSV, PREMIUM_KEY));

        assertThat(denied.statusCode()).isEqualTo(429);
        assertThat(denied.headers().firstValue("RateLimit-Policy")).hasValueSatisfying(
                policy -> assertThat(policy).contains("\"rpm\";q=60;w=60"));
    }

    @Test
    @Order(20)
    void theDashboardIsServedAndItsDataNeedsTheDemoAdminKey() throws Exception {
        // the sample turns the admin API on with the demo key the README prints (DashboardIT drives the page itself)
        assertThat(send(get("api/quota/admin/dashboard")).statusCode()).isEqualTo(200);
        assertThat(send(get("api/quota/admin/dashboard/app.js")).statusCode()).isEqualTo(200);
        HttpResponse<String> anonymous = send(get("api/quota/admin/dashboard/data"));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertProblemJson(anonymous);
        HttpResponse<String> data = send(HttpRequest.newBuilder(uri("api/quota/admin/dashboard/data"))
                .timeout(Duration.ofSeconds(30)).header("X-Admin-Key", "demo-admin-key-for-local-use-only").build());
        assertThat(data.statusCode()).isEqualTo(200);
        assertThat(json(data).getJsonObject("statistics")).as(data.body()).isNotNull();
    }

    HttpRequest upload(String csv, String apiKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri("api/pricelists"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "text/csv")
                .POST(HttpRequest.BodyPublishers.ofString(csv, StandardCharsets.UTF_8));
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        return request.build();
    }

    /**
     * POSTs {@code size} bytes of CSV as a chunked body over a plain socket (the JDK client cannot be told to keep
     * reading when the server stops reading early), anonymously, and returns the status line, the head and the
     * de-chunked body. Writing stops when the server closes; its answer is read all the same.
     */
    private String[] sendChunked(String path, int size) throws IOException {
        URI target = uri(path);
        try (Socket socket = new Socket(target.getHost(), target.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + target.getRawPath() + " HTTP/1.1\r\nHost: " + target.getHost() + "\r\n"
                    + "Content-Type: text/csv\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            // a price list's header, then one-letter rows: the analyzer reads on until the body trips the limit
            byte[] chunk = new byte[8 * 1024];
            for (int i = 0; i < chunk.length; i += 2) {
                chunk[i] = 'a';
                chunk[i + 1] = '\n';
            }
            byte[] first = chunk.clone();
            byte[] header = "sku,name,price,currency\n".getBytes(StandardCharsets.ISO_8859_1);
            System.arraycopy(header, 0, first, 0, header.length);
            try {
                for (int sent = 0; sent < size; sent += chunk.length) {
                    out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                    out.write(sent == 0 ? first : chunk);
                    out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            } catch (SocketException answeredEarly) {
                // the server answered and closed before the whole body was sent: read that answer
            }
            String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int end = text.indexOf("\r\n\r\n");
            String head = text.substring(0, end + 2);
            String body = text.substring(end + 4);
            return new String[] {head.substring(0, head.indexOf("\r\n")), head,
                    head.toLowerCase(Locale.ROOT).contains("\r\ntransfer-encoding: chunked") ? dechunk(body) : body};
        }
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int pos = 0;
        while (true) {
            int eol = body.indexOf("\r\n", pos);
            int size = Integer.parseInt(body.substring(pos, eol).split(";")[0].trim(), 16);
            if (size == 0) {
                return out.toString();
            }
            out.append(body, eol + 2, eol + 2 + size);
            pos = eol + 2 + size + 2;
        }
    }

    HttpRequest get(String path) {
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build();
    }

    URI uri(String path) {
        return URI.create(base().toExternalForm()).resolve(path);
    }

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    static void assertProblemJson(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
    }

    static JsonObject json(HttpResponse<String> response) {
        try (JsonReader reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }
}
