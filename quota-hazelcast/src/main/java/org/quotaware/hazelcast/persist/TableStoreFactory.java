package org.quotaware.hazelcast.persist;

import java.io.Serializable;
import java.util.Properties;

import com.hazelcast.map.MapLoader;
import com.hazelcast.map.MapStoreFactory;

/**
 * Makes the {@link TableStore} of a map on each member. A map configuration added at run time is dynamic
 * configuration: Hazelcast sends it, this factory included, to every member, Java-serialized. So it carries names
 * only, never a {@code DataSource}: each member's store finds the DataSource by name ({@link DataSources}) when it
 * first needs it. A record, so that two members adding the same configuration add equal ones (Hazelcast refuses a
 * different configuration of a map it has).
 *
 * @param dataSource the JNDI name of the DataSource
 * @param kind       what the map holds
 */
public record TableStoreFactory(String dataSource, Kind kind) implements MapStoreFactory<String, Object>, Serializable {

    /** What a map holds, and so how its store loads it. */
    public enum Kind {
        /** Users' states (bytes), many: each loaded when first used, never all at start. */
        STATES,
        /** Settings (text), few: all loaded when the map starts, so every member sees them. */
        SETTINGS
    }

    @Override
    public MapLoader<String, Object> newMapStore(String mapName, Properties properties) {
        return new TableStore(mapName, dataSource, kind == Kind.SETTINGS, () -> DataSources.find(dataSource));
    }
}
