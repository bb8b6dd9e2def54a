package org.quotaware.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Where configuration is read from: a key, exactly as the user writes it ({@code default.requests-per-minute} as a
 * web.xml init-param, {@code quotaware.default.requests-per-minute} in MicroProfile Config), to its raw text. Every
 * reader in this package takes one, so the filter and quota-cdi read each key the same way, with the same messages.
 */
@FunctionalInterface
public interface ConfigSource {

    /** The raw value of a key, or null when it is not set. */
    String value(String key);

    /**
     * The keys this source can list, to refuse a misspelt one. A source may answer keys it does not list
     * (MicroProfile Config finds {@code QUOTAWARE_TIERS} in the environment, which no list of names shows): readers
     * look every key they know up by name and use this list only to find the unknown ones.
     */
    default Iterable<String> names() {
        return Collections.emptyList();
    }

    /** Where the values come from, for log lines: {@code web.xml init-param}, {@code MicroProfile Config}. */
    default String name() {
        return "configuration";
    }

    /** A source over fixed values, listing all of them, in the order given. */
    static ConfigSource of(String name, Map<String, String> values) {
        Map<String, String> copy = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        return new ConfigSource() {
            @Override
            public String value(String key) {
                return copy.get(key);
            }

            @Override
            public Iterable<String> names() {
                return copy.keySet();
            }

            @Override
            public String name() {
                return name;
            }

            @Override
            public String toString() {
                return name + " " + copy.keySet();
            }
        };
    }

    /** The values of the keys listed, in the order listed: what a reader checks for unknown keys. */
    static Map<String, String> listed(ConfigSource source) {
        Map<String, String> values = new LinkedHashMap<>();
        for (String key : source.names()) {
            String v = source.value(key);
            if (v != null) {
                values.put(key, v);
            }
        }
        return values;
    }
}
