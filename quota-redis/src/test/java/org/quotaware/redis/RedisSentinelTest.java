package org.quotaware.redis;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.quotaware.QuotaManager;
import org.quotaware.store.CompareAndSetStore;
import org.quotaware.store.QuotaStoreUnavailableException;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code redis-sentinel://} against a real Sentinel watching a real master and its replica: the store asks the
 * Sentinel where the master is and decides there, exactly; after a failover it follows the new master, where the
 * counts made before it are (the replica had them).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisSentinelTest {

    private static RedisServer master;
    private static RedisServer replica;
    private static RedisServer sentinel;
    private final MutableClock clock = new MutableClock();

    @BeforeAll
    static void startRedis() throws Exception {
        master = RedisServer.start();
        replica = RedisServer.replicaOf(master.port());
        // the Sentinel finds the replica in the master's INFO when it starts: let the replica be attached by then
        awaitUntil(() -> master.command("WAIT", "1", "100").equals(":1"), "the replica is attached");
        sentinel = RedisServer.sentinel("mymaster", master.port());
    }

    @AfterAll
    static void stopRedis() throws Exception {
        try (RedisServer s = sentinel; RedisServer r = replica; RedisServer m = master) {
            // all three stopped, whatever fails
        }
    }

    private String address() {
        return "redis-sentinel://127.0.0.1:" + sentinel.port() + "#mymaster";
    }

    @Test
    @Order(1)
    void theStoreFindsTheMasterThroughTheSentinelAndDecidesExactly() throws Exception {
        try (CompareAndSetStore s = Decisions.store(address(), "sentinel", Map.of(), clock::millis)) {
            Decisions.fiveAdmittedThenRefused(s, "user:ann");
            assertThat(master.command("EXISTS", "quotaware:sentinel:user:ann")).as("on the master").isEqualTo(":1");
        }
    }

    /**
     * A failover ordered from the Sentinel: while the old master is demoted the store's operations fail as
     * unavailable (the host's fallback would decide them), then it reconnects through the Sentinel to the new master
     * and the user's 3 counted requests are there: exactly 2 more admitted.
     */
    @Test
    @Order(2)
    void afterAFailoverTheStoreFollowsTheNewMasterWithItsCounts() throws Exception {
        try (CompareAndSetStore s = Decisions.store(address(), "failover", Map.of(), clock::millis)) {
            QuotaManager m = Decisions.fivePerMinute(s);
            for (int i = 0; i < 3; i++) {
                assertThat(Decisions.admitted(m, "user:kim")).isTrue();
            }
            // replication is asynchronous: the replica acknowledges the 3 before the failover
            assertThat(master.command("WAIT", "1", "5000")).isEqualTo(":1");
            // refused (NOGOODREPLICA) until the Sentinel has seen the replica answer its INFO
            awaitUntil(() -> sentinel.command("SENTINEL", "FAILOVER", "mymaster").equals("+OK"), "failover started");
            awaitUntil(() -> replica.info("replication").contains("role:master"), "the replica is the master");

            int probe = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                String user = "user:probe-" + probe++;
                try {
                    if (Decisions.admitted(m, user)
                            && replica.command("EXISTS", "quotaware:failover:" + user).equals(":1")) {
                        break;
                    }
                } catch (QuotaStoreUnavailableException fallbackDecides) {
                    // the old master refuses writes (READONLY) or the connection is being moved: Redis's failure
                }
                assertThat(System.nanoTime()).as("the store reaches the new master within 60 s").isLessThan(deadline);
                Thread.sleep(50);
            }
            assertThat(Decisions.admitted(m, "user:kim")).isTrue();
            assertThat(Decisions.admitted(m, "user:kim")).isTrue();
            assertThat(Decisions.admitted(m, "user:kim")).as("the 6th, counted across the failover").isFalse();
            assertThat(m.usage("user:kim").requestsPerMinute()).isEqualTo(5);
            assertThat(replica.command("EXISTS", "quotaware:failover:user:kim")).isEqualTo(":1");
        }
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private static void awaitUntil(Condition condition, String what) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.holds()) {
            assertThat(System.nanoTime()).as(what + " within 30 s").isLessThan(deadline);
            Thread.sleep(50);
        }
    }
}
