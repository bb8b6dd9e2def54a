package org.quotaware.cdi;

import java.lang.reflect.Method;

import org.eclipse.microprofile.config.Config;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.config.AdminSettings;
import org.quotaware.config.ApplicationSettings;
import org.quotaware.config.ClusterSettings;
import org.quotaware.config.ConfigSource;
import org.quotaware.config.MethodSettings;
import org.quotaware.config.RequestSettings;
import org.quotaware.config.ScalingSettings;

/**
 * The application's {@code quotaware.*} MicroProfile Config keys, read and validated together at deployment by
 * {@link ApplicationSettings} (the same reader and messages as the filter's init-params, prefixed with the key), and
 * the per-method {@code @Quota} overrides, read by {@link MethodSettings}: an adapter from MicroProfile Config to
 * {@code org.quotaware.config}, which does all the reading.
 */
final class QuotaConfiguration {

    final RequestSettings settings;
    final ClusterSettings cluster;
    final ScalingSettings scaling;
    final AdminSettings admin;
    /** Where the per-method {@code @Quota} overrides are read. */
    private final ConfigSource source;

    private QuotaConfiguration(Config config) {
        this.source = source(config);
        ApplicationSettings read = ApplicationSettings.read(source);
        this.settings = read.request();
        this.cluster = read.cluster();
        this.scaling = read.scaling();
        this.admin = read.admin();
    }

    /**
     * Reads and validates every key (quota, cluster, scaling and admin ones together); throws
     * {@link InvalidQuotaConfigException} naming the first bad one.
     */
    static QuotaConfiguration load(Config config) {
        return new QuotaConfiguration(config);
    }

    /** MicroProfile Config as a source: every key looked up by name, its property names listed. */
    static ConfigSource source(Config config) {
        return new ConfigSource() {
            @Override
            public String value(String key) {
                return config.getOptionalValue(key, String.class).orElse(null);
            }

            @Override
            public Iterable<String> names() {
                return config.getPropertyNames();
            }

            @Override
            public String name() {
                return ApplicationSettings.MICROPROFILE_CONFIG;
            }
        };
    }

    /** Every {@code quotaware.*} key, as a store's provider reads its own ({@code quotaware.store.*}). */
    ConfigSource source() {
        return source;
    }

    /** {@code quotaware.async-lease}, the filter's async-lease too, which {@code @Quota} uses as well. */
    java.time.Duration asyncLease() {
        return settings.quota().asyncLease();
    }

    /**
     * The method's settings, read by {@link MethodSettings}: for each member the first of
     * {@code <class>/<method>/Quota/<member>}, {@code <class>/Quota/<member>}, {@code Quota/<member>} and the
     * annotation; validated against the tiers and rules.
     *
     * @throws InvalidQuotaConfigException with a message naming the problem (the caller adds the method)
     */
    QuotaMethod resolve(Method method, Quota annotation) {
        MethodSettings read = MethodSettings.read(source, method.getDeclaringClass().getName(), method.getName(),
                new MethodSettings.Annotated(annotation.tier(), annotation.cost(), annotation.concurrent(),
                        annotation.rule(), annotation.limits(), QuotaMethod.ownRule(method)), settings.quota());
        return new QuotaMethod(read.tier(), read.cost(), read.concurrent(), QuotaMethod.name(method), read.rules(),
                read.ruleCost(), read.limits());
    }
}
