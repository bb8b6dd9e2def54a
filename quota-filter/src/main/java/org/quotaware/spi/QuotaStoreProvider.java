package org.quotaware.spi;

/**
 * Builds the store a deployment names: {@code store=} in the filter's init-params, or {@code quotaware.store} in
 * MicroProfile Config (an application's own {@link QuotaStore} bean wins over both). Providers are found with
 * {@link java.util.ServiceLoader} on the application's class path ({@code META-INF/services/org.quotaware.spi.QuotaStoreProvider}),
 * so adding a store module's jar to the WAR is enough: {@code store=redis://host:6379} then needs quota-redis,
 * {@code store=hazelcast} quota-hazelcast. {@code local} (one JVM's memory) needs no provider.
 */
public interface QuotaStoreProvider {

    /** Whether this provider builds the store named {@code store} (for example {@code redis://host:6379}). */
    boolean accepts(String store);

    /**
     * Builds the store named {@code store}. A bad value or setting throws
     * {@link org.quotaware.InvalidQuotaConfigException} naming the key, the value and what is allowed; a backend
     * that cannot be reached yet is not a configuration error (the store's fallback decides meanwhile).
     */
    QuotaStore create(String store, StoreContext context);

    /**
     * What the values this provider accepts look like ({@code redis://host:port}), for the message that lists the
     * accepted values when a deployment names a store nobody accepts; the provider's class name by default.
     */
    default String describe() {
        return getClass().getName();
    }
}
