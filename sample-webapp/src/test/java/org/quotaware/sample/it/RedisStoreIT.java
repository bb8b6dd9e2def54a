package org.quotaware.sample.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.testing.PayaraMicro;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * quota-redis under CDI on a real container: the sample WAR with quota-redis and Lettuce added to {@code WEB-INF/lib}
 * (what a user does), on two Payara Micro instances that share no Hazelcast cluster ({@code --nocluster}), with
 * {@code quotaware.store=redis://...} naming a real redis-server started here. The two instances admit exactly the
 * default tier's requests per minute between them, as one, under concurrent uploads, and every refusal is a 429
 * problem naming the limit.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES)
class RedisStoreIT {

    private static final int[] PORTS = {18087, 18088};
    private static final String CSV = "sku,name,price,currency\nA1,Apple,1.00,EUR\n";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    /** The sample's default tier: {@code quotaware.default.requests-per-minute=30}. */
    private static final int DEFAULT_REQUESTS_PER_MINUTE = 30;

    private static Process redis;
    private static Path work;
    private static final PayaraMicro[] members = new PayaraMicro[2];

    @BeforeAll
    static void start() throws Exception {
        work = Files.createDirectories(Path.of("target", "redis-it"));
        int redisPort = freePort();
        Path dir = Files.createTempDirectory("quotaware-redis-it");
        redis = new ProcessBuilder("redis-server", "--port", String.valueOf(redisPort), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no")
                .redirectErrorStream(true).redirectOutput(work.resolve("redis.log").toFile()).start();
        awaitPort(redisPort);
        Path war = warWithRedis(Path.of(System.getProperty("sample.war")));
        List<String> jvm = List.of("-Dquotaware.store=redis://127.0.0.1:" + redisPort,
                "-Dquotaware.protection.enabled=false");
        for (int i = 0; i < 2; i++) { // one after the other: on 2 cores two starting JVMs take longer than both
            members[i] = PayaraMicro.start("redis-" + (char) ('a' + i), PayaraMicro.jar(), war, work, jvm,
                    List.of("--port", String.valueOf(PORTS[i]), "--interfaces", "127.0.0.1", "--nocluster"));
            members[i].awaitReady(Duration.ofMinutes(3));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        for (int i = 0; i < 2; i++) {
            if (members[i] != null) {
                members[i].close();
            }
        }
        if (redis != null) {
            redis.destroy();
            redis.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void twoInstancesWithoutAClusterAdmitExactlyTheLimitBetweenThemThroughRedis() throws Exception {
        int sent = 40;
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<HttpResponse<String>>> answers = new ArrayList<>();
            for (int i = 0; i < sent; i++) {
                int port = PORTS[i % 2];
                Callable<HttpResponse<String>> upload = () -> send(port, "POST", "/api/pricelists", CSV);
                answers.add(pool.submit(upload));
            }
            int created = 0;
            int refused = 0;
            for (Future<HttpResponse<String>> f : answers) {
                HttpResponse<String> r = f.get(2, TimeUnit.MINUTES);
                if (r.statusCode() == 201) {
                    created++;
                } else {
                    assertThat(r.statusCode()).as(r.body()).isEqualTo(429);
                    assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                            t -> assertThat(t).startsWith("application/problem+json"));
                    assertThat(r.body()).contains("\"limit\":\"rpm\"");
                    refused++;
                }
            }
            assertThat(created).as("admitted by both instances together").isEqualTo(DEFAULT_REQUESTS_PER_MINUTE);
            assertThat(refused).isEqualTo(sent - DEFAULT_REQUESTS_PER_MINUTE);
        } finally {
            pool.shutdownNow();
        }
        for (PayaraMicro m : members) {
            assertThat(m.log()).as("each instance decided on Redis, never in its fallback")
                    .doesNotContain("continue locally").doesNotContain("SEVERE");
        }
    }

    /** A copy of the WAR with quota-redis and Lettuce (with Netty and Reactor) in WEB-INF/lib. */
    private static Path warWithRedis(Path war) throws IOException {
        Path copy = work.resolve("sample-with-redis.war");
        Files.copy(war, copy, StandardCopyOption.REPLACE_EXISTING);
        List<String> added = new ArrayList<>();
        try (FileSystem zip = FileSystems.newFileSystem(copy)) {
            for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
                Path jar = Path.of(entry);
                String name = jar.getFileName().toString();
                if (name.endsWith(".jar") && (name.startsWith("quota-redis-") || name.startsWith("lettuce-core-")
                        || name.startsWith("netty-") || name.startsWith("reactor-core-")
                        || name.startsWith("reactive-streams-"))) {
                    Files.copy(jar, zip.getPath("WEB-INF", "lib", name), StandardCopyOption.REPLACE_EXISTING);
                    added.add(name);
                }
            }
        }
        assertThat(added).as("the jars added to the WAR").anyMatch(n -> n.startsWith("quota-redis-"))
                .anyMatch(n -> n.startsWith("lettuce-core-"));
        return copy;
    }

    private static HttpResponse<String> send(int port, String method, String path, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/csv").header("X-API-Key", "demo-default-key")
                .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        return HTTP.send(r, HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void awaitPort(int port) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                assertThat(System.nanoTime()).as("redis-server listening on " + port).isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }
}
