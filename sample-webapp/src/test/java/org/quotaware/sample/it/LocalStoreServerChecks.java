package org.quotaware.sample.it;

import java.net.URL;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The sample WAR as built on a server without Hazelcast (so the local store), started once for every check of the
 * class and pointed at an {@link OtlpReceiver}: {@link PriceListApiChecks}, then the figures through OpenTelemetry.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LocalStoreServerChecks extends TelemetryChecks {

    private OtlpReceiver receiver;
    private AppServer server;

    /** Starts the server on the sample WAR with these system properties. */
    protected abstract AppServer start(Path war, Map<String, String> properties) throws Exception;

    @BeforeAll
    void startServer() throws Exception {
        receiver = new OtlpReceiver();
        Map<String, String> properties = new TreeMap<>(receiver.exporterProperties());
        // two cores, Maven and two JVMs: never shed the test's requests (self-protection is unit-tested)
        properties.put("quotaware.protection.enabled", "false");
        server = start(Path.of(System.getProperty("sample.war")), properties);
    }

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Override
    public URL base() {
        return server.base();
    }

    @Override
    protected OtlpReceiver receiver() {
        return receiver;
    }

    @Override
    protected String storeMode() {
        return "LOCAL";
    }
}
