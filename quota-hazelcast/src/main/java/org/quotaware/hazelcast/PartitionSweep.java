package org.quotaware.hazelcast;

import java.util.concurrent.atomic.AtomicInteger;

import com.hazelcast.partition.PartitionService;
import com.hazelcast.query.Predicate;
import com.hazelcast.query.Predicates;

/**
 * Which part of the map the next sweep of idle states covers: one partition at a time, round robin. A sweep at the
 * tracked-user cap then reads the entries of one partition (about 1/271 of the map with Hazelcast's default
 * partition count) instead of every entry; a full pass takes as many sweeps as there are partitions. Idle states that
 * no operation touches also leave by their time-to-live, and nobody waits for room meanwhile: new anonymous users share
 * the overflow.
 */
final class PartitionSweep {

    private final PartitionService partitions;
    private final AtomicInteger next = new AtomicInteger();
    /** A key of each partition, by partition id; found on the first sweep (the cluster may not be up before). */
    private volatile String[] keys;

    PartitionSweep(PartitionService partitions) {
        this.partitions = partitions;
    }

    /** Selects every entry of the next partition in turn. */
    Predicate<String, byte[]> next() {
        String[] k = keys();
        return Predicates.partitionPredicate(k[Math.floorMod(next.getAndIncrement(), k.length)], Predicates.alwaysTrue());
    }

    private String[] keys() {
        String[] k = keys;
        if (k == null) {
            k = findKeys(partitions);
            keys = k;
        }
        return k;
    }

    /**
     * One key routed to each partition. A partition predicate takes a key, not a partition id, so keys are tried until
     * every partition has one: about n ln n tries for n partitions (some 1 500 for 271), once.
     */
    static String[] findKeys(PartitionService partitions) {
        int count = partitions.getPartitions().size();
        String[] found = new String[count];
        int missing = count;
        for (int i = 0; missing > 0; i++) {
            if (i > 1_000 * count) {
                throw new IllegalStateException("quotaware: no key found for " + missing + " of " + count
                        + " partitions");
            }
            String key = "quotaware-sweep-" + i;
            int id = partitions.getPartition(key).getPartitionId();
            if (found[id] == null) {
                found[id] = key;
                missing--;
            }
        }
        return found;
    }
}
