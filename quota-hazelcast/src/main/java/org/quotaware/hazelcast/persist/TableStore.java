package org.quotaware.hazelcast.persist;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.sql.DataSource;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.map.MapStore;

/**
 * A map's entries in one table of a PostgreSQL database: {@code key text primary key, bytes bytea, updated
 * timestamptz}, created when missing, named after the map ({@code quotaware-users} in {@code quotaware_users}).
 * Values are a state's bytes, or settings' text stored as UTF-8.
 * <p>
 * Hazelcast calls it on its own threads: {@link #load} on the partition thread of a key it does not hold (a user's
 * first request since the cluster started, or since the user's state went idle and was removed), the writes on the
 * write-behind thread, coalesced, never on the request's path. A failure is thrown as a {@link HazelcastException}
 * carrying the message only (its cause, a driver's class, may not be readable on the calling member): a failed load
 * makes the caller's operation fail as an unreachable cluster does, so the member decides in its fallback, never from
 * a state it could not read; a failed write is retried by Hazelcast.
 */
final class TableStore implements MapStore<String, Object> {

    private static final Logger LOG = Logger.getLogger(TableStore.class.getName());

    private final String table;
    private final String dataSourceName;
    private final boolean text;
    private final Supplier<DataSource> dataSource;
    private volatile DataSource found;
    private volatile boolean tableReady;

    /**
     * @param text whether the map holds text (settings, all loaded at start) rather than bytes (states, loaded one
     *             by one)
     */
    TableStore(String mapName, String dataSourceName, boolean text, Supplier<DataSource> dataSource) {
        this.table = table(mapName);
        this.dataSourceName = dataSourceName;
        this.text = text;
        this.dataSource = dataSource;
    }

    /** The table of map {@code mapName}: lower case letters, digits and underscores, at most 63 characters. */
    static String table(String mapName) {
        String t = mapName.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        if (t.isEmpty() || !Character.isLetter(t.charAt(0))) {
            t = "m_" + t;
        }
        return t.length() > 63 ? t.substring(0, 63) : t;
    }

    @Override
    public Object load(String key) {
        try (Connection c = connection();
             PreparedStatement s = c.prepareStatement("SELECT bytes FROM " + table + " WHERE key = ?")) {
            s.setString(1, column(key));
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? value(r.getBytes(1)) : null;
            }
        } catch (SQLException | RuntimeException e) {
            throw failed("read an entry of", e);
        }
    }

    @Override
    public Map<String, Object> loadAll(Collection<String> keys) {
        Map<String, Object> values = new HashMap<>();
        if (keys.isEmpty()) {
            return values;
        }
        try (Connection c = connection();
             PreparedStatement s = c.prepareStatement("SELECT key, bytes FROM " + table + " WHERE key = ANY (?)")) {
            Array array = c.createArrayOf("text", columns(keys));
            s.setArray(1, array);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    values.put(key(r.getString(1)), value(r.getBytes(2)));
                }
            }
            array.free();
            return values;
        } catch (SQLException | RuntimeException e) {
            throw failed("read entries of", e);
        }
    }

    /**
     * Every key of a settings map (few, and every member needs them from the start); none of a map of states, whose
     * entries are loaded when first used: a cluster starts without reading its users back.
     */
    @Override
    public Iterable<String> loadAllKeys() {
        if (!text) {
            return List.of();
        }
        try (Connection c = connection(); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT key FROM " + table)) {
            List<String> keys = new ArrayList<>();
            while (r.next()) {
                keys.add(key(r.getString(1)));
            }
            return keys;
        } catch (SQLException | RuntimeException e) {
            throw failed("list the keys of", e);
        }
    }

    @Override
    public void store(String key, Object value) {
        storeAll(Map.of(key, value));
    }

    @Override
    public void storeAll(Map<String, Object> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try (Connection c = connection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO " + table + " (key, bytes, updated) "
                    + "VALUES (?, ?, now()) ON CONFLICT (key) DO UPDATE SET bytes = EXCLUDED.bytes, "
                    + "updated = EXCLUDED.updated")) {
                // in key order: two members writing at once (while partitions move, at shutdown) take the rows'
                // locks in the same order, so neither waits for the other (PostgreSQL found a deadlock otherwise)
                for (Map.Entry<String, Object> e : new java.util.TreeMap<>(entries).entrySet()) {
                    s.setString(1, column(e.getKey()));
                    s.setBytes(2, bytes(e.getValue()));
                    s.addBatch();
                }
                s.executeBatch();
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException | RuntimeException e) {
            throw failed("write " + entries.size() + " entries of", e);
        }
    }

    @Override
    public void delete(String key) {
        deleteAll(List.of(key));
    }

    @Override
    public void deleteAll(Collection<String> keys) {
        if (keys.isEmpty()) {
            return;
        }
        try (Connection c = connection();
             PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE key = ANY (?)")) {
            Array array = c.createArrayOf("text", columns(keys));
            s.setArray(1, array);
            s.executeUpdate();
            array.free();
        } catch (SQLException | RuntimeException e) {
            throw failed("delete " + keys.size() + " entries of", e);
        }
    }

    /**
     * A key as the table holds it: PostgreSQL's text cannot hold the character 0, which starts the keys of the
     * overflow states ({@code QuotaStore.OVERFLOW_PREFIX}); it is written {@code \0}, and a backslash {@code \\}.
     */
    static String column(String key) {
        return key.indexOf('\\') < 0 && key.indexOf('\0') < 0 ? key
                : key.replace("\\", "\\\\").replace("\0", "\\0");
    }

    /** The key a {@link #column} holds. */
    static String key(String column) {
        if (column.indexOf('\\') < 0) {
            return column;
        }
        StringBuilder key = new StringBuilder(column.length());
        for (int i = 0; i < column.length(); i++) {
            char ch = column.charAt(i);
            if (ch == '\\' && i + 1 < column.length()) {
                char next = column.charAt(++i);
                key.append(next == '0' ? '\0' : next);
            } else {
                key.append(ch);
            }
        }
        return key.toString();
    }

    private static Object[] columns(Collection<String> keys) {
        return keys.stream().map(TableStore::column).sorted().toArray(); // one lock order, as in storeAll
    }

    private Object value(byte[] bytes) {
        return text ? new String(bytes, StandardCharsets.UTF_8) : bytes;
    }

    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("a persistent quotaware map holds bytes or text, not "
                + (value == null ? "null" : value.getClass().getName()));
    }

    /** A connection, the table made first if this store has not seen it yet. */
    private Connection connection() throws SQLException {
        DataSource ds = found;
        if (ds == null) {
            ds = dataSource.get(); // throws naming the JNDI name until it can be found
            found = ds;
        }
        Connection c = ds.getConnection();
        if (!tableReady) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + table
                        + " (key text PRIMARY KEY, bytes bytea NOT NULL, updated timestamptz NOT NULL)");
            } catch (SQLException raced) {
                // two members creating it at once: one wins (PostgreSQL reports a duplicate type to the other)
                try (Statement s = c.createStatement()) {
                    s.executeQuery("SELECT key FROM " + table + " WHERE false").close();
                } catch (SQLException missing) {
                    c.close();
                    raced.addSuppressed(missing);
                    throw raced;
                }
            }
            tableReady = true;
        }
        return c;
    }

    private HazelcastException failed(String what, Exception e) {
        String message = "quotaware: could not " + what + " table " + table + " (DataSource " + dataSourceName
                + "): " + e;
        LOG.log(Level.WARNING, message, e);
        return new HazelcastException(message);
    }
}
