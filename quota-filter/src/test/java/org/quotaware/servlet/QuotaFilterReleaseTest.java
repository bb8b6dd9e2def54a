package org.quotaware.servlet;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaStatistics;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quotaware.servlet.TestServlets.await;

/** The concurrency slot comes back exactly once, however the request ends. */
class QuotaFilterReleaseTest {

    /** An Error a servlet might throw (think StackOverflowError), distinct from the JUnit ones. */
    static final class BrokenServletError extends Error {
        BrokenServletError() {
            super("deliberately thrown by a test servlet");
        }
    }

    private final CountDownLatch asyncMayComplete = new CountDownLatch(1);
    private final CountDownLatch clientGone = new CountDownLatch(1);
    private QuotaManager manager;
    private JettyServer jetty;
    private RawHttp http;

    @BeforeEach
    void start() throws Exception {
        manager = DefaultQuotaManager.builder().clock(new MutableClock()).build();
        jetty = new JettyServer().filter(new QuotaFilter(manager, FilterSettings.defaults()))
                .servlet("/runtime", servlet(() -> {
                    throw new IllegalStateException("deliberately thrown by a test servlet");
                }))
                .servlet("/error", servlet(() -> {
                    throw new BrokenServletError();
                }))
                .servlet("/async", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                        AsyncContext async = req.startAsync();
                        async.setTimeout(0);
                        CompletableFuture.runAsync(() -> {
                            try {
                                asyncMayComplete.await(10, TimeUnit.SECONDS);
                                async.getResponse().getWriter().write("done later");
                            } catch (InterruptedException | IOException e) {
                                throw new IllegalStateException(e);
                            } finally {
                                async.complete();
                            }
                        });
                    }
                })
                .servlet("/async-timeout", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                        req.startAsync().setTimeout(200); // and nobody completes it
                    }
                })
                .servlet("/slow", new HttpServlet() {
                    @Override
                    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                        try {
                            clientGone.await(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        byte[] chunk = new byte[64 * 1024];
                        for (int i = 0; i < 1_000; i++) { // until the write to the closed connection fails
                            resp.getOutputStream().write(chunk);
                            resp.flushBuffer();
                        }
                    }
                })
                .start();
        http = new RawHttp(jetty.port());
    }

    private static HttpServlet servlet(Runnable body) {
        return new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) {
                body.run();
            }
        };
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
        manager.close();
    }

    @Test
    void runtimeExceptionReleasesTheSlotAsFailed() throws Exception {
        assertThat(http.get("/app/runtime").status()).isEqualTo(500);

        assertReleasedOnce(0, 1);
    }

    @Test
    void errorReleasesTheSlotAsFailed() throws Exception {
        assertThat(http.get("/app/error").status()).isEqualTo(500);

        assertReleasedOnce(0, 1);
    }

    @Test
    void asyncRequestHoldsTheSlotUntilItCompletes() throws Exception {
        CompletableFuture<RawHttp.Response> response = CompletableFuture.supplyAsync(() -> {
            try {
                return http.get("/app/async");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        await(() -> manager.statistics().active() == 1);
        assertThat(manager.statistics().completed()).isZero();

        asyncMayComplete.countDown();

        assertThat(response.get(10, TimeUnit.SECONDS).body()).isEqualTo("done later");
        assertReleasedOnce(1, 0);
    }

    @Test
    void asyncTimeoutReleasesTheSlotOnce() throws Exception {
        assertThat(http.get("/app/async-timeout").status()).isEqualTo(500);

        assertReleasedOnce(0, 1);
    }

    @Test
    void clientThatDisconnectsReleasesTheSlot() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", jetty.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET /app/slow HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            await(() -> manager.statistics().active() == 1);
            socket.setSoLinger(true, 0); // a reset, as from a client that crashed
        }
        clientGone.countDown();

        assertReleasedOnce(0, 1);
    }

    private void assertReleasedOnce(long completed, long failed) throws InterruptedException {
        await(() -> manager.statistics().active() == 0);
        QuotaStatistics stats = manager.statistics();
        assertThat(stats.allowed()).isEqualTo(1);
        assertThat(stats.completed()).isEqualTo(completed);
        assertThat(stats.failed()).isEqualTo(failed);
        assertThat(manager.usage("ip:127.0.0.1").activeTasks()).isZero();
    }
}
