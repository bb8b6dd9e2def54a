package org.quotaware.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.store.CompareAndSetStore;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code redis-cluster://} against a real Redis Cluster of three masters (made with {@code redis-cli --cluster
 * create}), the address naming one of them: users whose keys live in different slots, so on different masters, are
 * each decided exactly, and the tracked-user count is the cluster's.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class RedisClusterTest {

    private static final List<RedisServer> NODES = new ArrayList<>();

    @BeforeAll
    static void startCluster() throws Exception {
        List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        for (int i = 0; i < 3; i++) {
            // the cluster bus gets a free port of its own (by default it is the port + 10000, maybe not free)
            RedisServer node = RedisServer.withOptions(null, "--cluster-enabled", "yes", "--cluster-config-file",
                    "nodes.conf", "--cluster-port", Integer.toString(RedisServer.freePort()));
            NODES.add(node);
            create.add("127.0.0.1:" + node.port());
        }
        create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
        Process cli = new ProcessBuilder(create).redirectErrorStream(true).start();
        String out = new String(cli.getInputStream().readAllBytes());
        assertThat(cli.waitFor(30, TimeUnit.SECONDS) && cli.exitValue() == 0).as("redis-cli --cluster create: %s", out)
                .isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (RedisServer node : NODES) {
            while (!node.command("CLUSTER", "INFO").equals("cluster_state:ok")) {
                assertThat(System.nanoTime()).as("the cluster is ok within 30 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    @AfterAll
    static void stopCluster() throws Exception {
        for (RedisServer node : NODES) {
            node.close();
        }
    }

    @Test
    void usersOnEveryMasterAreDecidedExactly() throws Exception {
        try (CompareAndSetStore s = Decisions.store("redis-cluster://127.0.0.1:" + NODES.get(0).port(), "cluster",
                Map.of(), new MutableClock()::millis)) {
            List<String> users = List.of("user:ann", "user:bob", "user:cid", "user:dan", "user:eve", "user:fay");
            for (String user : users) {
                Decisions.fiveAdmittedThenRefused(s, user);
            }
            long keys = 0;
            int mastersWithKeys = 0;
            for (RedisServer node : NODES) {
                long n = Long.parseLong(node.command("DBSIZE").substring(1));
                keys += n;
                mastersWithKeys += n > 0 ? 1 : 0;
            }
            assertThat(keys).as("one key a user, no index on a cluster").isEqualTo(users.size());
            assertThat(mastersWithKeys).as("the users' keys are spread over the masters").isGreaterThan(1);
            assertThat(s.trackedUsers()).isEqualTo(users.size());
        }
    }
}
