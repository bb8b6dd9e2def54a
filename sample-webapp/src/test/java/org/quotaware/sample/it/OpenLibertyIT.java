package org.quotaware.sample.it;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The sample WAR as built on a real Open Liberty (Web Profile 10 and MicroProfile 7.1's Config, Health, Metrics and
 * Telemetry; no Hazelcast, so the local store): {@link PriceListApiChecks}, then the figures through OpenTelemetry and
 * MicroProfile Metrics alike. Port 18098.
 */
class OpenLibertyIT extends LocalStoreServerChecks {

    @Override
    protected AppServer start(Path war, Map<String, String> properties) throws Exception {
        return AppServer.openLiberty(war, 18098, properties);
    }

    @Override
    protected Optional<String> microProfileMetrics() {
        return Optional.of("http://127.0.0.1:18098/metrics?scope=application");
    }
}
