package org.quotaware.store;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * The smallest {@link StateMap}: a map in this JVM, comparing bytes by value, as a remote backend's script does. The
 * time to live is not enforced (tests move the clock, not the wall). Counts its calls, as round trips.
 */
public final class MemoryStateMap implements StateMap {

    private final Map<String, byte[]> states = new ConcurrentHashMap<>();
    private final LongSupplier clock;
    private final int sliceSize;
    public final AtomicInteger calls = new AtomicInteger();

    public MemoryStateMap(LongSupplier clock, int sliceSize) {
        this.clock = clock;
        this.sliceSize = sliceSize;
    }

    @Override
    public byte[] get(String user) {
        calls.incrementAndGet();
        return states.get(user);
    }

    @Override
    public boolean putIfAbsent(String user, byte[] state, long ttlMillis) {
        calls.incrementAndGet();
        return states.putIfAbsent(user, state) == null;
    }

    @Override
    public boolean replace(String user, byte[] expected, byte[] state, long ttlMillis) {
        calls.incrementAndGet();
        boolean[] done = {false};
        states.computeIfPresent(user, (k, now) -> {
            done[0] = Arrays.equals(now, expected);
            return done[0] ? state : now;
        });
        return done[0];
    }

    @Override
    public boolean remove(String user, byte[] expected) {
        calls.incrementAndGet();
        boolean[] done = {false};
        states.computeIfPresent(user, (k, now) -> {
            done[0] = Arrays.equals(now, expected);
            return done[0] ? null : now;
        });
        return done[0];
    }

    @Override
    public long size() {
        return states.size();
    }

    @Override
    public Map<String, byte[]> nextSlice() {
        Map<String, byte[]> slice = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : states.entrySet()) {
            if (slice.size() >= sliceSize) {
                break;
            }
            slice.put(e.getKey(), e.getValue());
        }
        return slice;
    }

    @Override
    public long currentTimeMillis() {
        return clock.getAsLong();
    }
}
