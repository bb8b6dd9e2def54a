package org.quotaware.hazelcast.persist;

import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.core.HazelcastInstance;

/**
 * How the cluster's maps are kept in a database ({@code quotaware.cluster.persistence}): the map store configuration
 * of the users' states and of the admin changes, both on the DataSource of one JNDI name.
 *
 * @param dataSource        the DataSource's JNDI name
 * @param writeDelaySeconds how long a change waits before it is written, coalesced with the changes after it: what a
 *                          crash of the whole cluster can lose (0 writes through, on the request's path)
 */
public record Persistence(String dataSource, int writeDelaySeconds) {

    /** The users' states: each loaded when first used, never all at start; written behind, coalesced. */
    public MapStoreConfig states() {
        return config(TableStoreFactory.Kind.STATES).setInitialLoadMode(MapStoreConfig.InitialLoadMode.LAZY);
    }

    /** Tier changes and per-user overrides: few, all loaded when the map starts, so every member applies them. */
    public MapStoreConfig settings() {
        return config(TableStoreFactory.Kind.SETTINGS).setInitialLoadMode(MapStoreConfig.InitialLoadMode.EAGER);
    }

    /**
     * Why this member keeps nothing of map {@code name} in the database although persistence was asked for, or null
     * when it does. Hazelcast uses the configuration the cluster holds, which may come from another member: one
     * configured by hand without a store, or one whose store this member could not read back (Payara Micro reads a
     * member's Java-serialized factory with the application's class loader only while that application is
     * deployed here; before, it reads null).
     */
    public static String missing(HazelcastInstance hz, String name) {
        try {
            MapConfig c = hz.getConfig().getMapConfigOrNull(name);
            if (c == null) {
                return "the map has no configuration on this member";
            }
            MapStoreConfig store = c.getMapStoreConfig();
            if (store == null || !store.isEnabled()) {
                return "the map's configuration has no map store (configured without one)";
            }
            if (store.getFactoryImplementation() == null && store.getImplementation() == null
                    && store.getFactoryClassName() == null && store.getClassName() == null) {
                return "the map's store was read back as nothing on this member";
            }
            return null;
        } catch (RuntimeException e) {
            return "the map's configuration cannot be read here: " + e;
        }
    }

    private MapStoreConfig config(TableStoreFactory.Kind kind) {
        return new MapStoreConfig().setEnabled(true)
                .setFactoryImplementation(new TableStoreFactory(dataSource, kind))
                .setWriteDelaySeconds(writeDelaySeconds).setWriteCoalescing(true).setWriteBatchSize(500);
    }
}
