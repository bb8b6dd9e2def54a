package org.quotaware.telemetry;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.api.metrics.ObservableLongMeasurement;

import org.quotaware.QuotaStatistics;
import org.quotaware.spi.HostedQuotaManager;

/**
 * Publishes a quota manager's figures as OpenTelemetry metrics, under the instrumentation scope {@value #SCOPE} and
 * the same names as the MicroProfile Metrics of quota-cdi ({@code docs/operations.md}): the decisions and denials as
 * counters, their duration as a histogram (seconds), the tasks and tracked users as gauges. quota-cdi adds the
 * capacity, protection and store mode gauges through {@link #gauge}.
 * <p>
 * Only this package needs the OpenTelemetry API, which the application or the server provides (quota-cdi takes it
 * from MicroProfile Telemetry, a filter with {@code metrics=opentelemetry} from {@code GlobalOpenTelemetry}); nothing
 * else in the library loads it. The gauges of the statistics are read once per collection, in one batch callback,
 * never on the request path. {@link #close} removes the callbacks (on undeploy); counters stay with their meter, as
 * OpenTelemetry has no way to remove them.
 */
public final class QuotaTelemetry implements AutoCloseable {

    /** The instrumentation scope of every instrument. */
    public static final String SCOPE = "org.quotaware";

    public static final String ACTIVE = "quotaware.tasks.active";
    public static final String QUEUED = "quotaware.tasks.queued";
    public static final String BLOCKED = "quotaware.tasks.queued.blocked";
    public static final String TRACKED_USERS = "quotaware.users.tracked";
    public static final String OVERFLOWED = "quotaware.users.overflowed";

    private static final Logger LOG = Logger.getLogger(QuotaTelemetry.class.getName());

    private final Meter meter;
    private final List<AutoCloseable> callbacks = new CopyOnWriteArrayList<>();

    private QuotaTelemetry(Meter meter) {
        this.meter = meter;
    }

    /**
     * Starts publishing: attaches a decision listener to {@code manager} and registers the statistics' gauges.
     *
     * @param telemetry   where to publish (a no-op one publishes nothing, at no cost worth measuring)
     * @param manager     the manager whose decisions are counted
     * @param statistics  its statistics, read once per collection
     * @param quotaMethod whether a request's target is a {@code @Quota} method (then it becomes the {@code method}
     *                    attribute; any other target, chosen by the caller, never does)
     */
    public static QuotaTelemetry publish(OpenTelemetry telemetry, HostedQuotaManager manager,
                                         Supplier<QuotaStatistics> statistics, Predicate<String> quotaMethod) {
        QuotaTelemetry t = new QuotaTelemetry(telemetry.getMeterProvider().meterBuilder(SCOPE).build());
        manager.listen(new TelemetryDecisions(t.meter, quotaMethod));
        t.statistics(statistics);
        return t;
    }

    private void statistics(Supplier<QuotaStatistics> statistics) {
        ObservableLongMeasurement active = meter.gaugeBuilder(ACTIVE).ofLongs().setUnit("{task}")
                .setDescription("Concurrency slots held on this member").buildObserver();
        ObservableLongMeasurement queued = meter.gaugeBuilder(QUEUED).ofLongs().setUnit("{request}")
                .setDescription("Requests waiting for a slot on this member, parked or blocked").buildObserver();
        ObservableLongMeasurement blocked = meter.gaugeBuilder(BLOCKED).ofLongs().setUnit("{request}")
                .setDescription("Of the waiting requests, those waiting on a blocked thread").buildObserver();
        ObservableLongMeasurement tracked = meter.gaugeBuilder(TRACKED_USERS).ofLongs().setUnit("{user}")
                .setDescription("Users the store holds state for").buildObserver();
        ObservableLongMeasurement overflowed = meter.counterBuilder(OVERFLOWED).setUnit("{decision}")
                .setDescription("Acquisitions since start decided on a tier's overflow quota (new anonymous callers "
                        + "at the tracked-user cap)").buildObserver();
        callbacks.add(meter.batchCallback(() -> {
            QuotaStatistics s;
            try {
                s = statistics.get();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "quotaware: the statistics cannot be read; no sample this time", e);
                return;
            }
            active.record(s.active());
            queued.record(s.queued());
            blocked.record(s.blocked());
            tracked.record(s.trackedUsers());
            overflowed.record(s.overflowed());
        }, active, queued, blocked, tracked, overflowed));
    }

    /**
     * Adds a gauge read at each collection; {@code callback} records one value per attribute set. A callback that
     * throws records nothing that time.
     */
    public void gauge(String name, String description, String unit, Consumer<ObservableLongMeasurement> callback) {
        callbacks.add(meter.gaugeBuilder(name).ofLongs().setDescription(description).setUnit(unit)
                .buildWithCallback(safe(name, callback)));
    }

    /** Adds a monotonic count read at each collection (a total since start kept elsewhere). */
    public void counter(String name, String description, String unit, Consumer<ObservableLongMeasurement> callback) {
        callbacks.add(meter.counterBuilder(name).setDescription(description).setUnit(unit)
                .buildWithCallback(safe(name, callback)));
    }

    private static Consumer<ObservableLongMeasurement> safe(String name, Consumer<ObservableLongMeasurement> callback) {
        return m -> {
            try {
                callback.accept(m);
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "quotaware: metric " + name + " cannot be read; no sample this time", e);
            }
        };
    }

    /** Removes every callback: the gauges stop reporting. */
    @Override
    public void close() {
        for (AutoCloseable c : callbacks) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.FINE, "quotaware: closing a metric callback failed", e);
            }
        }
        callbacks.clear();
    }
}
