package org.quotaware.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.lettuce.core.RedisURI;

import org.quotaware.InvalidQuotaConfigException;

/**
 * Where Redis is, read from the store's address: one server ({@code redis://}, {@code rediss://} with TLS), a master
 * watched by Sentinels ({@code redis-sentinel://}, {@code rediss-sentinel://}) or a cluster's seed nodes
 * ({@code redis-cluster://}, {@code rediss-cluster://}). Credentials come from the address's user part or from the
 * {@code store.username} and {@code store.password} settings, which win; a message shows the address with its
 * password masked.
 *
 * @param nodes   the server, or the cluster's seeds (a Sentinel address is one {@link RedisURI} with its sentinels)
 * @param cluster whether the nodes are a cluster's seeds
 * @param masked  the address as given, its password replaced by {@code ****}
 */
record RedisAddress(List<RedisURI> nodes, boolean cluster, String masked) {

    /** The key a store is named under: the filter's init-param ({@code quotaware.store} in MicroProfile Config). */
    static final String KEY = "store";
    static final String ALLOWED = "a Redis address: redis://[[user]:password@]host[:port][/db], rediss://... (TLS), "
            + "redis-sentinel://[[user]:password@]host[:port][,host[:port]...][/db]#master (rediss-sentinel:// with "
            + "TLS), or redis-cluster://[[user]:password@]host:port[,host:port...] (rediss-cluster:// with TLS)";
    private static final List<String> SCHEMES = List.of("redis://", "rediss://", "redis-sentinel://",
            "rediss-sentinel://", "redis-cluster://", "rediss-cluster://");

    /** Whether {@code store} names Redis (by its scheme; whether the rest is right is for {@link #parse}). */
    static boolean accepts(String store) {
        String s = store == null ? "" : store.trim().toLowerCase(Locale.ROOT);
        return SCHEMES.stream().anyMatch(s::startsWith);
    }

    /**
     * @param username the {@code store.username} setting, or null
     * @param password the {@code store.password} setting, or null
     * @throws InvalidQuotaConfigException naming {@code store}, the address with its password masked, and the forms
     */
    static RedisAddress parse(String store, String username, String password) {
        String address = store.trim();
        String masked = mask(address);
        String lower = address.toLowerCase(Locale.ROOT);
        try {
            if (lower.startsWith("redis-cluster://") || lower.startsWith("rediss-cluster://")) {
                return new RedisAddress(cluster(address, username, password), true, masked);
            }
            RedisURI uri = RedisURI.create(address);
            boolean sentinel = lower.startsWith("redis-sentinel://") || lower.startsWith("rediss-sentinel://");
            if (sentinel ? uri.getSentinels().isEmpty() || uri.getSentinelMasterId() == null
                    : uri.getHost() == null || uri.getHost().isBlank()) {
                throw bad(masked);
            }
            credentials(uri, username, password);
            return new RedisAddress(List.of(uri), false, masked);
        } catch (IllegalArgumentException | IllegalStateException e) {
            if (e instanceof InvalidQuotaConfigException invalid) {
                throw invalid;
            }
            throw bad(masked);
        }
    }

    private static List<RedisURI> cluster(String address, String username, String password) {
        boolean tls = address.regionMatches(true, 0, "rediss-", 0, 7);
        String rest = address.substring(address.indexOf("://") + 3);
        String user = null;
        String secret = null;
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String info = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = info.indexOf(':');
            user = colon < 0 ? null : info.substring(0, colon);
            secret = colon < 0 ? info : info.substring(colon + 1);
        }
        int end = rest.length();
        for (char stop : new char[] {'/', '?', '#'}) {
            int i = rest.indexOf(stop);
            if (i >= 0) {
                end = Math.min(end, i);
            }
        }
        List<RedisURI> nodes = new ArrayList<>();
        for (String node : rest.substring(0, end).split(",")) {
            String n = node.trim();
            int colon = n.lastIndexOf(':');
            String host = colon < 0 ? n : n.substring(0, colon);
            if (host.isEmpty()) {
                throw new IllegalArgumentException("no host");
            }
            int port = colon < 0 ? RedisURI.DEFAULT_REDIS_PORT : Integer.parseInt(n.substring(colon + 1));
            if (port < 1 || port > 65_535) {
                throw new IllegalArgumentException("port");
            }
            RedisURI uri = RedisURI.Builder.redis(host, port).withSsl(tls).build();
            if (secret != null && !secret.isEmpty()) {
                if (user != null && !user.isEmpty()) {
                    uri.setUsername(user);
                }
                uri.setPassword(secret);
            }
            credentials(uri, username, password);
            nodes.add(uri);
        }
        return nodes;
    }

    private static void credentials(RedisURI uri, String username, String password) {
        if (password != null) {
            uri.setPassword(password);
        }
        if (username != null) {
            uri.setUsername(username);
        }
    }

    private static InvalidQuotaConfigException bad(String masked) {
        return InvalidQuotaConfigException.invalid(KEY, masked, ALLOWED);
    }

    /** {@code address} with the password of its user part (after the first colon, else all of it) as {@code ****}. */
    static String mask(String address) {
        int scheme = address.indexOf("://");
        int at = address.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return address;
        }
        String info = address.substring(scheme + 3, at);
        int colon = info.indexOf(':');
        String user = colon < 0 ? "" : info.substring(0, colon);
        return address.substring(0, scheme + 3) + user + ":****" + address.substring(at);
    }
}
