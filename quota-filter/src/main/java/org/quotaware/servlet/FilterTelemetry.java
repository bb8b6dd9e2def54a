package org.quotaware.servlet;

import io.opentelemetry.api.GlobalOpenTelemetry;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.config.ConfigValues;
import org.quotaware.spi.HostedQuotaManager;
import org.quotaware.telemetry.QuotaTelemetry;

/**
 * The metrics of a filter with a manager of its own, through the application's {@code GlobalOpenTelemetry} (set by
 * the application before the filter starts, or by the OpenTelemetry Java agent). A class of its own, loaded only for
 * {@code metrics=opentelemetry}: nothing else in the filter needs the OpenTelemetry API.
 */
final class FilterTelemetry {

    private static final String API = "io.opentelemetry.api.GlobalOpenTelemetry";

    private FilterTelemetry() {
    }

    /**
     * Publishes {@code manager}'s figures; the answer stops the gauges when closed.
     *
     * @throws InvalidQuotaConfigException when the application has no OpenTelemetry API
     */
    static AutoCloseable publish(String key, HostedQuotaManager manager) {
        try {
            Class.forName(API, false, FilterTelemetry.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw ConfigValues.fail(key, "metrics", "opentelemetry", "off unless the application has the "
                    + "OpenTelemetry API (io.opentelemetry:opentelemetry-api) on its class path");
        }
        return QuotaTelemetry.publish(GlobalOpenTelemetry.get(), manager, manager::statistics, target -> false);
    }
}
