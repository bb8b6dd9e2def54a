package org.quotaware.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.partition.Partition;
import io.github.bucket4j.grid.hazelcast.HazelcastProxyManager;

/**
 * A real two-member Hazelcast cluster on loopback, both members embedded in the benchmark JVM: every call from
 * {@link #caller()} to a key {@link #remoteKeys owned by the other member} crosses a TCP connection on 127.0.0.1 with
 * full serialization, as between two servers, while one JVM keeps the run short and the setup free of scripts. Both
 * maps have one synchronous backup (Hazelcast's default, and our store's).
 */
public final class TwoMemberCluster implements AutoCloseable {

    public static final String QUOTAWARE_MAP = "bench-quotaware";
    public static final String BUCKET4J_MAP = "bench-bucket4j";

    private final HazelcastInstance caller;
    private final HazelcastInstance owner;

    public TwoMemberCluster() {
        String name = "quotaware-bench-" + UUID.randomUUID();
        int[] ports = {freePort(), freePort()};
        caller = Hazelcast.newHazelcastInstance(config(name, ports[0], ports));
        owner = Hazelcast.newHazelcastInstance(config(name, ports[1], ports));
        if (caller.getCluster().getMembers().size() != 2) {
            throw new IllegalStateException("the two members did not form one cluster: " + caller.getCluster());
        }
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Config config(String clusterName, int port, int[] ports) {
        Config c = new Config().setClusterName(clusterName);
        c.setProperty("hazelcast.logging.type", "none");
        c.setProperty("hazelcast.phone.home.enabled", "false");
        c.setProperty("hazelcast.wait.seconds.before.join", "0");
        NetworkConfig n = c.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        n.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        JoinConfig j = n.getJoin();
        j.getMulticastConfig().setEnabled(false);
        j.getAutoDetectionConfig().setEnabled(false);
        for (int p : ports) {
            j.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + p);
        }
        // bucket4j's own serializers for its processors: its fastest documented setup
        HazelcastProxyManager.addCustomSerializers(c.getSerializationConfig(), 10_000);
        c.addMapConfig(new MapConfig(QUOTAWARE_MAP).setBackupCount(1).setAsyncBackupCount(0));
        c.addMapConfig(new MapConfig(BUCKET4J_MAP).setBackupCount(1).setAsyncBackupCount(0));
        return c;
    }

    /** The member the benchmark calls from. */
    public HazelcastInstance caller() {
        return caller;
    }

    public HazelcastInstance owner() {
        return owner;
    }

    /** {@code count} user names whose partition the other member owns: every decision on them is a network call. */
    public String[] remoteKeys(int count) {
        List<String> keys = new ArrayList<>(count);
        for (int i = 0; keys.size() < count; i++) {
            String key = "user-" + i;
            Partition p = caller.getPartitionService().getPartition(key);
            if (!p.getOwner().localMember()) {
                keys.add(key);
            }
        }
        return keys.toArray(String[]::new);
    }

    @Override
    public void close() {
        owner.shutdown();
        caller.shutdown();
    }
}
