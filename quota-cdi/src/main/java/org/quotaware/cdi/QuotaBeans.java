package org.quotaware.cdi;

import java.time.InstantSource;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;

import org.quotaware.QuotaManager;
import org.quotaware.QuotaTiers;
import org.quotaware.config.ScalingSettings;
import org.quotaware.cost.CostMeter;
import org.quotaware.denials.DenialLog;
import org.quotaware.denials.DenialLogger;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.engine.QuotaManagerBuilder;
import org.quotaware.spi.HostedQuotaManager;
import org.quotaware.spi.QuotaStore;

/**
 * The application's one {@link QuotaManager}, built from MicroProfile Config on the store {@link ClusterStores}
 * chooses; also injectable: its {@link QuotaTiers} (the current limits, changeable at runtime). When the store leases
 * slots (a cluster), the manager's leases are renewed every third of the lease on the container's managed scheduler.
 */
@ApplicationScoped
public class QuotaBeans {

    private static final Logger LOG = Logger.getLogger(QuotaBeans.class.getName());

    @Inject
    QuotaExtension extension;

    /** Finds the application's own HazelcastInstance bean; an Instance of it would name a type that may be absent. */
    @Inject
    BeanManager beanManager;

    @Inject
    QuotaManager proxy;

    private ScheduledFuture<?> renewal;
    private volatile DenialLog denials;
    private volatile HostedQuotaManager created;
    private volatile ClusterLink cluster;
    /** The application's name: what its default map names derive from. */
    private volatile String application = ClusterStores.UNNAMED;

    /** A normal-scoped producer of the interface: the implementation is final and cannot be proxied. */
    @Produces
    @ApplicationScoped
    QuotaManager manager() {
        QuotaConfiguration config = extension.configuration();
        ManagedScheduledExecutorService scheduler = ManagedScheduler.lookup();
        QuotaStore own = ClusterStores.own(beanManager);
        application = ClusterStores.applicationName(config.cluster, contextPath(beanManager));
        ClusterStores.Choice choice = own != null ? new ClusterStores.Choice(own, null, () -> true)
                : ClusterStores.choose(config, ClusterStores.application(beanManager), scheduler, application);
        QuotaStore store = choice.store();
        cluster = choice.cluster();
        QuotaManagerBuilder builder = DefaultQuotaManager.builder().store(store).tiers(config.settings.quota().tiers())
                .systemLimits(config.settings.quota().systemLimits());
        if (scheduler != null) {
            builder.scheduler(scheduler); // the queue's poll runs on the container's threads, not one of ours
            // the cluster store chooses its path on a thread of the started application (else at its first use)
            startStore(choice.start(), scheduler, 0);
        }
        HostedQuotaManager manager = builder.build();
        denials = new DenialLog(config.settings.quota().denialLogSize(), memberName(cluster), InstantSource.system());
        manager.listen(denials);
        manager.listen(new DenialLogger(config.settings.quota().denialLogWindow(), InstantSource.system()));
        // API keys configured here (quotaware.identity.api-keys=key=user:tier) are in their tiers without a filter too
        config.settings.identity().assignKeyTiers(manager.tiers());
        created = manager;
        extension.created(manager);
        long lease = store.slotLeaseMillis();
        if (scheduler != null && lease != Long.MAX_VALUE) {
            long every = Math.max(1, lease / 3);
            renewal = scheduler.scheduleAtFixedRate(() -> renew(manager), every, every, TimeUnit.MILLISECONDS);
        }
        return manager;
    }

    /**
     * The manager itself, behind its client proxy: for this layer's beans that listen to its decisions, read its
     * store or set its admission gate.
     */
    public HostedQuotaManager implementation() {
        if (created == null) {
            proxy.tiers(); // creates the application-scoped manager
        }
        return created;
    }

    /**
     * The application's name ({@code quotaware.application}, else its context path): the default names of its
     * cluster maps derive from it, so two applications on one cluster share nothing unless configured to.
     */
    public String application() {
        implementation(); // the name is settled with the manager
        return application;
    }

    /** The context path of the application's {@code ServletContext} (a built-in bean in a web module), or null. */
    private static String contextPath(BeanManager beans) {
        try {
            var found = beans.getBeans(jakarta.servlet.ServletContext.class);
            if (found.isEmpty()) {
                return null;
            }
            var bean = beans.resolve(found);
            return ((jakarta.servlet.ServletContext) beans.getReference(bean, jakarta.servlet.ServletContext.class,
                    beans.createCreationalContext(bean))).getContextPath();
        } catch (RuntimeException | LinkageError none) {
            return null; // not a web module, or a container without that bean: the configured name or the default
        }
    }

    /** The cluster the store shares state through, or null for a member without one. */
    public ClusterLink cluster() {
        implementation();
        return cluster;
    }

    /**
     * What measures the cost of the requests the manager's permits are held for (CPU time, allocated bytes), shared
     * by the filter and {@code @Quota}: add a listener here to see every charge.
     */
    public CostMeter costMeter() {
        implementation();
        return extension.meter();
    }

    /** The latest denials of this member's manager. */
    public DenialLog denials() {
        implementation();
        return denials;
    }

    /** Which member this is in the denial log: its Hazelcast instance's name, else the host name. */
    private static String memberName(ClusterLink cluster) {
        if (cluster != null) {
            try {
                return cluster.name();
            } catch (RuntimeException stopping) {
                // fall back to the host
            }
        }
        return DenialLog.localHost();
    }

    /** How long an asynchronous request may hold its slot ({@code quotaware.async-lease}). */
    public java.time.Duration asyncLease() {
        return extension.configuration().asyncLease();
    }

    /** The scaling keys as read at deployment. */
    public ScalingSettings scaling() {
        return extension.configuration().scaling;
    }

    /** Every second on the managed scheduler, for up to ten minutes, until the store has chosen its path. */
    private static void startStore(BooleanSupplier start, ManagedScheduledExecutorService scheduler, int attempt) {
        if (attempt >= 600) {
            return; // the first decision chooses it then
        }
        scheduler.schedule(() -> {
            boolean started = false;
            try {
                started = start.getAsBoolean();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "quotaware: the cluster store did not start yet", e);
            }
            if (!started) {
                startStore(start, scheduler, attempt + 1);
            }
        }, attempt == 0 ? 0 : 1, TimeUnit.SECONDS);
    }

    private static void renew(HostedQuotaManager manager) {
        try {
            manager.renewLeases();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "quotaware: renewing slot leases failed; retrying at the next tick", e);
        }
    }

    void close(@Disposes QuotaManager manager) {
        extension.created(null);
        stopRenewal();
        manager.close();
    }

    /** The manager's tiers (dependent: it is the manager's own instance, changes apply at once). */
    @Produces
    QuotaTiers tiers(QuotaManager manager) {
        return manager.tiers();
    }

    @PreDestroy
    void stopRenewal() {
        if (renewal != null) {
            renewal.cancel(false);
            renewal = null;
        }
    }
}
