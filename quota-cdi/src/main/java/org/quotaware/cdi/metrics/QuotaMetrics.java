package org.quotaware.cdi.metrics;

import java.time.Duration;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.eclipse.microprofile.metrics.Timer;
import org.quotaware.QuotaStatistics;
import org.quotaware.cdi.QuotaBeans;
import org.quotaware.cdi.QuotaExtension;
import org.quotaware.cdi.QuotaUsageView;
import org.quotaware.cdi.scaling.ScalingService;
import org.quotaware.store.FallbackQuotaStore;
import org.quotaware.store.StoreMode;
import org.quotaware.spi.HostedQuotaManager;

/**
 * Registers the application's quota metrics in the MicroProfile application registry when the application starts
 * (Payara Micro serves them at {@code /metrics?scope=application}) and attaches {@link DecisionMetrics} to the manager.
 * Every metric is listed in {@code docs/operations.md}.
 * <p>
 * Gauges read their value when scraped, from objects that answer without blocking (statistics counters at most a second
 * old, so a scrape costs the store one tracked-user count a second at most; volatile fields of the scaling service). A
 * gauge that fails reports -1 rather than failing the whole scrape.
 */
@ApplicationScoped
public class QuotaMetrics {

    public static final String ACTIVE = "quotaware.tasks.active";
    public static final String QUEUED = "quotaware.tasks.queued";
    /** Of the queued requests, those waiting on a blocked thread (they could not wait asynchronously). */
    public static final String BLOCKED = "quotaware.tasks.queued.blocked";
    public static final String TRACKED_USERS = "quotaware.users.tracked";
    /** Acquisitions decided on an overflow since start (see {@code QuotaStatistics#overflowed}); a count of decisions. */
    public static final String OVERFLOWED = "quotaware.users.overflowed";
    public static final String DESIRED_CAPACITY = "quotaware.capacity.desired";
    public static final String ACTUAL_CAPACITY = "quotaware.capacity.actual";
    public static final String PROTECTION_LEVEL = "quotaware.protection.level";
    public static final String MEMBERS = "quotaware.cluster.members";
    public static final String STORE_MODE = "quotaware.store.mode";
    public static final String STORE_TRANSITIONS = "quotaware.store.transitions";
    /** The values of the {@code mode} tag of {@value #STORE_MODE}: exactly one of them is 1 at any time. */
    static final String[] MODES = {"LOCAL", StoreMode.DISTRIBUTED.name(), StoreMode.FALLBACK.name()};

    private static final Logger LOG = Logger.getLogger(QuotaMetrics.class.getName());

    @Inject
    Instance<MetricRegistry> registries;

    @Inject
    QuotaBeans beans;

    @Inject
    QuotaExtension extension;

    @Inject
    QuotaUsageView usage;

    @Inject
    Instance<ScalingService> scaling;

    private volatile DecisionMetrics decisions;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (!registries.isResolvable()) {
            LOG.info("quotaware: no MicroProfile Metrics in this container; quota metrics are not published");
            return;
        }
        MetricRegistry registry = registries.get();
        HostedQuotaManager manager = beans.implementation();

        Metadata duration = Metadata.builder().withName(DecisionMetrics.DURATION)
                .withDescription("How long acquiring a permit took, waiting in the queue included")
                .withUnit(MetricUnits.NANOSECONDS).build();
        Timer allowed = registry.timer(duration, new Tag("outcome", "allowed"));
        Timer denied = registry.timer(duration, new Tag("outcome", "denied"));
        DecisionMetrics d = new DecisionMetrics(registry::counter, n -> allowed.update(Duration.ofNanos(n)),
                n -> denied.update(Duration.ofNanos(n)), extension::quotaMethod);
        manager.tiers().all().keySet().forEach(d::register);
        manager.listen(d);
        decisions = d;

        gauge(registry, ACTIVE, "Concurrency slots held on this member", () -> stats().active());
        gauge(registry, QUEUED, "Requests waiting for a slot on this member, parked or blocked",
                () -> stats().queued());
        gauge(registry, BLOCKED, "Of the waiting requests, those waiting on a blocked thread", () -> stats().blocked());
        gauge(registry, TRACKED_USERS, "Users the store holds state for", () -> stats().trackedUsers());
        gauge(registry, OVERFLOWED, "Acquisitions since start decided on a tier's overflow quota (new anonymous "
                + "callers at the tracked-user cap)", () -> stats().overflowed());
        for (String mode : MODES) {
            gauge(registry, STORE_MODE, "1 for the store mode this member decides in now, 0 for the others",
                    () -> mode.equals(usage.storeMode()) ? 1 : 0, new Tag("mode", mode));
        }
        gauge(registry, STORE_TRANSITIONS, "Switches between the distributed store and its fallback since start",
                () -> manager.store() instanceof FallbackQuotaStore f ? f.transitions() : 0);
        if (scaling.isResolvable()) {
            ScalingService s = scaling.get();
            gauge(registry, DESIRED_CAPACITY, "Capacity in slots the scaler asks of the orchestrator",
                    s::desiredCapacity);
            gauge(registry, ACTUAL_CAPACITY, "Members present times slots per member", s::actualCapacity);
            gauge(registry, PROTECTION_LEVEL, "Self-protection level: 0 sheds nothing, k sheds the k lowest tiers",
                    s::protectionLevel);
            gauge(registry, MEMBERS, "Cluster members this member sees", s::members);
        }
        LOG.fine("quotaware: quota metrics registered");
    }

    /** At most a second old: five gauges read them on every scrape. */
    private QuotaStatistics stats() {
        return usage.recentStatistics();
    }

    private static void gauge(MetricRegistry registry, String name, String description, LongSupplier value,
                              Tag... tags) {
        Supplier<Long> safe = () -> {
            try {
                return value.getAsLong();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "quotaware: gauge " + name + " failed", e);
                return -1L;
            }
        };
        registry.gauge(Metadata.builder().withName(name).withDescription(description).withUnit(MetricUnits.NONE)
                .build(), safe, tags);
    }

    /** The listener attached to the manager, or null when metrics are not published. */
    public DecisionMetrics decisions() {
        return decisions;
    }
}
