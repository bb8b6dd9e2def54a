package org.quotaware.hazelcast;

import java.util.List;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import org.quotaware.config.ClusterSettings;
import org.quotaware.config.ConfigValues;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreProvider;
import org.quotaware.spi.StoreContext;

/**
 * {@code store=hazelcast} for the filter alone (any servlet container): the Hazelcast member the application already
 * runs in this JVM ({@code hazelcast:<instance-name>} names one of several), holding users' state in the map
 * {@code quotaware.cluster.map}, by default {@code quotaware-users.<application>}. The provider never starts a member:
 * where and how the cluster forms is the application's configuration. Under CDI, quota-cdi finds Payara's instance
 * or the application's {@code HazelcastInstance} bean itself.
 */
public final class HazelcastStoreProvider implements QuotaStoreProvider {

    private static final String SCHEME = ClusterSettings.HAZELCAST;

    @Override
    public boolean accepts(String store) {
        return store.equalsIgnoreCase(SCHEME) || store.regionMatches(true, 0, SCHEME + ":", 0, SCHEME.length() + 1);
    }

    @Override
    public QuotaStore create(String store, StoreContext context) {
        HazelcastInstance hz = instance(store);
        ClusterSettings cluster = ClusterSettings.read(context.config());
        return HazelcastQuotaStore.builder(hz).mapName(cluster.usersMap(context.application()))
                .slotLease(context.slotLease()).maxTrackedUsers(context.maxTrackedUsers()).build();
    }

    @Override
    public String describe() {
        return "hazelcast, hazelcast:<instance-name>";
    }

    /** The running instance {@code store} names, or the only one running; fails naming the key otherwise. */
    private static HazelcastInstance instance(String store) {
        String name = store.length() > SCHEME.length() ? store.substring(SCHEME.length() + 1).trim() : null;
        List<HazelcastInstance> running = Hazelcast.getAllHazelcastInstances().stream()
                .filter(h -> h.getLifecycleService().isRunning()).toList();
        List<String> names = running.stream().map(HazelcastInstance::getName).sorted().toList();
        if (name != null) {
            return running.stream().filter(h -> h.getName().equals(name)).findFirst().orElseThrow(() ->
                    ConfigValues.fail(ClusterSettings.STORE, "store", store, "the name of a Hazelcast instance "
                            + "running in this JVM (running: " + names + "); the application starts its member "
                            + "before the filter"));
        }
        if (running.size() != 1) {
            throw ConfigValues.fail(ClusterSettings.STORE, "store", store, running.isEmpty()
                    ? "a Hazelcast instance running in this JVM, and none is: start the application's member "
                            + "before the filter (or use store=local)"
                    : "one running Hazelcast instance, or hazelcast:<instance-name> for one of " + names);
        }
        return running.get(0);
    }
}
