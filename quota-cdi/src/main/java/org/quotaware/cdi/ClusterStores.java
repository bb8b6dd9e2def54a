package org.quotaware.cdi;

import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Logger;

import jakarta.enterprise.inject.spi.BeanManager;

import org.quotaware.cdi.hazelcast.HazelcastLink;
import org.quotaware.config.ClusterSettings;
import org.quotaware.hazelcast.FallbackQuotaStore;
import org.quotaware.hazelcast.QuotaStoreUnavailableException;
import org.quotaware.hazelcast.StoreFailure;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;
import org.quotaware.store.AllowanceStore;

/**
 * Chooses where quota state lives ({@code quotaware.cluster.store}):
 * <ul>
 * <li>{@code auto} (default): the application's own {@code HazelcastInstance} bean if it has one, else Payara's
 * (JNDI {@code payara/Hazelcast}); behind a {@link FallbackQuotaStore}, so decisions go on locally with a safe share of
 * the limits when the cluster does not answer. Without any Hazelcast instance: the local store with the full limits
 * (quotas per instance, said in one INFO line), unless a {@code quotaware.cluster.*} key says a cluster is meant; then
 * the member runs in that fallback from the start, with its share of every limit.</li>
 * <li>{@code hazelcast}: the same, but a missing instance fails the deployment.</li>
 * <li>{@code local}: this JVM alone, the full limits; for a single instance.</li>
 * </ul>
 * Hazelcast's own classes are touched only through {@link HazelcastLink}, and only once they are known to be on the
 * class path: a server without any Hazelcast (GlassFish, WildFly, Open Liberty) gets the local store, not a
 * {@code NoClassDefFoundError}.
 */
final class ClusterStores {

    static final String PAYARA_JNDI = HazelcastLink.PAYARA_JNDI;
    private static final Logger LOG = Logger.getLogger(ClusterStores.class.getName());

    private ClusterStores() {
    }

    /** The store chosen, and the cluster it shares state through (null when none). */
    record Choice(QuotaStore store, ClusterLink cluster, java.util.function.BooleanSupplier start) {
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

    static Choice choose(QuotaConfiguration config, ClusterLink application) {
        return choose(config, application, null);
    }

    /**
     * The same, with the container's scheduler for the upkeep of allowances; without one (a test) members decide
     * one by one on the owner, since a thread outside the application could not send our operations on Payara.
     */
    static Choice choose(QuotaConfiguration config, ClusterLink application, ScheduledExecutorService scheduler) {
        int maxUsers = config.settings.quota().maxTrackedUsers();
        if (config.cluster.store() == ClusterSettings.Store.LOCAL) {
            LOG.info("quotaware: quota state is local to this JVM (quotaware.cluster.store=local)");
            return new Choice(new InMemoryQuotaStore(java.time.InstantSource.system(), maxUsers), null, () -> true);
        }
        ClusterLink link = application != null ? application : hazelcastPresent() ? HazelcastLink.payara() : null;
        QuotaStore primary;
        java.util.function.BooleanSupplier start = () -> true;
        java.util.function.IntSupplier members = () -> 0;
        if (link == null) {
            if (config.cluster.store() == ClusterSettings.Store.HAZELCAST) {
                throw new IllegalStateException("quotaware.cluster.store=hazelcast, but this member has no Hazelcast "
                        + "instance: no HazelcastInstance bean and no JNDI " + PAYARA_JNDI);
            }
            if (!config.cluster.configured()) {
                // GlassFish, WildFly, Open Liberty, --nohazelcast: a single instance, nothing to share with
                LOG.info("quotaware: no Hazelcast on this member, so quotas are per instance: each instance admits "
                        + "the full limits. To share them across instances, give the application a HazelcastInstance "
                        + "bean or run on Payara Micro with its Hazelcast, and set " + ClusterSettings.STORE
                        + "=hazelcast to require it (docs/cluster.md)");
                return new Choice(new InMemoryQuotaStore(java.time.InstantSource.system(), maxUsers), null, () -> true);
            }
            LOG.warning("quotaware: no Hazelcast on this member, but a cluster is configured ("
                    + config.cluster.configuredKeys() + "); deciding locally with 1/" + config.cluster.fallbackMembers()
                    + " of each limit (" + ClusterSettings.FALLBACK_MEMBERS + ")");
            primary = new Absent();
        } else {
            String name = link.name();
            LOG.info(() -> "quotaware: quota state in Hazelcast map '" + config.cluster.mapName() + "' of instance "
                    + name + (application != null ? " (a HazelcastInstance bean)" : " (JNDI " + PAYARA_JNDI + ")"));
            link = persistent(link, config.cluster);
            ClusterLink.Store cluster = link.store(config.cluster.mapName(), config.cluster.slotLease(), maxUsers);
            primary = cluster.store();
            start = cluster.start();
            members = cluster.members();
            if (config.cluster.allowances() && scheduler != null) {
                // members decide within allowances the owners grant: a request costs no round trip while it fits
                primary = AllowanceStore.builder(primary).members(members).linger(config.cluster.allowanceLinger())
                        .scheduler(scheduler).build();
            }
        }
        return new Choice(FallbackQuotaStore.builder(primary).local(new InMemoryQuotaStore(
                java.time.InstantSource.system(), maxUsers)).fallbackMembers(config.cluster.fallbackMembers())
                .memberCount(members).build(), link, start);
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

    /** The primary of a member without Hazelcast: never answers, so the fallback decides. */
    private static final class Absent implements QuotaStore {
        @Override
        public <R> R execute(String user, StateOperation<R> operation) {
            throw new QuotaStoreUnavailableException(StoreFailure.UNREACHABLE,
                    new IllegalStateException("this member runs without Hazelcast"));
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
