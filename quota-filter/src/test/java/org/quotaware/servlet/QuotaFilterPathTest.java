package org.quotaware.servlet;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaManager;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** Every spelling of an upload path counts against the same file quota; excluded paths and GETs do not. */
class QuotaFilterPathTest {

    private static final String[] POST = {"Content-Type: text/csv"};
    private static final byte[] CSV = "a,b".getBytes();

    private QuotaManager manager;
    private JettyServer jetty;
    private RawHttp http;

    @BeforeEach
    void start() throws Exception {
        FilterSettings settings = FilterSettings.parse(Map.of("paths.files", "/api/pricelists",
                "paths.exclude", "/health", "default.files-per-hour", "4", "default.requests-per-minute", "100"));
        manager = DefaultQuotaManager.builder().tiers(settings.tiers()).clock(new MutableClock()).build();
        jetty = new JettyServer().filter(new QuotaFilter(manager, settings)).servlet("/*", new TestServlets.Ok()).start();
        http = new RawHttp(jetty.port());
    }

    @AfterEach
    void stop() throws Exception {
        jetty.close();
        manager.close();
    }

    private long files() {
        return manager.usage("ip:127.0.0.1").filesPerHour();
    }

    @Test
    void everySpellingOfTheUploadPathCountsAsAFile() throws Exception {
        for (String path : new String[] {"/app//api//pricelists/", "/app/API/PriceLists", "/app/api/pricelists;x=1",
                "/app/api/%70ricelists"}) {
            assertThat(http.send("POST", path, POST, CSV).status()).as(path).isEqualTo(200);
        }
        assertThat(files()).isEqualTo(4);

        RawHttp.Response denied = http.send("POST", "/app/api/./x/../pricelists", POST, CSV);

        assertThat(denied.status()).isEqualTo(429);
        assertThat(denied.body()).contains("\"limit\":\"files-hour\",\"max\":4,\"current\":4");
    }

    @Test
    void onlyFileMethodsCountAsFiles() throws Exception {
        http.get("/app/api/pricelists");

        assertThat(files()).isZero();
        assertThat(manager.usage("ip:127.0.0.1").requestsPerMinute()).isEqualTo(1);
    }

    @Test
    void excludedPathIsNotCountedInAnySpelling() throws Exception {
        RawHttp.Response r = http.get("/app/Health/");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.header("RateLimit")).isNull();
        assertThat(manager.usage("ip:127.0.0.1").requestsPerMinute()).isZero();
    }

    @Test
    void encodedSlashIsRejectedNotGuessed() throws Exception {
        RawHttp.Response r = http.send("POST", "/app/api%2Fpricelists", POST, CSV);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body()).contains("urn:quotaware:problem:bad-path");
    }
}
