package org.quotaware.redis;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.api.sync.RedisClusterCommands;

import org.quotaware.store.StateMap;

/**
 * Users' state bytes in Redis, one key a user under a prefix per application ({@code quotaware:<app>:<user>}). Every
 * write is one round trip: a server-side script that compares the stored bytes and writes with a time to live
 * ({@code PX}), so nothing runs between the comparison and the write. The scripts are loaded once and called by
 * their SHA-1 ({@code EVALSHA}); a server that lost them (a restart, a failover to a new master) answers
 * {@code NOSCRIPT}, and the call is made once more with the script's text ({@code EVAL}), which loads it again.
 * <p>
 * <b>Counting users.</b> On one server (or a Sentinel-watched master) the scripts keep an index of the application's
 * keys, a sorted set scored by each key's expiry ({@code quotaware:<app>:\0users}): {@link #size} drops the
 * expired entries and counts the rest, exactly and without reading the keys. A cluster cannot: a script touches the
 * keys of one slot only, and users' keys spread over every slot. There {@link #size} is the cluster's
 * {@code DBSIZE}, which counts every key of the cluster: exact when the cluster holds only this application's
 * states, otherwise an overcount that only makes the tracked-user cap bite earlier (new anonymous callers share the
 * overflow sooner), never admits more.
 * <p>
 * <b>Time.</b> Every member decides on Redis's clock, so members whose clocks differ still agree on windows. Asking
 * Redis ({@code TIME}) per decision would double the round trips, so this map keeps the offset of Redis's clock from
 * this JVM's, measured in the background at most once a second; in between, the time is this JVM's clock plus the
 * offset. A new offset may move the time back by a few milliseconds: the engine never lets a user's state time run
 * backwards.
 */
public final class RedisStateMap implements StateMap {

    private static final Logger LOG = Logger.getLogger(RedisStateMap.class.getName());
    private static final long SYNC_EVERY_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int SLICE = 100;

    /** The expiry of KEYS[1] as Redis will count it, for the index: Redis's clock plus the time to live. */
    private static final String INDEX = "local function index(ttl)\n"
            + "  if KEYS[2] then\n"
            + "    local t = redis.call('TIME')\n"
            + "    redis.call('ZADD', KEYS[2], tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + ttl,"
            + " KEYS[1])\n"
            + "  end\n"
            + "end\n";
    /** ARGV: state, ttl. */
    static final Script PUT_IF_ABSENT = new Script(INDEX
            + "if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then\n"
            + "  index(tonumber(ARGV[2]))\n"
            + "  return 1\n"
            + "end\n"
            + "return 0\n");
    /** ARGV: expected, state, ttl. */
    static final Script REPLACE = new Script(INDEX
            + "if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
            + "  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])\n"
            + "  index(tonumber(ARGV[3]))\n"
            + "  return 1\n"
            + "end\n"
            + "return 0\n");
    /** ARGV: expected. */
    static final Script REMOVE = new Script("if redis.call('GET', KEYS[1]) == ARGV[1] then\n"
            + "  redis.call('DEL', KEYS[1])\n"
            + "  if KEYS[2] then redis.call('ZREM', KEYS[2], KEYS[1]) end\n"
            + "  return 1\n"
            + "end\n"
            + "return 0\n");
    /** KEYS[1], the index: its expired entries dropped, the rest counted. */
    static final Script COUNT = new Script("local t = redis.call('TIME')\n"
            + "redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf',"
            + " tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000))\n"
            + "return redis.call('ZCARD', KEYS[1])\n");

    private final RedisLink link;
    private final String prefix;
    private final String[] indexOnly;
    private final String index;
    private final String match;
    private final LongSupplier clock;
    private volatile long offsetMillis;
    private final AtomicLong syncedAt = new AtomicLong(System.nanoTime() - SYNC_EVERY_NANOS);
    private ScanCursor cursor = ScanCursor.INITIAL;

    /**
     * @param link   the connection
     * @param prefix the start of every key of this application ({@code quotaware:<app>:})
     * @param clock  a fixed clock for tests, or null for Redis's
     */
    RedisStateMap(RedisLink link, String prefix, LongSupplier clock) {
        this.link = Objects.requireNonNull(link, "link");
        this.prefix = Objects.requireNonNull(prefix, "prefix");
        // a NUL after the prefix: no user id but an overflow's starts with NUL, and theirs go on with "overflow:"
        this.index = link.cluster() ? null : prefix + "\u0000users";
        this.indexOnly = new String[] {index};
        this.match = glob(prefix) + "*";
        this.clock = clock;
        load();
        if (clock == null) {
            syncClock();
        }
    }

    /** Loads the scripts at deployment, best effort: a server reached later loads them on its first NOSCRIPT. */
    private void load() {
        try {
            RedisClusterCommands<String, byte[]> c = link.commands();
            for (Script s : List.of(PUT_IF_ABSENT, REPLACE, REMOVE, COUNT)) {
                c.scriptLoad(s.text);
            }
        } catch (RedisException e) {
            LOG.log(Level.FINE, "quotaware: the Redis scripts are loaded on first use", e);
        }
    }

    private String key(String user) {
        return prefix + user;
    }

    private String[] keys(String user) {
        return index == null ? new String[] {key(user)} : new String[] {key(user), index};
    }

    @Override
    public byte[] get(String user) {
        return link.commands().get(key(user));
    }

    @Override
    public boolean putIfAbsent(String user, byte[] state, long ttlMillis) {
        return call(PUT_IF_ABSENT, keys(user), state, number(ttlMillis)) == 1;
    }

    @Override
    public boolean replace(String user, byte[] expected, byte[] state, long ttlMillis) {
        return call(REPLACE, keys(user), expected, state, number(ttlMillis)) == 1;
    }

    @Override
    public boolean remove(String user, byte[] expected) {
        return call(REMOVE, keys(user), expected) == 1;
    }

    @Override
    public long size() {
        if (index == null) {
            return link.commands().dbsize();
        }
        return call(COUNT, indexOnly);
    }

    /**
     * The next {@code SCAN} step over this application's keys (about a hundred), with their values in one
     * {@code MGET}; the cursor stays here between calls, so calls in a row go round every key.
     */
    @Override
    public synchronized Map<String, byte[]> nextSlice() {
        RedisClusterCommands<String, byte[]> c = link.commands();
        KeyScanCursor<String> step;
        try {
            step = c.scan(cursor, ScanArgs.Builder.matches(match).limit(SLICE));
        } catch (RuntimeException e) {
            cursor = ScanCursor.INITIAL; // a cursor of a server that restarted means nothing to it
            throw e;
        }
        cursor = step.isFinished() ? ScanCursor.INITIAL : step;
        List<String> found = step.getKeys().stream().filter(k -> !k.equals(index)).toList();
        Map<String, byte[]> slice = new LinkedHashMap<>();
        if (found.isEmpty()) {
            return slice;
        }
        for (KeyValue<String, byte[]> kv : c.mget(found.toArray(String[]::new))) {
            if (kv.hasValue()) {
                slice.put(kv.getKey().substring(prefix.length()), kv.getValue());
            }
        }
        return slice;
    }

    @Override
    public long currentTimeMillis() {
        if (clock != null) {
            return clock.getAsLong();
        }
        long last = syncedAt.get();
        long now = System.nanoTime();
        if (now - last >= SYNC_EVERY_NANOS && syncedAt.compareAndSet(last, now)) {
            syncClock();
        }
        return System.currentTimeMillis() + offsetMillis;
    }

    /** Measures the offset of Redis's clock in the background ({@code TIME}); keeps the last one if Redis is away. */
    private void syncClock() {
        RedisClusterAsyncCommands<String, byte[]> async = link.asyncCommands();
        if (async == null) {
            return;
        }
        long sent = System.currentTimeMillis();
        try {
            async.time().whenComplete((time, failure) -> {
                if (failure == null && time != null && time.size() == 2) {
                    long redis = Long.parseLong(ascii(time.get(0))) * 1_000 + Long.parseLong(ascii(time.get(1))) / 1_000;
                    long received = System.currentTimeMillis();
                    offsetMillis = redis - (sent + received) / 2;
                }
            });
        } catch (RedisException e) {
            LOG.log(Level.FINE, "quotaware: Redis's clock not read now; the last offset stays", e);
        }
    }

    /** Calls a script by its SHA-1, by its text when the server does not know it (which loads it again). */
    private long call(Script script, String[] keys, byte[]... args) {
        RedisClusterCommands<String, byte[]> c = link.commands();
        Long answer;
        try {
            answer = c.evalsha(script.sha, ScriptOutputType.INTEGER, keys, args);
        } catch (RedisNoScriptException e) {
            answer = c.eval(script.text, ScriptOutputType.INTEGER, keys, args);
        } catch (RedisCommandExecutionException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("NOSCRIPT")) {
                throw e;
            }
            answer = c.eval(script.text, ScriptOutputType.INTEGER, keys, args);
        }
        return answer;
    }

    private static byte[] number(long n) {
        return Long.toString(n).getBytes(StandardCharsets.US_ASCII);
    }

    private static String ascii(byte[] b) {
        return new String(b, StandardCharsets.US_ASCII);
    }

    /** {@code prefix} as a SCAN pattern that matches it literally. */
    static String glob(String prefix) {
        StringBuilder out = new StringBuilder();
        for (char ch : prefix.toCharArray()) {
            if ("*?[]\\^".indexOf(ch) >= 0) {
                out.append('\\');
            }
            out.append(ch);
        }
        return out.toString();
    }

    /** The start of every key of this map. */
    public String prefix() {
        return prefix;
    }

    @Override
    public void close() {
        link.close();
    }

    /** A Lua script and its SHA-1, the name Redis caches it under. */
    record Script(String text, String sha) {
        Script(String text) {
            this(text, sha1(text));
        }

        private static String sha1(String text) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                        .digest(text.getBytes(StandardCharsets.UTF_8)));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every JVM has SHA-1", e);
            }
        }
    }
}
