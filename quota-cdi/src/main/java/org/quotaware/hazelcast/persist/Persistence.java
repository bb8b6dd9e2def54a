package org.quotaware.hazelcast.persist;

import com.hazelcast.config.MapStoreConfig;

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

    private MapStoreConfig config(TableStoreFactory.Kind kind) {
        return new MapStoreConfig().setEnabled(true)
                .setFactoryImplementation(new TableStoreFactory(dataSource, kind))
                .setWriteDelaySeconds(writeDelaySeconds).setWriteCoalescing(true).setWriteBatchSize(500);
    }
}
