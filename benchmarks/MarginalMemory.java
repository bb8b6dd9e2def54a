import java.lang.management.ManagementFactory;
import java.lang.reflect.Method;
import java.util.Locale;

import org.quotaware.benchmarks.Contender;
import org.quotaware.benchmarks.DecisionBenchmark;
import org.quotaware.benchmarks.Scenario;
import org.quotaware.benchmarks.Users;

/**
 * Memory per tracked user at the margin: the heap that 100 000 more users cost a manager that already tracks 1 000
 * (so its classes are loaded and its first tables made). MemoryFootprint divides the heap grown since before the
 * manager was made, which also counts what a manager makes once; between two builds that make different one-time
 * objects, that difference reads as a cost per user. Run as a source file with any build's benchmark class path (it
 * uses only DecisionBenchmark.create, Users, Scenario and Contender, which every build has):
 *
 *   java -Xms2g -Xmx2g -cp "DIR/benchmarks/target/classes:DIR/benchmarks/target/lib/*" benchmarks/MarginalMemory.java
 *
 * Prints one JSON object: the limiter, the users measured and the heap bytes per user of two rounds, each on a fresh
 * manager. A first round is made and not shown: what the source launcher's compiler leaves is still being freed then
 * (it read 50 B a user less than the rounds after it, on both builds).
 */
public final class MarginalMemory {

    static final int USERS = 100_000;
    static final int SETTLED = 1_000;

    public static void main(String[] args) throws Exception {
        String limiter = args.length > 0 ? args[0] : "quotaware";
        String[] keys = Users.names(USERS + SETTLED);
        Method create = DecisionBenchmark.class.getDeclaredMethod("create", String.class, Scenario.class, int.class);
        create.setAccessible(true);
        StringBuilder rounds = new StringBuilder();
        for (int round = 0; round < 3; round++) {
            Contender c = (Contender) create.invoke(null, limiter, Scenario.SUCCESS, USERS);
            for (int i = 0; i < SETTLED; i++) {
                c.decide(keys[USERS + i]);
            }
            long before = heapAfterGc();
            for (int i = 0; i < USERS; i++) {
                c.decide(keys[i]);
            }
            long after = heapAfterGc();
            if (round > 0) {
                rounds.append(round == 1 ? "" : ", ").append(String.format(Locale.ROOT, "%.1f",
                        (double) (after - before) / USERS));
            }
            java.lang.ref.Reference.reachabilityFence(c); // measured alive, not collected before the second reading
        }
        System.out.printf(Locale.ROOT, "{\"limiter\": \"%s\", \"users\": %d, \"heapBytesPerUser\": [%s]}%n", limiter,
                USERS, rounds);
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 5; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
