package org.quotaware.local;

import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreContract;
import org.quotaware.testing.MutableClock;

class InMemoryQuotaStoreTest extends QuotaStoreContract {

    @Override
    protected QuotaStore newStore(MutableClock clock, int maxTrackedUsers) {
        return new InMemoryQuotaStore(clock, maxTrackedUsers);
    }
}
