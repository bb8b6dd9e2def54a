package org.quotaware.redis;

import java.util.function.LongSupplier;
import java.util.logging.Logger;

import io.lettuce.core.resource.ClientResources;

import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreProvider;
import org.quotaware.spi.StoreContext;
import org.quotaware.store.CompareAndSetStore;

/**
 * Builds the Redis store for {@code store=redis://host:6379} in the filter's init-params or
 * {@code quotaware.store=redis://...} in MicroProfile Config (see {@link RedisAddress} for every form, and
 * {@link RedisSettings} for the {@code redis.*} settings). The store is a {@link CompareAndSetStore} over a
 * {@link RedisStateMap} that remembers the states it last saw: a decision is one script call while this member is
 * the one writing the user's state. Needs nothing from CDI: the host wraps it in its fallback, and in allowances
 * where configured, as it does any store with leased slots.
 */
public final class RedisStoreProvider implements QuotaStoreProvider {

    private static final Logger LOG = Logger.getLogger(RedisStoreProvider.class.getName());

    @Override
    public boolean accepts(String store) {
        return RedisAddress.accepts(store);
    }

    @Override
    public String describe() {
        return "redis://host:port (rediss://, redis-sentinel://, redis-cluster://)";
    }

    @Override
    public QuotaStore create(String store, StoreContext context) {
        return create(store, context, null, null);
    }

    /**
     * The same store on Lettuce {@code resources} the application shares (its event loops, its command latency
     * recorder); they stay open when the store closes. For an application that builds its own {@code QuotaStore}
     * bean; the host wraps it as it wraps any store with leased slots.
     */
    public static CompareAndSetStore create(String store, StoreContext context, ClientResources resources) {
        return create(store, context, null, java.util.Objects.requireNonNull(resources, "resources"));
    }

    /** With a fixed clock, for tests. */
    static CompareAndSetStore create(String store, StoreContext context, LongSupplier clock) {
        return create(store, context, clock, null);
    }

    private static CompareAndSetStore create(String store, StoreContext context, LongSupplier clock,
            ClientResources resources) {
        RedisSettings settings = RedisSettings.read(context.config(), context.application());
        RedisAddress address = RedisAddress.parse(store, settings.username(), settings.password());
        RedisLink link = new RedisLink(address.masked(), address.nodes(), address.cluster(), settings.timeout(),
                resources);
        RedisStateMap map = new RedisStateMap(link, settings.prefix(), clock);
        CompareAndSetStore.Builder b = CompareAndSetStore.builder(map).failures(RedisFailures.INSTANCE)
                .maxTrackedUsers(context.maxTrackedUsers()).rememberStates(settings.rememberStates());
        if (context.slotLease() != null) {
            b.slotLease(context.slotLease());
        }
        LOG.info(() -> "quotaware: users' quota state in Redis at " + address.masked() + " under the keys "
                + settings.prefix() + "*, commands timing out after " + settings.timeout().toMillis() + " ms");
        return b.build();
    }
}
