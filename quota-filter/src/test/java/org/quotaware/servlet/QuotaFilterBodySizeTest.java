package org.quotaware.servlet;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaManager;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quotaware.servlet.TestServlets.await;

/** An upload larger than max-file-size is refused with 413, whether its length is declared or not. */
class QuotaFilterBodySizeTest {

    private static final int LIMIT = 1024;

    private final TestServlets.BodyReader streamReader = new TestServlets.BodyReader(false);
    private final TestServlets.BodyReader charReader = new TestServlets.BodyReader(true);
    private QuotaManager manager;
    private JettyServer jetty;
    private RawHttp http;

    @BeforeEach
    void start() throws Exception {
        FilterSettings settings = FilterSettings.parse(Map.of("default.max-file-size", "1KB",
                "paths.files", "/upload/*"));
        manager = DefaultQuotaManager.builder().tiers(settings.tiers()).clock(new MutableClock()).build();
        jetty = new JettyServer().filter(new QuotaFilter(manager, settings))
                .servlet("/upload/stream", streamReader)
                .servlet("/upload/text", charReader)
                .servlet("/upload/framework", new TestServlets.FrameworkLike())
                .servlet("/upload/echo", new TestServlets.Echo())
                .start();
        http = new RawHttp(jetty.port());
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
        manager.close();
    }

    @Test
    void declaredLengthOverTheLimitIsRefusedBeforeTheBodyIsRead() throws Exception {
        // the head promises 20 MiB that never come: only an answer sent before reading can arrive
        RawHttp.Response r = http.sendHead("POST /app/upload/stream HTTP/1.1\r\nHost: localhost\r\n"
                + "Content-Length: 20971520\r\nContent-Type: application/octet-stream\r\n\r\n");

        assertThat(r.status()).isEqualTo(413);
        assertThat(streamReader.calls.get()).isZero();
        assertThat(r.header("Retry-After")).isNull();
        assertThat(r.body()).contains("\"type\":\"urn:quotaware:problem:payload-too-large\"", "\"status\":413",
                "\"retryAfter\":null",
                "\"violations\":[{\"limit\":\"file-size\",\"max\":1024,\"current\":20971520,\"retryAfter\":null}]");
        assertThat(manager.statistics().active()).isZero();
    }

    @Test
    void chunkedBodyOverTheLimitIsStoppedAtTheLimit() throws Exception {
        RawHttp.Response r = http.sendChunked("/app/upload/stream", 64, 512);

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.body()).contains("\"limit\":\"file-size\",\"max\":1024");
        assertThat(streamReader.calls.get()).isEqualTo(1);
        assertThat(streamReader.bytesSeen.get()).isLessThanOrEqualTo(LIMIT);
        await(() -> manager.statistics().active() == 0);
        assertThat(manager.statistics().failed()).isEqualTo(1);
    }

    @Test
    void chunkedBodyReadThroughTheReaderIsStoppedToo() throws Exception {
        RawHttp.Response r = http.sendChunked("/app/upload/text", 64, 512);

        assertThat(r.status()).isEqualTo(413);
        assertThat(charReader.bytesSeen.get()).isLessThanOrEqualTo(LIMIT);
    }

    @Test
    void theSizeErrorIsAnswered413EvenWhenTheApplicationAnsweredItWithA500() throws Exception {
        RawHttp.Response r = http.sendChunked("/app/upload/framework", 64, 512);

        assertThat(r.status()).isEqualTo(413);
        assertThat(r.header("Content-Type")).isEqualTo("application/problem+json;charset=utf-8");
        assertThat(r.header("RateLimit-Policy")).isEqualTo("\"rpm\";q=30;w=60, \"files-hour\";q=50;w=3600, "
                + "\"files-day\";q=200;w=86400, \"tasks\";q=3;qu=\"concurrent-requests\"");
        assertThat(r.body()).isEqualTo("{\"type\":\"urn:quotaware:problem:payload-too-large\",\"title\":"
                + "\"Payload too large\",\"status\":413,\"detail\":\"file-size: 1025 bytes exceeds the limit of 1024 "
                + "bytes; will not pass as it is\",\"instance\":\"/app/upload/framework\",\"tier\":\"default\","
                + "\"retryAfter\":null,\"violations\":[{\"limit\":\"file-size\",\"max\":1024,\"current\":1025,"
                + "\"retryAfter\":null}]}");
        await(() -> manager.statistics().active() == 0);
        assertThat(manager.statistics().failed()).isEqualTo(1);
    }

    @Test
    void aResponseAlreadyCommittedWhenTheLimitTripsIsAbortedNotCompleted() throws Exception {
        String raw = http.sendChunkedRaw("/app/upload/echo", 64, 512);

        // the status line and the first chunk went out before the body was too large; the connection is then cut
        // without the last chunk, so no client can take the truncated echo for a whole one
        assertThat(raw).startsWith("HTTP/1.1 200 ").contains("echo\n").doesNotEndWith("0\r\n\r\n");
        await(() -> manager.statistics().active() == 0);
        assertThat(manager.statistics().failed()).isEqualTo(1);
    }

    @Test
    void bodiesUpToTheLimitPass() throws Exception {
        RawHttp.Response chunked = http.sendChunked("/app/upload/stream", 2, 512);
        RawHttp.Response declared = http.send("POST", "/app/upload/stream", new String[0], new byte[LIMIT]);

        assertThat(chunked.status()).isEqualTo(200);
        assertThat(chunked.body()).isEqualTo("read 1024");
        assertThat(declared.status()).isEqualTo(200);
        assertThat(manager.usage("ip:127.0.0.1").filesPerHour()).isEqualTo(2);
    }
}
