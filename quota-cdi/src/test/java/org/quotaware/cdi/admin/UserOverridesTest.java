package org.quotaware.cdi.admin;

import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.config.Config;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;
import org.quotaware.cdi.hazelcast.HazelcastLink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Per-user overrides across a real two-member embedded Hazelcast cluster (TCP on 127.0.0.1, ports 5871-5872): what one
 * member sets or removes, the other applies; a member that joins later applies what is there; the bound holds.
 */
class UserOverridesTest {

    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");
    private static final QuotaLimits BASE = QuotaLimits.builder().requestsPerMinute(10).build();
    private static HazelcastInstance a;
    private static HazelcastInstance b;

    @BeforeAll
    static void cluster() {
        HAZELCAST_LOG.setLevel(Level.WARNING);
        String name = "overrides-" + UUID.randomUUID();
        a = Hazelcast.newHazelcastInstance(config(name, 5871));
        b = Hazelcast.newHazelcastInstance(config(name, 5872));
        await(() -> a.getCluster().getMembers().size() == 2);
    }

    @AfterAll
    static void stop() {
        b.getLifecycleService().terminate();
        a.getLifecycleService().terminate();
    }

    private static Config config(String cluster, int port) {
        Config c = new Config().setClusterName(cluster);
        c.setProperty("hazelcast.logging.type", "jdk");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.partition.count", "71");
        c.setProperty("hazelcast.socket.bind.any", "false");
        NetworkConfig net = c.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        net.getJoin().getMulticastConfig().setEnabled(false);
        net.getJoin().getAutoDetectionConfig().setEnabled(false);
        net.getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:5871").addMember("127.0.0.1:5872");
        return c;
    }

    /** Listener events arrive on Hazelcast's event thread: wait for them, failing after 10 s. */
    private static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as("in time").isLessThan(deadline);
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static UserOverrides member(HazelcastInstance hz, QuotaTiers tiers, String map, int max) {
        UserOverrides o = new UserOverrides(tiers, max);
        o.share(HazelcastLink.of(hz).map(map));
        return o;
    }

    @Test
    void anOverrideSetOnOneMemberAppliesOnTheOtherAndItsRemovalToo() {
        String map = "overrides-" + UUID.randomUUID();
        QuotaTiers tiersA = new QuotaTiers(BASE);
        QuotaTiers tiersB = new QuotaTiers(BASE);
        UserOverrides onA = member(a, tiersA, map, 10);
        UserOverrides onB = member(b, tiersB, map, 10);
        QuotaLimits own = BASE.toBuilder().requestsPerMinute(500).maxQueueWait(Duration.ofSeconds(3)).build();

        assertThat(onA.set("key:alice", own)).isNull();

        assertThat(tiersA.resolve("key:alice", null)).isEqualTo(new QuotaTiers.Applied(QuotaTiers.OVERRIDE, own));
        await(() -> QuotaTiers.OVERRIDE.equals(tiersB.resolve("key:alice", null).tier()));
        assertThat(tiersB.resolve("key:alice", null).limits()).isEqualTo(own);
        assertThat(onB.of("key:alice")).isEqualTo(own);
        assertThat(onB.count()).isEqualTo(1);

        assertThat(onB.clear("key:alice")).isNull();

        await(() -> QuotaTiers.DEFAULT.equals(tiersA.resolve("key:alice", null).tier()));
        assertThat(tiersA.resolve("key:alice", null).limits()).isEqualTo(BASE);
        assertThat(onA.of("key:alice")).isNull();
        assertThat(onA.count()).isZero();
        assertThat(tiersB.resolve("key:alice", null).limits()).isEqualTo(BASE);
        onA.stop();
        onB.stop();
    }

    @Test
    void aMemberThatStartsLaterAppliesTheOverridesAlreadySetAndNotTheTierEntries() {
        String map = "overrides-" + UUID.randomUUID();
        UserOverrides onA = member(a, new QuotaTiers(BASE), map, 10);
        QuotaLimits own = BASE.toBuilder().requestsPerMinute(7).build();
        onA.set("key:bob", own);
        IMap<String, String> shared = a.getMap(map);
        shared.set("tier:gold", TierChange.text(BASE)); // the tiers' entries share the map

        QuotaTiers later = new QuotaTiers(BASE);
        UserOverrides onB = member(b, later, map, 10);

        assertThat(later.resolve("key:bob", null)).isEqualTo(new QuotaTiers.Applied(QuotaTiers.OVERRIDE, own));
        assertThat(onB.count()).isEqualTo(1);
        onA.stop();
        onB.stop();
    }

    @Test
    void beyondTheBoundANewOverrideIsRefusedButAnExistingOneCanChange() {
        QuotaTiers tiers = new QuotaTiers(BASE);
        UserOverrides alone = new UserOverrides(tiers, 2); // a member without Hazelcast
        QuotaLimits own = BASE.toBuilder().requestsPerMinute(5).build();

        assertThat(alone.set("u1", own)).isEqualTo("this member has no Hazelcast: applied here only");
        alone.set("u2", own);
        assertThatThrownBy(() -> alone.set("u3", own)).isInstanceOf(UserOverrides.TooMany.class)
                .hasMessage("at most 2 users may have limits of their own (quotaware.admin.max-overrides); "
                        + "remove one with DELETE users/{user}/limits first");
        assertThat(tiers.resolve("u3", null).limits()).isEqualTo(BASE);

        QuotaLimits changed = BASE.toBuilder().requestsPerMinute(6).build();
        alone.set("u2", changed);
        assertThat(tiers.resolve("u2", null).limits()).isEqualTo(changed);
        alone.clear("u1");
        alone.set("u3", own);
        assertThat(alone.count()).isEqualTo(2);
    }
}
