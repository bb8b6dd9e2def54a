package org.quotaware.store;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreProvider;
import org.quotaware.spi.StoreContext;

/**
 * A provider as a third party writes one, for the filter's wiring tests: {@code memory://<name>} is a
 * {@link CompareAndSetStore} over one {@link MemoryStateMap} per name in this JVM, so two filters (two servers in one
 * test) naming the same store share their states as two JVMs on one Redis would. Registered in this module's test
 * {@code META-INF/services}.
 */
public final class MemoryStoreProvider implements QuotaStoreProvider {

    private static final String SCHEME = "memory://";
    private static final Map<String, MemoryStateMap> MAPS = new ConcurrentHashMap<>();
    /** What each store was built with, by its value: what a test checks the wiring passed. */
    public static final Map<String, StoreContext> CONTEXTS = new ConcurrentHashMap<>();

    @Override
    public boolean accepts(String store) {
        return store.startsWith(SCHEME);
    }

    @Override
    public QuotaStore create(String store, StoreContext context) {
        CONTEXTS.put(store, context);
        MemoryStateMap map = MAPS.computeIfAbsent(store, s -> new MemoryStateMap(System::currentTimeMillis, 64));
        return CompareAndSetStore.builder(map).slotLease(context.slotLease())
                .maxTrackedUsers(context.maxTrackedUsers()).build();
    }

    @Override
    public String describe() {
        return SCHEME + "<name>";
    }
}
