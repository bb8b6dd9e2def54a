package org.quotaware.hazelcast.persist;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;

/**
 * Finds a DataSource by its JNDI name for the stores of this JVM. The application registers the one it looked up on
 * its own thread ({@link #register}), where a name such as {@code java:app/jdbc/QuotaDB} resolves; a store runs on
 * Hazelcast's threads, outside any application, where only a global name would. A name not registered is looked up
 * in JNDI as it is.
 */
public final class DataSources {

    private static final Map<String, DataSource> REGISTERED = new ConcurrentHashMap<>();

    private DataSources() {
    }

    /** Makes {@code dataSource} the one the stores of this JVM use for {@code name}. */
    public static void register(String name, DataSource dataSource) {
        REGISTERED.put(name, dataSource);
    }

    /** Forgets {@code name}, if it is still {@code dataSource} (an application undeployed). */
    public static void unregister(String name, DataSource dataSource) {
        REGISTERED.remove(name, dataSource);
    }

    /**
     * Looks {@code name} up in JNDI from the calling thread.
     *
     * @throws IllegalStateException naming the name when it is not bound to a DataSource
     */
    public static DataSource lookup(String name) {
        Object found;
        try {
            found = new InitialContext().lookup(name);
        } catch (NamingException e) {
            throw new IllegalStateException("no DataSource is bound to the JNDI name '" + name + "': " + e, e);
        }
        if (found instanceof DataSource ds) {
            return ds;
        }
        throw new IllegalStateException("the JNDI name '" + name + "' is bound to a "
                + (found == null ? "null" : found.getClass().getName()) + ", not a DataSource");
    }

    /**
     * The registered DataSource of {@code name}, else the one JNDI gives on this thread.
     *
     * @throws IllegalStateException naming the name when neither has one
     */
    public static DataSource find(String name) {
        DataSource ds = REGISTERED.get(name);
        return ds != null ? ds : lookup(name);
    }
}
