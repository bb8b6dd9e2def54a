package org.quotaware.servlet;

import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.quotaware.config.ClusterSettings;
import org.quotaware.spi.HostedQuotaManager;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StoreContext;
import org.quotaware.store.Stores;

/**
 * The store of a filter with a manager of its own, as {@code store=} names it, and what a store shared by several
 * JVMs needs besides: its allowances' upkeep and the renewal of the manager's leases every third of the lease, on a
 * daemon thread the filter owns and stops in {@code destroy()}. {@code auto} and {@code local} keep the state in this
 * JVM (the filter alone has no container's Hazelcast to look for); anything else is a provider's
 * ({@link Stores#open}), wrapped by {@link Stores#shared}: the same for Hazelcast, Redis or a third party's store.
 */
final class FilterStore implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(FilterStore.class.getName());

    private final QuotaStore store;
    private final ScheduledExecutorService scheduler;
    private ScheduledFuture<?> renewal;

    private FilterStore(QuotaStore store, ScheduledExecutorService scheduler) {
        this.store = store;
        this.scheduler = scheduler;
    }

    /**
     * Opens the store the settings name; null for a store in this JVM (the manager makes its own).
     *
     * @param contextPath the application's context path: its name unless {@code application=} gives one
     * @throws org.quotaware.InvalidQuotaConfigException for a store nobody accepts or a provider's bad setting
     */
    static FilterStore open(FilterSettings settings, String contextPath) {
        ClusterSettings cluster = settings.cluster();
        String ignored = cluster.persistenceIgnored(settings.settings().prefix() + ClusterSettings.PERSISTENCE_NAME,
                "the filter alone keeps no store in a database (quota-cdi's Hazelcast store does)");
        if (ignored != null) {
            LOG.warning(ignored);
        }
        String value = cluster.store();
        if (value.equals(ClusterSettings.AUTO) || value.equals(ClusterSettings.LOCAL)) {
            return null;
        }
        int maxUsers = settings.settings().quota().maxTrackedUsers();
        StoreContext context = new StoreContext(cluster.applicationName(contextPath), settings.storeConfig(), maxUsers,
                cluster.slotLease());
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        QuotaStore opened = Stores.open(value, cluster.storeKey(), context,
                loader != null ? loader : FilterStore.class.getClassLoader(), List.of(ClusterSettings.AUTO));
        if (opened.slotLeaseMillis() == Long.MAX_VALUE) {
            return new FilterStore(opened, null);
        }
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "quotaware-store");
            t.setDaemon(true);
            return t;
        });
        return new FilterStore(Stores.shared(opened, cluster, maxUsers, scheduler), scheduler);
    }

    QuotaStore store() {
        return store;
    }

    /**
     * Fails now when nobody accepts the store the settings name, so a container that only logs a filter whose start
     * fails (Payara) cannot serve the application unguarded: {@link QuotaInitializer} calls it at deployment.
     */
    static void check(FilterSettings settings) {
        ClusterSettings cluster = settings.cluster();
        String value = cluster.store();
        if (!value.equals(ClusterSettings.AUTO) && !value.equals(ClusterSettings.LOCAL)) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            Stores.check(value, cluster.storeKey(), loader != null ? loader : FilterStore.class.getClassLoader(),
                    List.of(ClusterSettings.AUTO));
        }
    }

    /** Renews {@code manager}'s leases every third of the store's lease, when its slots are leases. */
    void renewLeasesOf(HostedQuotaManager manager) {
        long lease = store.slotLeaseMillis();
        if (scheduler == null || lease == Long.MAX_VALUE) {
            return;
        }
        long every = Math.max(1, lease / 3);
        renewal = scheduler.scheduleAtFixedRate(() -> {
            try {
                manager.renewLeases();
            } catch (RuntimeException e) {
                // never let one round's failure cancel the schedule: the next one renews what is still held
                LOG.log(Level.WARNING, "quotaware: renewing the slots' leases failed; retried in " + every + " ms", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Stops the renewal and the upkeep; the manager closes the store. */
    @Override
    public void close() {
        if (renewal != null) {
            renewal.cancel(false);
        }
        if (scheduler != null) {
            scheduler.shutdownNow();
        }
    }
}
