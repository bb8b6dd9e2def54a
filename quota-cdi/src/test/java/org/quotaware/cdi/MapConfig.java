package org.quotaware.cdi;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigValue;
import org.eclipse.microprofile.config.spi.ConfigSource;
import org.eclipse.microprofile.config.spi.Converter;

/**
 * What MicroProfile Config answers for the keys given: {@code listed} ones are among {@link #getPropertyNames()},
 * {@code hidden} ones answer only a lookup by name, as an environment variable does.
 */
record MapConfig(Map<String, String> listed, Map<String, String> hidden) implements Config {

    @Override
    public <T> T getValue(String name, Class<T> type) {
        return getOptionalValue(name, type).orElseThrow();
    }

    @Override
    public ConfigValue getConfigValue(String name) {
        throw new UnsupportedOperationException();
    }

    @Override
    public <T> Optional<T> getOptionalValue(String name, Class<T> type) {
        String v = hidden.containsKey(name) ? hidden.get(name) : listed.get(name);
        return Optional.ofNullable(v).map(type::cast);
    }

    @Override
    public Iterable<String> getPropertyNames() {
        return listed.keySet();
    }

    @Override
    public Iterable<ConfigSource> getConfigSources() {
        return List.of();
    }

    @Override
    public <T> Optional<Converter<T>> getConverter(Class<T> type) {
        return Optional.empty();
    }

    @Override
    public <T> T unwrap(Class<T> type) {
        throw new IllegalArgumentException();
    }
}
