package org.quotaware.cdi;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import org.quotaware.spi.QuotaStore;

/**
 * What this layer needs from the cluster a member belongs to. Beans name this interface, never a Hazelcast type: the
 * container reflects on every bean's fields and methods at deployment, and on GlassFish, WildFly, Open Liberty or a
 * Payara started with {@code --nohazelcast} there may be no Hazelcast class to load. The one implementation,
 * {@code org.quotaware.cdi.hazelcast.HazelcastLink}, is loaded only once {@link ClusterStores} has seen Hazelcast's classes.
 */
public interface ClusterLink {

    /** The instance's name: which member this is in logs and the denial log. */
    String name();

    /** False once the instance is shutting down. */
    boolean running();

    /** This member. */
    Member self();

    /** The members of the cluster, oldest first. */
    List<Member> members();

    /** The cluster-wide map called {@code name}, with keys of type String. */
    <V> SharedMap<V> map(String name);

    /** A quota store on map {@code mapName}, started by {@link Store#start()} once the application runs. */
    Store store(String mapName, Duration slotLease, int maxTrackedUsers);

    /**
     * The map {@code name} whose entries outlive a full restart of the cluster when {@link #persistent} was asked for
     * (the admin changes); otherwise {@link #map}.
     */
    default <V> SharedMap<V> keptMap(String name) {
        return map(name);
    }

    /**
     * This link, keeping the users' states and the {@link #keptMap kept maps} in the DataSource of JNDI name
     * {@code dataSource} as well ({@code quotaware.cluster.persistence}), written {@code writeDelaySeconds} behind.
     * Called on a thread of the application, where its JNDI names resolve.
     *
     * @throws IllegalStateException when the name is not bound to a DataSource
     */
    default ClusterLink persistent(String dataSource, int writeDelaySeconds) {
        throw new IllegalStateException("this cluster cannot keep its state in a database");
    }

    /** A cluster member. */
    record Member(String uuid, String address, boolean self) {
    }

    /** A store not started yet, and how to start it (true once started). */
    record Store(QuotaStore store, BooleanSupplier start) {
    }

    /** A map shared by every member: each call is one atomic call on the cluster. */
    interface SharedMap<V> {

        V get(String key);

        void set(String key, V value);

        /** Sets an entry that disappears after {@code ttl}. */
        void set(String key, V value, Duration ttl);

        /** True when there was no entry and {@code value} is now the entry. */
        boolean setIfAbsent(String key, V value);

        /** True when the entry was {@code expected} and is now {@code value}. */
        boolean replace(String key, V expected, V value);

        void delete(String key);

        Collection<V> values();

        /** A copy of every entry. */
        Map<String, V> entries();

        /**
         * Calls {@code changes} for every entry added, updated or removed from now on, on a cluster event thread.
         *
         * @return stops the listening
         */
        Runnable listen(Changes<V> changes);
    }

    /** Entry events of a {@link SharedMap}. */
    interface Changes<V> {

        /** An entry was added or updated. */
        void changed(String key, V value);

        /** An entry was removed. */
        default void removed(String key) {
        }
    }
}
