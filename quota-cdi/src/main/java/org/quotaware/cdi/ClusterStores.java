package org.quotaware.cdi;

import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

import org.quotaware.cdi.hazelcast.HazelcastLink;
import org.quotaware.config.ClusterSettings;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;
import org.quotaware.spi.StoreContext;
import org.quotaware.store.FallbackQuotaStore;
import org.quotaware.store.QuotaStoreUnavailableException;
import org.quotaware.store.Stores;

/**
 * Chooses where quota state lives. An application's own {@link QuotaStore} bean wins; otherwise {@code quotaware.store}
 * (older name {@code quotaware.cluster.store}) says:
 * <ul>
 * <li>{@code auto} (default): the application's own {@code HazelcastInstance} bean if it has one, else Payara's
 * (JNDI {@code payara/Hazelcast}); behind a {@link FallbackQuotaStore}, so decisions go on locally with a safe share of
 * the limits when the cluster does not answer. Without any Hazelcast instance: the local store with the full limits
 * (quotas per instance, said in one INFO line), unless a {@code quotaware.cluster.*} key says a cluster is meant; then
 * the member runs in that fallback from the start, with its share of every limit.</li>
 * <li>{@code hazelcast}: the same, but a missing instance fails the deployment.</li>
 * <li>{@code local}: this JVM alone, the full limits; for a single instance.</li>
 * <li>anything else: the store a {@link org.quotaware.spi.QuotaStoreProvider} on the application's class path builds
 * ({@code redis://host:6379} with quota-redis), made safe to share by {@link Stores#shared}; an unknown value fails
 * the deployment naming the key, the value and the accepted values.</li>
 * </ul>
 * Hazelcast's own classes are touched only through {@link HazelcastLink}, and only once they are known to be on the
 * class path: a server without any Hazelcast (GlassFish, WildFly, Open Liberty) gets the local store, not a
 * {@code NoClassDefFoundError}.
 */
final class ClusterStores {

    static final String PAYARA_JNDI = HazelcastLink.PAYARA_JNDI;
    /** The application's name when neither {@code quotaware.application} nor the container gives one. */
    static final String UNNAMED = ClusterSettings.UNNAMED;
    private static final Logger LOG = Logger.getLogger(ClusterStores.class.getName());

    private ClusterStores() {
    }

    /** The store chosen, and the cluster it shares state through (null when none). */
    record Choice(QuotaStore store, ClusterLink cluster, BooleanSupplier start) {
    }

    /** Whether Hazelcast's classes are visible to this jar: false on servers without Hazelcast. */
    static boolean hazelcastPresent() {
        try {
            Class.forName("com.hazelcast.core.HazelcastInstance", false, ClusterStores.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }

    /** The application's own {@code HazelcastInstance} bean, or null (also without Hazelcast's classes). */
    static ClusterLink application(BeanManager beans) {
        return hazelcastPresent() ? HazelcastLink.application(beans) : null;
    }

    /**
     * The application's own {@link QuotaStore} bean, or null. None of this library's classes is a bean of that type
     * (quota-cdi's discovery is annotated, and the store modules have no beans.xml), so whatever is found is the
     * application's; two of them fail the deployment rather than one being picked at random.
     */
    static QuotaStore own(BeanManager beans) {
        if (beans == null) {
            return null;
        }
        java.util.Set<Bean<?>> found = beans.getBeans(QuotaStore.class);
        if (found.isEmpty()) {
            return null;
        }
        if (found.size() > 1) {
            throw new IllegalStateException("quotaware: the application has " + found.size()
                    + " QuotaStore beans " + found.stream().map(b -> b.getBeanClass().getName()).sorted().toList()
                    + "; it may have one, which then holds quota state whatever " + ClusterSettings.STORE + " says");
        }
        Bean<?> bean = found.iterator().next();
        LOG.info(() -> "quotaware: quota state in the application's own QuotaStore bean " + bean.getBeanClass().getName()
                + " (it wins over " + ClusterSettings.STORE + ")");
        return (QuotaStore) beans.getReference(bean, QuotaStore.class, beans.createCreationalContext(bean));
    }

    static Choice choose(QuotaConfiguration config, ClusterLink application) {
        return choose(config, application, null, null);
    }

    /**
     * The same, with the container's scheduler for the upkeep of allowances; without one (a test) members decide
     * one by one on the owner, since a thread outside the application could not send our operations on Payara.
     *
     * @param name the application's name from the container (its context path), null when unknown; a configured
     *             {@code quotaware.application} wins
     */
    static Choice choose(QuotaConfiguration config, ClusterLink application, ScheduledExecutorService scheduler,
            String name) {
        ClusterSettings cluster = config.cluster;
        int maxUsers = config.settings.quota().maxTrackedUsers();
        String app = applicationName(cluster, name);
        String store = cluster.store();
        if (store.equals(ClusterSettings.LOCAL)) {
            ignoredPersistence(cluster, cluster.storeKey() + "=local keeps the state in this JVM");
            LOG.info("quotaware: quota state is local to this JVM (" + cluster.storeKey() + "=local)");
            return new Choice(new InMemoryQuotaStore(InstantSource.system(), maxUsers), null, () -> true);
        }
        if (!store.equals(ClusterSettings.AUTO) && !store.equals(ClusterSettings.HAZELCAST)) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            QuotaStore opened = Stores.open(store, cluster.storeKey(),
                    new StoreContext(app, config.source(), maxUsers, cluster.slotLease()),
                    loader != null ? loader : ClusterStores.class.getClassLoader(),
                    List.of(ClusterSettings.AUTO, ClusterSettings.HAZELCAST));
            ignoredPersistence(cluster, cluster.storeKey() + "=" + store + " keeps the state itself");
            return new Choice(Stores.shared(opened, cluster, maxUsers, scheduler), null, () -> true);
        }
        ClusterLink link = application != null ? application : hazelcastPresent() ? HazelcastLink.payara() : null;
        if (link == null) {
            ignoredPersistence(cluster, "this member has no Hazelcast");
            if (store.equals(ClusterSettings.HAZELCAST)) {
                throw new IllegalStateException(cluster.storeKey() + "=hazelcast, but this member has no Hazelcast "
                        + "instance: no HazelcastInstance bean and no JNDI " + PAYARA_JNDI);
            }
            if (!cluster.configured()) {
                // GlassFish, WildFly, Open Liberty, --nohazelcast: a single instance, nothing to share with
                LOG.info("quotaware: no Hazelcast on this member, so quotas are per instance: each instance admits "
                        + "the full limits. To share them across instances, give the application a HazelcastInstance "
                        + "bean or run on Payara Micro with its Hazelcast, and set " + ClusterSettings.STORE
                        + "=hazelcast to require it, or name another shared store there (docs/stores.md)");
                return new Choice(new InMemoryQuotaStore(InstantSource.system(), maxUsers), null, () -> true);
            }
            LOG.warning("quotaware: no Hazelcast on this member, but a cluster is configured ("
                    + cluster.configuredKeys() + "); deciding locally with 1/" + cluster.fallbackMembers()
                    + " of each limit (" + ClusterSettings.FALLBACK_MEMBERS + ")");
            return new Choice(FallbackQuotaStore.builder(new Absent()).local(new InMemoryQuotaStore(
                    InstantSource.system(), maxUsers)).fallbackMembers(cluster.fallbackMembers()).build(), null,
                    () -> true);
        }
        String map = cluster.usersMap(app);
        LOG.info(() -> "quotaware: quota state in Hazelcast map '" + map + "' of instance " + link.name()
                + (application != null ? " (a HazelcastInstance bean)" : " (JNDI " + PAYARA_JNDI + ")"));
        ClusterLink kept = persistent(link, cluster); // the admin map is kept through this link too
        ClusterLink.Store shared = kept.store(map, cluster.slotLease(), maxUsers);
        return new Choice(Stores.shared(shared.store(), cluster, maxUsers, scheduler), kept, shared.start());
    }

    /** {@code quotaware.application}, else the container's name for the application, else {@value #UNNAMED}. */
    static String applicationName(ClusterSettings cluster, String name) {
        return cluster.applicationName(name);
    }

    /**
     * The link keeping its maps in the database of {@code quotaware.cluster.persistence}, when set.
     *
     * @throws org.quotaware.InvalidQuotaConfigException naming the key when the name is not a DataSource
     */
    private static ClusterLink persistent(ClusterLink link, ClusterSettings cluster) {
        if (cluster.persistence() == null) {
            return link;
        }
        try {
            ClusterLink kept = link.persistent(cluster.persistence(), cluster.persistenceDelay());
            LOG.info(() -> "quotaware: the cluster's quota state and admin changes are kept in DataSource "
                    + cluster.persistence() + ", written " + cluster.persistenceDelay() + " s behind ("
                    + ClusterSettings.PERSISTENCE + ")");
            return kept;
        } catch (IllegalStateException e) {
            throw org.quotaware.InvalidQuotaConfigException.invalid("persistence", cluster.persistence(),
                    "the JNDI name of a DataSource the application can look up (" + e.getMessage() + ")")
                    .forKey(ClusterSettings.PERSISTENCE);
        }
    }

    /** Says so where {@code quotaware.cluster.persistence} is set but only Hazelcast's maps could be kept. */
    private static void ignoredPersistence(ClusterSettings cluster, String why) {
        String warning = cluster.persistenceIgnored(ClusterSettings.PERSISTENCE, why);
        if (warning != null) {
            LOG.warning(warning);
        }
    }

    /** The primary of a member without Hazelcast: never answers, so the fallback decides. */
    private static final class Absent implements QuotaStore {
        @Override
        public <R> R execute(String user, StateOperation<R> operation) {
            throw new QuotaStoreUnavailableException("Quota store failure: this member runs without Hazelcast", null);
        }

        @Override
        public long trackedUsers() {
            return 0;
        }

        @Override
        public long currentTimeMillis() {
            return System.currentTimeMillis();
        }
    }
}
