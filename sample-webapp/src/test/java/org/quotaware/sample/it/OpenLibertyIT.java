package org.quotaware.sample.it;

import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The sample WAR as built on a real Open Liberty (Web Profile 10 and MicroProfile 7.1's Config, Health, Metrics and
 * Telemetry; no Hazelcast, so the local store): {@link PriceListApiChecks}, then the figures through OpenTelemetry and
 * MicroProfile Metrics alike. Port 18098.
 */
class OpenLibertyIT extends TelemetryChecks {

    private static OtlpReceiver receiver;
    private static AppServer server;

    @BeforeAll
    static void start() throws Exception {
        receiver = new OtlpReceiver();
        Map<String, String> properties = new TreeMap<>(receiver.exporterProperties());
        // two cores, Maven and two JVMs: never shed the test's requests (self-protection is unit-tested)
        properties.put("quotaware.protection.enabled", "false");
        server = AppServer.openLiberty(Path.of(System.getProperty("sample.war")), 18098, properties);
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Override
    protected URL base() {
        return server.base();
    }

    @Override
    protected OtlpReceiver receiver() {
        return receiver;
    }

    @Override
    protected Optional<String> microProfileMetrics() {
        return Optional.of("http://127.0.0.1:18098/metrics?scope=application");
    }

    @Override
    protected String storeMode() {
        return "LOCAL";
    }
}
