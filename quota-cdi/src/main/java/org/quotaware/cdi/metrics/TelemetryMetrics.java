package org.quotaware.cdi.metrics;

import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;

import org.quotaware.cdi.QuotaBeans;
import org.quotaware.cdi.QuotaExtension;
import org.quotaware.cdi.QuotaUsageView;
import org.quotaware.cdi.scaling.ScalingService;
import org.quotaware.store.FallbackQuotaStore;
import org.quotaware.spi.HostedQuotaManager;
import org.quotaware.telemetry.QuotaTelemetry;

/**
 * Publishes the figures of {@link QuotaMetrics} through OpenTelemetry metrics when the server offers MicroProfile
 * Telemetry (an injectable {@link OpenTelemetry}; MicroProfile 7 replaced MicroProfile Metrics by it): the same
 * decisions, denials, tasks, capacity and store mode, under the same names, beside MicroProfile Metrics where the server
 * has both. Where the server has no OpenTelemetry API at all, the container cannot load this class and skips the bean:
 * nothing else refers to it.
 */
@ApplicationScoped
public class TelemetryMetrics {

    public static final String STORE_MODE = QuotaMetrics.STORE_MODE;
    private static final AttributeKey<String> MODE = AttributeKey.stringKey("mode");
    private static final Logger LOG = Logger.getLogger(TelemetryMetrics.class.getName());

    @Inject
    Instance<OpenTelemetry> telemetry;

    @Inject
    QuotaBeans beans;

    @Inject
    QuotaExtension extension;

    @Inject
    QuotaUsageView usage;

    @Inject
    Instance<ScalingService> scaling;

    private volatile QuotaTelemetry published;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (!telemetry.isResolvable()) {
            LOG.fine("quotaware: no MicroProfile Telemetry in this container; no OpenTelemetry metrics");
            return;
        }
        HostedQuotaManager manager = beans.implementation();
        QuotaTelemetry t = QuotaTelemetry.publish(telemetry.get(), manager, usage::statistics, extension::quotaMethod);
        Attributes[] modes = new Attributes[QuotaMetrics.MODES.length];
        for (int i = 0; i < modes.length; i++) {
            modes[i] = Attributes.of(MODE, QuotaMetrics.MODES[i]);
        }
        t.gauge(STORE_MODE, "1 for the store mode this member decides in now, 0 for the others", "1", m -> {
            String now = usage.storeMode();
            for (int i = 0; i < modes.length; i++) {
                m.record(QuotaMetrics.MODES[i].equals(now) ? 1 : 0, modes[i]);
            }
        });
        t.counter(QuotaMetrics.STORE_TRANSITIONS, "Switches between the distributed store and its fallback since "
                + "start", "{transition}", m -> m.record(manager.store() instanceof FallbackQuotaStore f
                        ? f.transitions() : 0));
        if (scaling.isResolvable()) {
            ScalingService s = scaling.get();
            t.gauge(QuotaMetrics.DESIRED_CAPACITY, "Capacity in slots the scaler asks of the orchestrator", "{slot}",
                    m -> m.record(s.desiredCapacity()));
            t.gauge(QuotaMetrics.ACTUAL_CAPACITY, "Members present times slots per member", "{slot}",
                    m -> m.record(s.actualCapacity()));
            t.gauge(QuotaMetrics.PROTECTION_LEVEL, "Self-protection level: 0 sheds nothing, k sheds the k lowest "
                    + "tiers", "1", m -> m.record(s.protectionLevel()));
            t.gauge(QuotaMetrics.MEMBERS, "Cluster members this member sees", "{member}", m -> m.record(s.members()));
        }
        published = t;
        LOG.info("quotaware: quota metrics are published through OpenTelemetry (MicroProfile Telemetry) as well; "
                + "they are exported when the server's OpenTelemetry SDK is on (otel.sdk.disabled=false)");
    }

    @PreDestroy
    void stop() {
        QuotaTelemetry t = published;
        if (t != null) {
            t.close();
        }
    }
}
