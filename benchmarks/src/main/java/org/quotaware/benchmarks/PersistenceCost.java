package org.quotaware.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;

import org.postgresql.ds.PGSimpleDataSource;
import org.quotaware.benchmarks.contenders.Quotaware;
import org.quotaware.hazelcast.HazelcastQuotaStore;
import org.quotaware.hazelcast.persist.DataSources;
import org.quotaware.hazelcast.persist.Persistence;
import org.quotaware.testing.PostgresServer;

/**
 * What keeping the users' states in PostgreSQL ({@code quotaware.cluster.persistence}) adds to a decision: a real
 * two-member cluster in this JVM, decisions sent from one member on users the other owns (one {@code executeOnKey}
 * each), without and with the map store writing a second behind to a real PostgreSQL started here. Per decision: the
 * CPU of the calling thread (the request's path), the CPU of this whole JVM (both members, the write-behind thread
 * and the JDBC driver; the PostgreSQL server's own CPU is another process, not counted) and the wall time, over
 * {@code rounds} alternating rounds; then the first decision on users the cluster does not hold (the store loads each
 * from the database: one SELECT on the owner's partition thread). Prints one line per measurement.
 *
 * <pre>java -cp benchmarks/target/classes:benchmarks/target/lib/* org.quotaware.benchmarks.PersistenceCost [decisions] [rounds]</pre>
 */
public final class PersistenceCost {

    private static final String DS = "bench/QuotaDB";
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

    private PersistenceCost() {
    }

    public static void main(String[] args) throws Exception {
        int decisions = args.length > 0 ? Integer.parseInt(args[0]) : 50_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        try (PostgresServer pg = PostgresServer.start()) {
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(pg.jdbcUrl());
            DataSources.register(DS, ds);
            double[][] sums = new double[2][3];
            for (int round = 0; round < rounds; round++) {
                for (int kept = 0; kept < 2; kept++) {
                    double[] r = steady(kept == 1, decisions, "round-" + round + "-");
                    System.out.printf(Locale.ROOT, "round %d %-10s thread CPU %6.1f us, process CPU %6.1f us, "
                            + "wall %6.1f us per decision%n", round + 1, kept == 1 ? "persistent" : "memory", r[0],
                            r[1], r[2]);
                    if (round > 0) { // the first round warms up
                        for (int i = 0; i < 3; i++) {
                            sums[kept][i] += r[i] / (rounds - 1);
                        }
                    }
                }
            }
            for (int kept = 0; kept < 2; kept++) {
                System.out.printf(Locale.ROOT, "mean of rounds 2-%d %-10s thread CPU %6.1f us, process CPU %6.1f us, "
                        + "wall %6.1f us per decision%n", rounds, kept == 1 ? "persistent" : "memory",
                        sums[kept][0], sums[kept][1], sums[kept][2]);
            }
            for (int kept = 0; kept < 2; kept++) {
                double[] r = firstUse(kept == 1, 2_000);
                System.out.printf(Locale.ROOT, "first use  %-10s thread CPU %6.1f us, process CPU %6.1f us, "
                        + "wall %6.1f us per decision on a user the cluster does not hold%n",
                        kept == 1 ? "persistent" : "memory", r[0], r[1], r[2]);
            }
        }
    }

    /** Decisions on 1 000 users the other member owns, their entries made before the clock starts. */
    private static double[] steady(boolean kept, int decisions, String prefix) {
        try (TwoMemberCluster cluster = new TwoMemberCluster()) {
            Quotaware c = contender(cluster, kept, prefix);
            String[] keys = cluster.remoteKeys(1_000);
            for (int i = 0; i < 3 * keys.length; i++) {
                c.decide(keys[i % keys.length]);
            }
            return measure(decisions, i -> c.decide(keys[i % keys.length]));
        }
    }

    /** The first decision on each of {@code users} users the other member owns: none is in memory yet. */
    private static double[] firstUse(boolean kept, int users) {
        try (TwoMemberCluster cluster = new TwoMemberCluster()) {
            Quotaware c = contender(cluster, kept, "first-");
            String[] keys = cluster.remoteKeys(users + 200);
            for (int i = 0; i < 200; i++) {
                c.decide(keys[i]); // warms the path up
            }
            return measure(users, i -> c.decide(keys[200 + i]));
        }
    }

    private static Quotaware contender(TwoMemberCluster cluster, boolean kept, String prefix) {
        String map = kept ? prefix + "kept" : prefix + "memory";
        Persistence persistence = kept ? new Persistence(DS, 1) : null;
        HazelcastQuotaStore.builder(cluster.owner()).mapName(map).persistence(persistence).build();
        return Quotaware.on(HazelcastQuotaStore.builder(cluster.caller()).mapName(map).maxTrackedUsers(1_000_000)
                .persistence(persistence).build(), Scenario.SUCCESS, false);
    }

    private static double[] measure(int n, java.util.function.IntConsumer decide) {
        long thread = THREADS.getCurrentThreadCpuTime();
        long process = OS.getProcessCpuTime();
        long wall = System.nanoTime();
        for (int i = 0; i < n; i++) {
            decide.accept(i);
        }
        return new double[] {(THREADS.getCurrentThreadCpuTime() - thread) / 1e3 / n,
                (OS.getProcessCpuTime() - process) / 1e3 / n, (System.nanoTime() - wall) / 1e3 / n};
    }
}
