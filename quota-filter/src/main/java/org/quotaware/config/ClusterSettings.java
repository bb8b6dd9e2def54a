package org.quotaware.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Where quota state lives and how members share it: {@code store}, {@code application} and the {@code cluster.*} keys,
 * read the same way from the filter's init-params and, prefixed {@code quotaware.}, from MicroProfile Config.
 *
 * @param store           {@code store} (or the older {@code cluster.store}): {@code auto} by default, {@code local},
 *                        {@code hazelcast}, or any value a store provider on the class path accepts; as written
 * @param storeKey        the key the store was read from, as the user wrote it, for messages
 * @param application     {@code application}: the application's name, null when not set (then its context path)
 * @param mapName         {@code cluster.map}: the users' map, null when not set (then derived from the application)
 * @param slotLease       {@code cluster.slot-lease}, 30 s by default
 * @param fallbackMembers {@code cluster.fallback-members}, 2 by default
 * @param allowances      whether members decide within allowances their owner grants
 *                        ({@code cluster.allowances}, true by default)
 * @param allowanceLinger {@code cluster.allowance-linger}, 1 s by default
 * @param configuredKeys  the keys set besides the store and the allowances: a cluster is meant even when none is found
 * @param persistence     {@code cluster.persistence}: the JNDI name of the DataSource that keeps the cluster's state
 *                        across a full restart, or null: kept in memory only (the default)
 * @param persistenceDelay {@code cluster.persistence-delay}: seconds a change waits before it is written to that
 *                        database, coalesced (1 by default; 0 writes through)
 */
public record ClusterSettings(String store, String storeKey, String application, String mapName, Duration slotLease,
                              int fallbackMembers, boolean allowances, Duration allowanceLinger,
                              List<String> configuredKeys, String persistence, int persistenceDelay) {

    /** The store's name; {@code cluster.store} is its older name, still read. */
    public static final String STORE_NAME = "store";
    public static final String OLD_STORE_NAME = "cluster.store";
    public static final String APPLICATION_NAME = "application";
    public static final String MAP_NAME_NAME = "cluster.map";
    public static final String SLOT_LEASE_NAME = "cluster.slot-lease";
    public static final String FALLBACK_MEMBERS_NAME = "cluster.fallback-members";
    public static final String ALLOWANCES_NAME = "cluster.allowances";
    public static final String ALLOWANCE_LINGER_NAME = "cluster.allowance-linger";
    public static final String PERSISTENCE_NAME = "cluster.persistence";
    public static final String PERSISTENCE_DELAY_NAME = "cluster.persistence-delay";
    /** Every key of these settings, without a prefix (as init-params). */
    public static final List<String> NAMES = List.of(STORE_NAME, OLD_STORE_NAME, APPLICATION_NAME, MAP_NAME_NAME,
            SLOT_LEASE_NAME, FALLBACK_MEMBERS_NAME, ALLOWANCES_NAME, ALLOWANCE_LINGER_NAME, PERSISTENCE_NAME,
            PERSISTENCE_DELAY_NAME);
    /**
     * The keys a store's own settings live under ({@code store.timeout}, {@code quotaware.store.timeout}): never
     * refused as unknown here, read and checked by the store's provider.
     */
    public static final String STORE_SETTINGS = STORE_NAME + ".";

    public static final String STORE = QuotaSettings.PREFIX + STORE_NAME;
    public static final String OLD_STORE = QuotaSettings.PREFIX + OLD_STORE_NAME;
    public static final String APPLICATION = QuotaSettings.PREFIX + APPLICATION_NAME;
    public static final String MAP_NAME = QuotaSettings.PREFIX + MAP_NAME_NAME;
    public static final String SLOT_LEASE = QuotaSettings.PREFIX + SLOT_LEASE_NAME;
    public static final String FALLBACK_MEMBERS = QuotaSettings.PREFIX + FALLBACK_MEMBERS_NAME;
    public static final String ALLOWANCES = QuotaSettings.PREFIX + ALLOWANCES_NAME;
    public static final String ALLOWANCE_LINGER = QuotaSettings.PREFIX + ALLOWANCE_LINGER_NAME;
    public static final String PERSISTENCE = QuotaSettings.PREFIX + PERSISTENCE_NAME;
    public static final String PERSISTENCE_DELAY = QuotaSettings.PREFIX + PERSISTENCE_DELAY_NAME;
    /** Every key of these settings in MicroProfile Config. */
    public static final List<String> KEYS = NAMES.stream().map(n -> QuotaSettings.PREFIX + n).toList();

    /** The name of an application at the root context, or of one whose container gives none. */
    public static final String UNNAMED = "ROOT";
    /** The store chosen when none is named: Hazelcast where the application finds an instance, else local. */
    public static final String AUTO = "auto";
    /** This JVM's memory alone: the full limits on every instance. */
    public static final String LOCAL = "local";
    /** A Hazelcast instance: Payara's or the application's under CDI, a running one in the filter alone. */
    public static final String HAZELCAST = "hazelcast";

    public ClusterSettings {
        configuredKeys = List.copyOf(configuredKeys);
    }

    /** Reads the {@code quotaware.*} keys (MicroProfile Config, context-params); see {@link #read(String, ConfigSource)}. */
    public static ClusterSettings read(ConfigSource raw) {
        return read(QuotaSettings.PREFIX, raw);
    }

    /**
     * Reads the keys, each {@code prefix} + its name; a bad value throws naming the key, the value and the allowed
     * range.
     */
    public static ClusterSettings read(String prefix, ConfigSource raw) {
        String storeKey = prefix + STORE_NAME;
        String store = trimmed(raw.value(storeKey));
        if (store == null) {
            store = trimmed(raw.value(prefix + OLD_STORE_NAME));
            storeKey = store == null ? storeKey : prefix + OLD_STORE_NAME;
        }
        store = store == null ? AUTO : builtIn(store);
        String application = trimmed(raw.value(prefix + APPLICATION_NAME));
        if (application != null && !application.matches("[A-Za-z0-9._-]+")) {
            throw ConfigValues.fail(prefix + APPLICATION_NAME, "application", application,
                    "letters, digits, '.', '_' and '-' (it names the cluster's maps)");
        }
        String map = trimmed(raw.value(prefix + MAP_NAME_NAME));
        String leaseKey = prefix + SLOT_LEASE_NAME;
        String lease = raw.value(leaseKey);
        Duration slotLease = lease == null ? Duration.ofSeconds(30)
                : ConfigValues.duration(leaseKey, "slotLease", lease, Duration.ofSeconds(2), Duration.ofHours(1));
        String membersKey = prefix + FALLBACK_MEMBERS_NAME;
        String members = raw.value(membersKey);
        int fallbackMembers = members == null ? 2
                : (int) ConfigValues.number(membersKey, "fallbackMembers", members, 1, 10_000);
        String allowKey = prefix + ALLOWANCES_NAME;
        String allow = raw.value(allowKey);
        boolean allowances = ConfigValues.bool(allowKey, "allowances", allow == null ? "true" : allow);
        String lingerKey = prefix + ALLOWANCE_LINGER_NAME;
        String linger = raw.value(lingerKey);
        Duration allowanceLinger = linger == null ? Duration.ofSeconds(1)
                : ConfigValues.duration(lingerKey, "allowanceLinger", linger, Duration.ofMillis(10),
                        Duration.ofMinutes(10));
        List<String> configured = List.of(MAP_NAME_NAME, SLOT_LEASE_NAME, FALLBACK_MEMBERS_NAME).stream()
                .map(n -> prefix + n).filter(k -> raw.value(k) != null).toList();
        String persistence = trimmed(raw.value(prefix + PERSISTENCE_NAME));
        String delayKey = prefix + PERSISTENCE_DELAY_NAME;
        String delay = trimmed(raw.value(delayKey));
        int persistenceDelay = delay == null ? 1 : (int) ConfigValues.number(delayKey, "persistenceDelay",
                delay.endsWith("s") ? delay.substring(0, delay.length() - 1) : delay, 0, 300);
        return new ClusterSettings(store, storeKey, application, map, slotLease, fallbackMembers, allowances,
                allowanceLinger, configured, persistence, persistenceDelay);
    }

    /**
     * The WARNING to log where {@code cluster.persistence} is set but nothing keeps the state in its database, null
     * when it is not set: only quota-cdi's link to a Hazelcast cluster has a map store, so the filter alone, a store
     * in this JVM and another shared store ignore it, and whoever set it must hear that it does nothing here.
     *
     * @param key the key as the user wrote it
     * @param why why nothing is kept here
     */
    public String persistenceIgnored(String key, String why) {
        return persistence == null ? null : "quotaware: " + key + "=" + persistence + " is ignored: " + why
                + "; nothing is kept in that DataSource (docs/cluster.md, Persistence)";
    }

    /** Whether a {@code cluster.*} key besides the store is set: a cluster is meant. */
    public boolean configured() {
        return !configuredKeys.isEmpty();
    }

    /**
     * The users' map of {@code application}: {@code cluster.map} when set, else {@code quotaware-users.<application>},
     * so two applications on one cluster share counts only when both name the same map.
     */
    public String usersMap(String application) {
        return mapName != null ? mapName : defaultUsersMap(application);
    }

    /** The users' map of {@code application} when {@code cluster.map} is not set. */
    public static String defaultUsersMap(String application) {
        return "quotaware-users." + application;
    }

    /**
     * The application's name: {@code application} when set, else {@code contextPath} without its slashes (the
     * name of a WAR deployed at {@code /shop} is {@code shop}), {@value #UNNAMED} for the root context or none.
     */
    public String applicationName(String contextPath) {
        return application != null ? application : nameOf(contextPath);
    }

    /** The application name of a context path: without its slashes, {@value #UNNAMED} for the root context or none. */
    public static String nameOf(String contextPath) {
        String path = contextPath == null ? "" : contextPath.replaceAll("^/+", "").replace('/', '.');
        return path.isEmpty() ? UNNAMED : path;
    }

    /** The built-in names in lower case; any other value as written (a provider's, such as a URI). */
    private static String builtIn(String store) {
        String lower = store.toLowerCase(Locale.ROOT);
        return lower.equals(AUTO) || lower.equals(LOCAL) || lower.equals(HAZELCAST) ? lower : store;
    }

    private static String trimmed(String raw) {
        return raw == null || raw.isBlank() ? null : raw.trim();
    }
}
