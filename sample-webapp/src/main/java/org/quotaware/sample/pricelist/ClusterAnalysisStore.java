package org.quotaware.sample.pricelist;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.config.Config;
import com.hazelcast.config.EvictionConfig;
import com.hazelcast.config.EvictionPolicy;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MaxSizePolicy;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * Keeps analyses in a Hazelcast map, so that {@code GET /api/pricelists/{id}} answers on every member of the cluster.
 * An analysis is stored as its JSON text: a {@code String} is all Hazelcast has to read, and Payara's Hazelcast cannot
 * load the application's classes (docs/cluster.md, "the class-loading trap").
 * <p>
 * <b>Bounded, in count and in bytes.</b> Every entry is written with the time to live, and the map is configured (when
 * this member is the first to ask for it) with at most {@code ceil(maxAnalyses / partitions)} entries per partition,
 * least recently used evicted first: at most {@link #capacity()} analyses in the whole cluster, whatever the number of
 * members (1 084 for 1 000 on Hazelcast's 271 partitions), plus one backup copy each. No entry's JSON is longer than
 * {@link #maxEntryBytes()} bytes of UTF-8 ({@code maxBytes / capacity}): an analysis whose JSON is longer is kept
 * listing fewer invalid rows and repeated skus (the first ones; its counts stay whole), and one that does not fit even
 * without them (thousands of currencies) is not kept. So the analyses' JSON in the cluster is at most
 * {@code maxBytes}, twice with the backups, plus Hazelcast's own cost per entry (its key and record, about 200 bytes).
 * Eviction is per partition, so an analysis may go before the cluster holds {@code maxAnalyses}: it is a cache of
 * answers already given, not a record.
 */
public final class ClusterAnalysisStore implements AnalysisStore {

    public static final String MAP_NAME = "quotaware-sample-analyses";
    private static final Logger LOG = Logger.getLogger(ClusterAnalysisStore.class.getName());

    private final IMap<String, String> map;
    private final Function<PriceListAnalysis, String> toJson;
    private final long ttlSeconds;
    private final int capacity;
    private final long maxEntryBytes;

    /**
     * In the map {@value #MAP_NAME} of Payara's Hazelcast (JNDI {@code payara/Hazelcast}); null when the member runs
     * without one ({@code --nohazelcast}). Call it only where the Hazelcast API is on the class path; {@code toJson} is
     * asked for only when there is a Hazelcast.
     */
    public static ClusterAnalysisStore inPayara(int maxAnalyses, long maxBytes, Duration ttl,
                                                java.util.function.Supplier<Function<PriceListAnalysis, String>> toJson) {
        HazelcastInstance hz;
        try {
            Object found = new javax.naming.InitialContext().lookup("payara/Hazelcast");
            hz = found instanceof HazelcastInstance h && h.getLifecycleService().isRunning() ? h : null;
        } catch (javax.naming.NamingException | RuntimeException | LinkageError absent) {
            hz = null;
        }
        return hz == null ? null : new ClusterAnalysisStore(hz, maxAnalyses, maxBytes, ttl, toJson.get());
    }

    /** In the map {@value #MAP_NAME}. */
    public ClusterAnalysisStore(HazelcastInstance hz, int maxAnalyses, long maxBytes, Duration ttl,
                                Function<PriceListAnalysis, String> toJson) {
        this(hz, MAP_NAME, maxAnalyses, maxBytes, ttl, toJson);
    }

    ClusterAnalysisStore(HazelcastInstance hz, String mapName, int maxAnalyses, long maxBytes, Duration ttl,
                         Function<PriceListAnalysis, String> toJson) {
        if (maxAnalyses < 1) {
            throw new IllegalArgumentException("maxAnalyses must be >= 1, was " + maxAnalyses);
        }
        if (ttl.getSeconds() < 1) {
            throw new IllegalArgumentException("ttl must be >= 1 s, was " + ttl);
        }
        int partitions = hz.getPartitionService().getPartitions().size();
        int perPartition = perPartition(maxAnalyses, partitions);
        this.capacity = perPartition * partitions;
        if (maxBytes < capacity) {
            throw new IllegalArgumentException("maxBytes must be >= " + capacity + " (a byte for each of the "
                    + capacity + " analyses kept), was " + maxBytes);
        }
        this.maxEntryBytes = maxBytes / capacity;
        this.ttlSeconds = ttl.getSeconds();
        this.toJson = toJson;
        ensureMapConfig(hz.getConfig(), mapConfig(mapName, perPartition, ttlSeconds));
        this.map = hz.getMap(mapName);
    }

    /** Entries each partition keeps so that all of them together keep at least {@code maxAnalyses}. */
    static int perPartition(int maxAnalyses, int partitions) {
        return (int) Math.max(1, ((long) maxAnalyses + partitions - 1) / partitions);
    }

    static MapConfig mapConfig(String mapName, int perPartition, long ttlSeconds) {
        return new MapConfig(mapName).setBackupCount(1).setAsyncBackupCount(0)
                .setTimeToLiveSeconds((int) Math.min(Integer.MAX_VALUE, ttlSeconds))
                .setEvictionConfig(new EvictionConfig().setEvictionPolicy(EvictionPolicy.LRU)
                        .setMaxSizePolicy(MaxSizePolicy.PER_PARTITION).setSize(perPartition));
    }

    @Override
    public void put(PriceListAnalysis analysis) {
        String json = toJson.apply(analysis);
        for (int listed = Math.max(analysis.invalidRows().size(), analysis.duplicates().size());
             utf8Length(json) > maxEntryBytes; listed /= 2) {
            if (listed == 0) {
                LOG.fine(() -> "pricelist: analysis " + analysis.id() + " is not kept: its JSON is over "
                        + maxEntryBytes + " bytes even without its lists");
                return;
            }
            json = toJson.apply(analysis.listing(listed / 2));
        }
        // set: no old value travels back; the TTL holds even where an operator configured the map without one
        map.set(analysis.id(), json, ttlSeconds, TimeUnit.SECONDS);
    }

    /**
     * Bytes of {@code text} in UTF-8 (what Hazelcast stores of a {@code String}), without encoding it; at most 2
     * more for a character beyond the Basic Multilingual Plane (a surrogate pair counts 3 bytes a half).
     */
    static long utf8Length(String text) {
        long bytes = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        return bytes;
    }

    @Override
    public Optional<Object> answer(String id) {
        return Optional.ofNullable(map.get(id));
    }

    /**
     * The most analyses the cluster keeps (without their backups), by this store's configuration of the map; where the
     * cluster had one already, that one's bound holds instead (logged at WARNING when it differs).
     */
    public int capacity() {
        return capacity;
    }

    /** The most bytes of JSON (UTF-8) one analysis is kept with: {@code maxBytes / capacity()}. */
    public long maxEntryBytes() {
        return maxEntryBytes;
    }

    /** Adds the bounded map configuration, unless the cluster has one for the map already (the operator's, or ours). */
    private static void ensureMapConfig(Config config, MapConfig bounded) {
        String name = bounded.getName();
        MapConfig existing = config.getMapConfigOrNull(name);
        if (existing != null) {
            if (!existing.equals(bounded)) {
                LOG.warning(() -> "pricelist: keeping the cluster's configuration of map " + name + " ("
                        + existing.getEvictionConfig() + ", time to live " + existing.getTimeToLiveSeconds()
                        + " s): its bound is not pricelist.store.max-analyses");
            }
            return;
        }
        try {
            config.addMapConfig(bounded);
        } catch (RuntimeException e) {
            // another member added a different one at the same moment: the cluster keeps that one
            LOG.log(Level.WARNING, "pricelist: keeping the cluster's configuration of map " + name + ": " + e);
        }
    }
}
