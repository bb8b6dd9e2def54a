package org.quotaware.spi;

import java.time.Duration;

import org.quotaware.config.ConfigSource;

/**
 * What a {@link QuotaStoreProvider} gets to build a store with.
 *
 * @param application     the application's name (its context path without the slash, or its configured name): the
 *                        default names of the store's maps or keys derive from it, so two applications on one
 *                        cluster share state only when both are configured to
 * @param config          every quotaware setting of the deployment, each under its {@code quotaware.} name whatever
 *                        the user wrote (the init-param {@code store.timeout} answers {@code quotaware.store.timeout}):
 *                        the store's own keys live under {@code quotaware.store.*}, which the core never refuses
 * @param maxTrackedUsers the cap on states of new anonymous users (see {@link QuotaStore})
 * @param slotLease       how long a concurrency slot lives without renewal in a store shared by several JVMs
 */
public record StoreContext(String application, ConfigSource config, int maxTrackedUsers, Duration slotLease) {
}
