package org.quotaware.hazelcast;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;

/**
 * Embedded Hazelcast members in this JVM, joined over TCP on 127.0.0.1 (no multicast), with a cluster name of their
 * own, few threads and short timeouts so a test with a dead member fails fast instead of hanging.
 */
final class TestCluster implements AutoCloseable {

    /** Held so the level is not lost when the logger is collected. */
    private static final Logger HAZELCAST_LOG = Logger.getLogger("com.hazelcast");

    static {
        HAZELCAST_LOG.setLevel(Level.WARNING);
    }

    private final String name;
    private final int firstPort;
    private final int size;
    private final List<HazelcastInstance> members = new ArrayList<>();

    private TestCluster(String name, int firstPort, int size) {
        this.name = name;
        this.firstPort = firstPort;
        this.size = size;
    }

    /** Starts {@code size} members on ports {@code firstPort, firstPort + 1, ...}. */
    static TestCluster start(String prefix, int firstPort, int size) {
        TestCluster c = new TestCluster(prefix + "-" + UUID.randomUUID(), firstPort, size);
        for (int i = 0; i < size; i++) {
            c.members.add(Hazelcast.newHazelcastInstance(c.config(firstPort + i)));
        }
        c.awaitSafe();
        return c;
    }

    /** The shape of a cluster without starting it, for members started another way. */
    static TestCluster plan(String prefix, int firstPort, int size) {
        return new TestCluster(prefix + "-" + UUID.randomUUID(), firstPort, size);
    }

    /** The settings of {@link #config} as Hazelcast XML, for a member in another class loader. */
    static String xml(Config c) {
        return new com.hazelcast.config.ConfigXmlGenerator(false, false).generate(c);
    }

    Config config(int port) {
        Config c = new Config();
        c.setClusterName(name);
        c.setProperty("hazelcast.logging.type", "jdk");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.shutdownhook.enabled", "false");
        c.setProperty("hazelcast.partition.count", "71");
        c.setProperty("hazelcast.operation.thread.count", "2");
        c.setProperty("hazelcast.operation.generic.thread.count", "1");
        c.setProperty("hazelcast.io.thread.count", "1");
        c.setProperty("hazelcast.event.thread.count", "1");
        c.setProperty("hazelcast.client.event.thread.count", "1");
        c.setProperty("hazelcast.socket.bind.any", "false");
        c.setProperty("hazelcast.operation.call.timeout.millis", "10000");
        c.setProperty("hazelcast.invocation.max.retry.count", "20");
        c.setProperty("hazelcast.invocation.retry.pause.millis", "200");
        c.setProperty("hazelcast.max.no.heartbeat.seconds", "10");
        NetworkConfig net = c.getNetworkConfig();
        net.setPort(port).setPortAutoIncrement(false);
        net.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig join = net.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true);
        for (int i = 0; i < size; i++) {
            join.getTcpIpConfig().addMember("127.0.0.1:" + (firstPort + i));
        }
        return c;
    }

    /** Waits until every member joined, partitions are assigned and every backup is in sync. */
    private void awaitSafe() {
        HazelcastInstance first = members.get(0);
        first.getPartitionService().getPartition("any").getOwner(); // assigns the partitions
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (first.getCluster().getMembers().size() < size || !first.getPartitionService().isClusterSafe()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cluster " + name + " not safe after 30 s");
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    HazelcastInstance member(int i) {
        return members.get(i);
    }

    /** A user name whose entry {@code owner} holds (primary replica), so calls from other members are remote. */
    static String keyOwnedBy(HazelcastInstance owner, String prefix) {
        for (int i = 0; i < 10_000; i++) {
            String key = prefix + i;
            if (owner.getPartitionService().getPartition(key).getOwner().localMember()) {
                return key;
            }
        }
        throw new IllegalStateException("no key owned by " + owner);
    }

    /** Kills a member without a graceful migration, as a crash would. */
    void crash(int i) {
        members.get(i).getLifecycleService().terminate();
    }

    @Override
    public void close() {
        for (HazelcastInstance m : members) {
            m.getLifecycleService().terminate();
        }
    }
}
