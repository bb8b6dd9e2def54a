package org.quotaware.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;

/**
 * One Lettuce connection to a Redis deployment (a server, a Sentinel-watched master, or a cluster), opened so that no
 * request ever waits for it: the first attempt runs at deployment; while there is no connection, commands fail at
 * once (the store's fallback decides) and a daemon thread tries again every second. Once connected, Lettuce
 * reconnects by itself, and rejects commands while it is disconnected rather than queueing them: a dead Redis costs a
 * request nothing but the exception.
 */
final class RedisLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RedisLink.class.getName());
    /** Users' ids as UTF-8 keys, their states as raw bytes. */
    static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);
    private static final long RETRY_MILLIS = 1_000;

    private final AbstractRedisClient client;
    private final ClientResources ownResources;
    private final boolean cluster;
    private final List<RedisURI> nodes;
    private final String address;
    private final ScheduledExecutorService retries;
    private volatile StatefulConnection<String, byte[]> connection;
    private volatile RedisClusterCommands<String, byte[]> sync;
    private volatile RedisClusterAsyncCommands<String, byte[]> async;
    private volatile boolean closed;

    /**
     * @param address a form of the address for messages, its password masked
     * @param cluster whether {@code nodes} are seeds of a Redis Cluster rather than one server (or its Sentinels)
     * @param timeout how long a command or a connection attempt may take
     * @param resources Lettuce's threads and metrics to share, or null for the link's own (shut down with it, and
     *                  reconnecting at least every 2 s)
     */
    RedisLink(String address, List<RedisURI> nodes, boolean cluster, Duration timeout, ClientResources resources) {
        this.address = address;
        this.cluster = cluster;
        this.nodes = List.copyOf(nodes);
        // Lettuce's default reconnect delay grows to 30 s: after a long outage the fallback would decide locally up to
        // 30 s longer than Redis is away; reconnecting at least every 2 s keeps that short for one connect attempt
        this.ownResources = resources != null ? null : DefaultClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(2), 2,
                        TimeUnit.MILLISECONDS)).build();
        ClientResources shared = resources != null ? resources : ownResources;
        SocketOptions socket = SocketOptions.builder().connectTimeout(timeout).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
        for (RedisURI node : nodes) {
            node.setTimeout(timeout);
        }
        if (cluster) {
            RedisClusterClient c = RedisClusterClient.create(shared, nodes);
            c.setOptions(ClusterClientOptions.builder()
                    .socketOptions(socket).timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    // a failover moves slots: follow MOVED and ASK at once, and re-read the topology now and then
                    .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                            .enableAllAdaptiveRefreshTriggers().enablePeriodicRefresh(Duration.ofSeconds(30)).build())
                    .build());
            this.client = c;
        } else {
            RedisClient c = RedisClient.create(shared);
            c.setOptions(ClientOptions.builder()
                    .socketOptions(socket).timeoutOptions(timeouts)
                    .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                    .build());
            this.client = c;
        }
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "quotaware-redis-connect");
            t.setDaemon(true);
            return t;
        });
        if (!connect()) {
            retries.schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    /** The synchronous commands; fails at once while there is no connection yet. */
    RedisClusterCommands<String, byte[]> commands() {
        RedisClusterCommands<String, byte[]> c = sync;
        if (c == null) {
            throw new RedisConnectionException("quotaware: no connection to Redis at " + address
                    + " yet (retried every second)");
        }
        return c;
    }

    /** The asynchronous commands, or null while there is no connection. */
    RedisClusterAsyncCommands<String, byte[]> asyncCommands() {
        return async;
    }

    boolean cluster() {
        return cluster;
    }

    String address() {
        return address;
    }

    private void retry() {
        if (!closed && !connect()) {
            retries.schedule(this::retry, RETRY_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private boolean connect() {
        try {
            if (cluster) {
                StatefulRedisClusterConnection<String, byte[]> c = ((RedisClusterClient) client).connect(CODEC);
                if (closed) {
                    c.close();
                    return true;
                }
                connection = c;
                async = c.async();
                sync = c.sync();
            } else {
                StatefulRedisConnection<String, byte[]> c = ((RedisClient) client).connect(CODEC, nodes.get(0));
                if (closed) {
                    c.close();
                    return true;
                }
                connection = c;
                async = c.async();
                sync = c.sync();
            }
            LOG.info(() -> "quotaware: connected to Redis at " + address);
            return true;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "quotaware: cannot connect to Redis at " + address + " (" + e.getMessage()
                    + "); decisions fall back meanwhile, retried every second");
            return false;
        }
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        retries.shutdownNow();
        StatefulConnection<String, byte[]> c = connection;
        if (c != null) {
            c.close();
        }
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        if (ownResources != null) {
            ownResources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
