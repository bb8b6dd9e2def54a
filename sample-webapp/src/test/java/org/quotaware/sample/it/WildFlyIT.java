package org.quotaware.sample.it;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The sample WAR as built on a real WildFly (its {@code standalone-microprofile.xml}: MicroProfile Config, Health and
 * Telemetry; no MicroProfile Metrics, which WildFly no longer ships, and no Hazelcast, so the local store):
 * {@link PriceListApiChecks}, then the figures through OpenTelemetry. Every port moved by 10020 (HTTP 18100,
 * management 20010).
 */
class WildFlyIT extends LocalStoreServerChecks {

    @Override
    protected AppServer start(Path war, Map<String, String> properties) throws Exception {
        return AppServer.wildFly(war, 10020, properties);
    }

    @Override
    protected Optional<String> microProfileMetrics() {
        return Optional.empty();
    }
}
