package org.quotaware.cdi;

import java.util.logging.Logger;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import com.hazelcast.core.HazelcastInstance;

import org.quotaware.hazelcast.FallbackQuotaStore;
import org.quotaware.hazelcast.HazelcastQuotaStore;
import org.quotaware.hazelcast.QuotaStoreUnavailableException;
import org.quotaware.hazelcast.StoreFailure;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

/**
 * Chooses where quota state lives ({@code quotaware.cluster.store}):
 * <ul>
 * <li>{@code auto} (default): the application's own {@link HazelcastInstance} bean if it has one, else Payara's
 * (JNDI {@code payara/Hazelcast}); behind a {@link FallbackQuotaStore}, so decisions go on locally with a safe share of
 * the limits when the cluster does not answer. Without any Hazelcast instance: the local store with the full limits
 * (quotas per instance, said in one INFO line), unless a {@code quotaware.cluster.*} key says a cluster is meant; then
 * the member runs in that fallback from the start, with its share of every limit.</li>
 * <li>{@code hazelcast}: the same, but a missing instance fails the deployment.</li>
 * <li>{@code local}: this JVM alone, the full limits; for a single instance.</li>
 * </ul>
 */
final class ClusterStores {

    static final String PAYARA_JNDI = "payara/Hazelcast";
    private static final Logger LOG = Logger.getLogger(ClusterStores.class.getName());

    private ClusterStores() {
    }

    /** The store chosen, and the Hazelcast instance it uses (null when none). */
    record Choice(QuotaStore store, HazelcastInstance hazelcast, java.util.function.BooleanSupplier start) {
    }

    static Choice choose(QuotaConfiguration config, HazelcastInstance application) {
        int maxUsers = config.settings.maxTrackedUsers();
        if (config.store == QuotaConfiguration.StoreChoice.LOCAL) {
            LOG.info("quotaware: quota state is local to this JVM (quotaware.cluster.store=local)");
            return new Choice(new InMemoryQuotaStore(java.time.InstantSource.system(), maxUsers), null, () -> true);
        }
        HazelcastInstance hz = application != null ? application : payara();
        QuotaStore primary;
        java.util.function.BooleanSupplier start = () -> true;
        if (hz == null) {
            if (config.store == QuotaConfiguration.StoreChoice.HAZELCAST) {
                throw new IllegalStateException("quotaware.cluster.store=hazelcast, but this member has no Hazelcast "
                        + "instance: no HazelcastInstance bean and no JNDI " + PAYARA_JNDI);
            }
            if (!config.clusterConfigured) {
                // GlassFish, WildFly, Open Liberty, --nohazelcast: a single instance, nothing to share with
                LOG.info("quotaware: no Hazelcast on this member, so quotas are per instance: each instance admits "
                        + "the full limits. To share them across instances, give the application a HazelcastInstance "
                        + "bean or run on Payara Micro with its Hazelcast, and set " + QuotaConfiguration.STORE
                        + "=hazelcast to require it (docs/cluster.md)");
                return new Choice(new InMemoryQuotaStore(java.time.InstantSource.system(), maxUsers), null, () -> true);
            }
            LOG.warning("quotaware: no Hazelcast on this member, but a cluster is configured ("
                    + config.clusterKeys + "); deciding locally with 1/" + config.fallbackMembers
                    + " of each limit (" + QuotaConfiguration.FALLBACK_MEMBERS + ")");
            primary = new Absent();
        } else {
            LOG.info(() -> "quotaware: quota state in Hazelcast map '" + config.mapName + "' of instance "
                    + hz.getName() + (application != null ? " (a HazelcastInstance bean)" : " (JNDI " + PAYARA_JNDI + ")"));
            // built while the application deploys, outside its context: started once it runs (see start())
            HazelcastQuotaStore cluster = HazelcastQuotaStore.builder(hz).mapName(config.mapName)
                    .slotLease(config.slotLease).maxTrackedUsers(maxUsers).deferStart().build();
            primary = cluster;
            start = cluster::start;
        }
        return new Choice(FallbackQuotaStore.builder(primary).local(new InMemoryQuotaStore(
                java.time.InstantSource.system(), maxUsers)).fallbackMembers(config.fallbackMembers).build(), hz,
                start);
    }

    private static HazelcastInstance payara() {
        try {
            Object found = new InitialContext().lookup(PAYARA_JNDI);
            return found instanceof HazelcastInstance hz && hz.getLifecycleService().isRunning() ? hz : null;
        } catch (NamingException | RuntimeException | LinkageError absent) {
            return null; // --nohazelcast, or not Payara
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
