package org.quotaware.cdi.hazelcast;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

import com.hazelcast.config.MapConfig;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;

import org.quotaware.cdi.ClusterLink;
import org.quotaware.hazelcast.HazelcastQuotaStore;
import org.quotaware.hazelcast.persist.DataSources;
import org.quotaware.hazelcast.persist.Persistence;

/**
 * A {@link ClusterLink} over a {@link HazelcastInstance}: the CDI layer's only door to Hazelcast. Only code that has
 * checked Hazelcast's classes are present ({@code ClusterStores}) may touch this package; no bean lives in it, so a
 * container without Hazelcast never loads it.
 */
public final class HazelcastLink implements ClusterLink {

    /** Where Payara Micro binds its own instance. */
    public static final String PAYARA_JNDI = "payara/Hazelcast";
    private static final Logger LOG = Logger.getLogger(HazelcastLink.class.getName());

    private final HazelcastInstance hz;
    /** Null: the maps live in memory only. */
    private final Persistence persistence;

    private HazelcastLink(HazelcastInstance hz, Persistence persistence) {
        this.hz = hz;
        this.persistence = persistence;
    }

    public static HazelcastLink of(HazelcastInstance hz) {
        return new HazelcastLink(hz, null);
    }

    /**
     * Looks the DataSource up here, on the application's thread, and registers it for the map stores of this JVM,
     * which run on Hazelcast's threads where the application's JNDI names do not resolve; the map configurations
     * carry its name only (see {@link org.quotaware.hazelcast.persist.TableStoreFactory}). A DataSource the
     * application registered under that name itself is kept.
     */
    @Override
    public ClusterLink persistent(String dataSource, int writeDelaySeconds) {
        DataSources.register(dataSource, DataSources.find(dataSource));
        return new HazelcastLink(hz, new Persistence(dataSource, writeDelaySeconds));
    }

    @Override
    public <V> SharedMap<V> keptMap(String name) {
        if (persistence != null) {
            try {
                hz.getConfig().addMapConfig(new MapConfig(name).setMapStoreConfig(persistence.settings()));
            } catch (RuntimeException e) {
                // configured already: by the operator, or by this map's other user on this member (tiers, overrides)
                LOG.log(Level.FINE, "quotaware: keeping the configuration of map " + name, e);
            }
            warnIfNotKept(name);
        }
        return map(name);
    }

    /** Says once, loudly, when the cluster's configuration of a map does not keep it although it was asked to. */
    private void warnIfNotKept(String name) {
        String missing = Persistence.missing(hz, name);
        if (missing != null) {
            LOG.severe("quotaware: map " + name + " is not kept in DataSource " + persistence.dataSource()
                    + " by this member (" + missing + "): what it holds is lost when the whole cluster stops. "
                    + "See docs/cluster.md, Persistence");
        }
    }

    /** The application's own {@link HazelcastInstance} bean, or null when it has none or more than one. */
    public static ClusterLink application(BeanManager beans) {
        try {
            Bean<?> own = null;
            for (Bean<?> bean : beans.getBeans(HazelcastInstance.class)) {
                // Payara's producer gives its JNDI instance, which payara() looks up anyway; asking it when
                // Hazelcast is off (--nohazelcast) only logs a WARNING
                if (!bean.getBeanClass().getName().startsWith("fish.payara.")) {
                    if (own != null) {
                        return null; // ambiguous: neither is chosen
                    }
                    own = bean;
                }
            }
            return own == null ? null : of((HazelcastInstance) beans.getReference(own, HazelcastInstance.class,
                    beans.createCreationalContext(own)));
        } catch (RuntimeException unavailable) {
            return null; // e.g. a container producer of Hazelcast on a member started with --nohazelcast
        }
    }

    /** Payara's running instance (JNDI {@value #PAYARA_JNDI}), or null. */
    public static ClusterLink payara() {
        try {
            Object found = new InitialContext().lookup(PAYARA_JNDI);
            return found instanceof HazelcastInstance h && h.getLifecycleService().isRunning() ? of(h) : null;
        } catch (NamingException | RuntimeException | LinkageError absent) {
            return null; // --nohazelcast, or not Payara
        }
    }

    @Override
    public String name() {
        return hz.getName();
    }

    @Override
    public boolean running() {
        return hz.getLifecycleService().isRunning();
    }

    @Override
    public Member self() {
        return member(hz.getCluster().getLocalMember());
    }

    @Override
    public List<Member> members() {
        Set<com.hazelcast.cluster.Member> all = hz.getCluster().getMembers();
        List<Member> members = new ArrayList<>(all.size());
        all.forEach(m -> members.add(member(m)));
        return members;
    }

    private static Member member(com.hazelcast.cluster.Member m) {
        return new Member(m.getUuid().toString(), m.getAddress().toString(), m.localMember());
    }

    @Override
    public <V> SharedMap<V> map(String name) {
        return new Shared<>(hz.getMap(name));
    }

    @Override
    public Store store(String mapName, Duration slotLease, int maxTrackedUsers) {
        // built while the application deploys, outside its context: started once it runs
        HazelcastQuotaStore store = HazelcastQuotaStore.builder(hz).mapName(mapName).slotLease(slotLease)
                .maxTrackedUsers(maxTrackedUsers).persistence(persistence).deferStart().build();
        if (persistence != null) {
            warnIfNotKept(mapName);
        }
        return new Store(store, store::start);
    }

    private record Shared<V>(IMap<String, V> map) implements SharedMap<V> {

        @Override
        public V get(String key) {
            return map.get(key);
        }

        @Override
        public void set(String key, V value) {
            map.set(key, value);
        }

        @Override
        public void set(String key, V value, Duration ttl) {
            map.set(key, value, ttl.toMillis(), TimeUnit.MILLISECONDS);
        }

        @Override
        public boolean setIfAbsent(String key, V value) {
            return map.putIfAbsent(key, value) == null;
        }

        @Override
        public boolean replace(String key, V expected, V value) {
            return map.replace(key, expected, value);
        }

        @Override
        public void delete(String key) {
            map.delete(key);
        }

        @Override
        public Collection<V> values() {
            return map.values();
        }

        @Override
        public Map<String, V> entries() {
            Map<String, V> copy = new HashMap<>();
            map.entrySet().forEach(e -> copy.put(e.getKey(), e.getValue()));
            return copy;
        }

        @Override
        public Runnable listen(Changes<V> changes) {
            UUID id = map.addEntryListener(new Listener<>(changes), true);
            return () -> map.removeEntryListener(id);
        }
    }

    /** Runs on a Hazelcast event thread. */
    private record Listener<V>(Changes<V> changes) implements EntryAddedListener<String, V>,
            EntryUpdatedListener<String, V>, EntryRemovedListener<String, V> {

        @Override
        public void entryAdded(EntryEvent<String, V> event) {
            changes.changed(event.getKey(), event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, V> event) {
            changes.changed(event.getKey(), event.getValue());
        }

        @Override
        public void entryRemoved(EntryEvent<String, V> event) {
            changes.removed(event.getKey());
        }
    }
}
