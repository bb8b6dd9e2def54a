package org.quotaware.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.hazelcast.core.HazelcastInstance;
import org.openjdk.jol.info.GraphLayout;
import org.quotaware.benchmarks.contenders.Quotaware;
import org.quotaware.engine.Operations;
import org.quotaware.engine.UserState;

/**
 * Memory per tracked user. In one JVM: {@value #LOCAL_USERS} users each make one call (so each has live state), then
 * the heap after full GCs minus the heap before, per user; the user names are made before the baseline and so are
 * not counted (they cost the same everywhere). In Hazelcast: {@value #CLUSTER_USERS} users through the caller member,
 * then the map's {@code ownedEntryMemoryCost} summed over both members (one copy of each entry: key, value and
 * Hazelcast's record), and the heap delta of the whole JVM (both members: primary and backup copies). Prints JSON.
 * {@code quotaware-6w} is ours with three more windows declared beside today's three (see
 * {@link Quotaware#inMemorySixWindows}).
 */
public final class MemoryFootprint {

    static final int LOCAL_USERS = 100_000;
    static final int CLUSTER_USERS = 10_000;

    private MemoryFootprint() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (String limiter : new String[] {"quotaware", "quotaware-6w", "bucket4j-1", "bucket4j-3", "resilience4j",
                "guava"}) {
            String[] keys = Users.names(LOCAL_USERS);
            long before = heapAfterGc();
            Contender c = DecisionBenchmark.create(limiter, Scenario.SUCCESS, LOCAL_USERS);
            for (String key : keys) {
                c.decide(key);
            }
            long after = heapAfterGc();
            String extra = "";
            if (c instanceof Quotaware q) {
                UserState state = q.manager().store().execute(keys[0], new Operations.Export());
                GraphLayout own = ownGraph(state);
                extra = String.format(Locale.ROOT, ", \"stateBytes\": %d, \"stateLayout\": \"%s\"",
                        own.totalSize(), own.toFootprint().replace("\n", "\\n").replace("\"", "'"));
            }
            out.put(limiter, String.format(Locale.ROOT, "{\"users\": %d, \"heapBytesPerUser\": %.1f%s}", LOCAL_USERS,
                    (double) (after - before) / LOCAL_USERS, extra));
            reach(c, keys);
        }
        for (String limiter : new String[] {"quotaware-slot", "bucket4j-3", "bucket4j-1"}) {
            try (TwoMemberCluster cluster = new TwoMemberCluster()) {
                String[] keys = Users.names(CLUSTER_USERS);
                long before = heapAfterGc();
                Contender c = ClusterBenchmark.create(limiter, cluster);
                for (String key : keys) {
                    c.decide(key);
                }
                long after = heapAfterGc();
                String map = limiter.startsWith("quotaware") ? TwoMemberCluster.QUOTAWARE_MAP
                        : TwoMemberCluster.BUCKET4J_MAP;
                long owned = owned(cluster.caller(), map) + owned(cluster.owner(), map);
                long entries = cluster.caller().getMap(map).size();
                out.put("hazelcast/" + limiter, String.format(Locale.ROOT,
                        "{\"users\": %d, \"entries\": %d, \"ownedEntryBytesPerUser\": %.1f, \"heapBytesPerUser\": %.1f}",
                        CLUSTER_USERS, entries, (double) owned / entries, (double) (after - before) / CLUSTER_USERS));
                reach(c, keys);
            }
        }
        StringBuilder json = new StringBuilder("{\n");
        out.forEach((k, v) -> json.append("  \"").append(k).append("\": ").append(v).append(",\n"));
        json.setLength(json.length() - 2);
        System.out.println(json.append("\n}"));
    }

    /**
     * The objects of one state, without its layout of counters ({@code UserState.windows}): one layout per tier,
     * shared by every state of that tier, so no user's cost.
     */
    private static GraphLayout ownGraph(UserState state) throws IllegalAccessException {
        GraphLayout all = GraphLayout.parseInstance(state);
        try {
            java.lang.reflect.Field f = UserState.class.getDeclaredField("windows");
            f.setAccessible(true);
            return all.subtract(GraphLayout.parseInstance(f.get(state)));
        } catch (NoSuchFieldException e) {
            return all; // a state of the code before issue 18 has no layout of its own
        }
    }

    private static long owned(HazelcastInstance hz, String map) {
        return hz.getMap(map).getLocalMapStats().getOwnedEntryMemoryCost();
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** Keeps the measured objects reachable until after the second measurement. */
    private static void reach(Object... objects) {
        if (objects.hashCode() == 42) {
            System.out.print("");
        }
    }
}
