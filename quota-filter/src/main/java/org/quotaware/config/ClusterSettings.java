package org.quotaware.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import org.quotaware.InvalidQuotaConfigException;

/**
 * quota-cdi's {@code quotaware.cluster.*} keys: where quota state lives and how members share it.
 *
 * @param store           {@code quotaware.cluster.store}
 * @param mapName         {@code quotaware.cluster.map}, {@code quotaware-users} by default
 * @param slotLease       {@code quotaware.cluster.slot-lease}, 30 s by default
 * @param fallbackMembers {@code quotaware.cluster.fallback-members}, 2 by default
 * @param allowances      whether members decide within allowances their owner grants
 *                        ({@code quotaware.cluster.allowances}, true by default)
 * @param allowanceLinger {@code quotaware.cluster.allowance-linger}, 1 s by default
 * @param configuredKeys  the keys set besides the store and the allowances: a cluster is meant even when none is found
 * @param persistence     the JNDI name of the DataSource that keeps the cluster's state across a full restart
 *                        ({@code quotaware.cluster.persistence}), or null: kept in memory only (the default)
 * @param persistenceDelay seconds a change waits before it is written to that database, coalesced
 *                        ({@code quotaware.cluster.persistence-delay}, 1 by default; 0 writes through)
 */
public record ClusterSettings(Store store, String mapName, Duration slotLease, int fallbackMembers, boolean allowances,
                             Duration allowanceLinger, List<String> configuredKeys, String persistence,
                             int persistenceDelay) {

    public static final String STORE = QuotaSettings.PREFIX + "cluster.store";
    public static final String MAP_NAME = QuotaSettings.PREFIX + "cluster.map";
    public static final String SLOT_LEASE = QuotaSettings.PREFIX + "cluster.slot-lease";
    public static final String FALLBACK_MEMBERS = QuotaSettings.PREFIX + "cluster.fallback-members";
    public static final String ALLOWANCES = QuotaSettings.PREFIX + "cluster.allowances";
    public static final String ALLOWANCE_LINGER = QuotaSettings.PREFIX + "cluster.allowance-linger";
    public static final String PERSISTENCE = QuotaSettings.PREFIX + "cluster.persistence";
    public static final String PERSISTENCE_DELAY = QuotaSettings.PREFIX + "cluster.persistence-delay";
    public static final List<String> KEYS = List.of(STORE, MAP_NAME, SLOT_LEASE, FALLBACK_MEMBERS, ALLOWANCES,
            ALLOWANCE_LINGER, PERSISTENCE, PERSISTENCE_DELAY);

    /** Where quota state lives. */
    public enum Store { AUTO, HAZELCAST, LOCAL }

    public ClusterSettings {
        configuredKeys = List.copyOf(configuredKeys);
    }

    /** Reads the keys; a bad value throws naming the key, the value and the allowed range. */
    public static ClusterSettings read(ConfigSource raw) {
        Store store = store(raw.value(STORE));
        String map = raw.value(MAP_NAME);
        String lease = raw.value(SLOT_LEASE);
        Duration slotLease = lease == null ? Duration.ofSeconds(30)
                : ConfigValues.duration(SLOT_LEASE, "slotLease", lease, Duration.ofSeconds(2), Duration.ofHours(1));
        String members = raw.value(FALLBACK_MEMBERS);
        int fallbackMembers = members == null ? 2
                : (int) ConfigValues.number(FALLBACK_MEMBERS, "fallbackMembers", members, 1, 10_000);
        String allow = raw.value(ALLOWANCES);
        boolean allowances = ConfigValues.bool(ALLOWANCES, "allowances", allow == null ? "true" : allow);
        String linger = raw.value(ALLOWANCE_LINGER);
        Duration allowanceLinger = linger == null ? Duration.ofSeconds(1)
                : ConfigValues.duration(ALLOWANCE_LINGER, "allowanceLinger", linger, Duration.ofMillis(10),
                        Duration.ofMinutes(10));
        List<String> configured = List.of(MAP_NAME, SLOT_LEASE, FALLBACK_MEMBERS).stream()
                .filter(k -> raw.value(k) != null).toList();
        String persistence = raw.value(PERSISTENCE);
        persistence = persistence == null || persistence.isBlank() ? null : persistence.strip();
        String delay = raw.value(PERSISTENCE_DELAY);
        int persistenceDelay = delay == null ? 1 : (int) ConfigValues.number(PERSISTENCE_DELAY, "persistenceDelay",
                delay.strip().endsWith("s") ? delay.strip().substring(0, delay.strip().length() - 1) : delay, 0, 300);
        return new ClusterSettings(store, map == null ? "quotaware-users" : map, slotLease, fallbackMembers,
                allowances, allowanceLinger, configured, persistence, persistenceDelay);
    }

    /** Whether a {@code quotaware.cluster.*} key besides the store is set: a cluster is meant. */
    public boolean configured() {
        return !configuredKeys.isEmpty();
    }

    private static Store store(String raw) {
        if (raw == null) {
            return Store.AUTO;
        }
        try {
            return Store.valueOf(raw.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw InvalidQuotaConfigException.invalid("store", raw, "one of auto, hazelcast, local").forKey(STORE);
        }
    }
}
