package org.quotaware.hazelcast;

import java.time.InstantSource;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.hazelcast.map.IMap;
import org.quotaware.store.StateMap;

/**
 * The {@link StateMap} of a Hazelcast {@link IMap} of state bytes: {@code putIfAbsent}, {@code replace} and
 * {@code remove} compare the stored bytes on the entry's owner, which is all a
 * {@link org.quotaware.store.CompareAndSetStore} needs, and no member needs any class of ours for it.
 */
final class HazelcastStateMap implements StateMap {

    private final IMap<String, byte[]> map;
    private final InstantSource clock;
    private final PartitionSweep sweep;
    /** Whether the map's max-idle removes abandoned entries (then writes carry no time to live of their own). */
    private final boolean maxIdleBounds;

    HazelcastStateMap(IMap<String, byte[]> map, InstantSource clock, PartitionSweep sweep, boolean maxIdleBounds) {
        this.map = map;
        this.clock = clock;
        this.sweep = sweep;
        this.maxIdleBounds = maxIdleBounds;
    }

    @Override
    public byte[] get(String user) {
        return map.get(user);
    }

    @Override
    public boolean putIfAbsent(String user, byte[] state, long ttlMillis) {
        return (maxIdleBounds ? map.putIfAbsent(user, state)
                : map.putIfAbsent(user, state, ttlMillis, TimeUnit.MILLISECONDS)) == null;
    }

    @Override
    public boolean replace(String user, byte[] expected, byte[] state, long ttlMillis) {
        // IMap's compare-and-replace takes no time to live: the map's max-idle bounds the entry (the configuration
        // this store adds); on a map the operator configured without one, the entry keeps what its creation set
        return map.replace(user, expected, state);
    }

    @Override
    public boolean remove(String user, byte[] expected) {
        return map.remove(user, expected);
    }

    /** A call to every member. */
    @Override
    public long size() {
        return map.size();
    }

    /** The entries of one partition, the next one in turn ({@link PartitionSweep}). */
    @Override
    public Map<String, byte[]> nextSlice() {
        Map<String, byte[]> slice = new HashMap<>();
        map.entrySet(sweep.next()).forEach(e -> slice.put(e.getKey(), e.getValue()));
        return slice;
    }

    /** Hazelcast's cluster time (or the store's clock in tests). */
    @Override
    public long currentTimeMillis() {
        return clock.millis();
    }
}
