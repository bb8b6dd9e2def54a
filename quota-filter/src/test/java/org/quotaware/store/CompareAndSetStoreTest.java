package org.quotaware.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreContract;
import org.quotaware.testing.MutableClock;

/** The store kit's compare-and-set store over the smallest primitive, with and without remembered states. */
class CompareAndSetStoreTest {

    @Nested
    class ReadingEachTime extends QuotaStoreContract {
        @Override
        protected QuotaStore newStore(MutableClock clock, int maxTrackedUsers) {
            return CompareAndSetStore.builder(new MemoryStateMap(clock::millis, 64))
                    .maxTrackedUsers(maxTrackedUsers).build();
        }
    }

    @Nested
    class RememberingStates extends QuotaStoreContract {
        @Override
        protected QuotaStore newStore(MutableClock clock, int maxTrackedUsers) {
            return CompareAndSetStore.builder(new MemoryStateMap(clock::millis, 64))
                    .maxTrackedUsers(maxTrackedUsers).rememberStates(10_000).build();
        }

        /** A decision on a remembered state is one call to the backend: the write that compares it. */
        @Test
        void aDecisionOnARememberedStateIsOneCall() {
            MemoryStateMap map = new MemoryStateMap(clock::millis, 64);
            store.close();
            store = CompareAndSetStore.builder(map).rememberStates(100).build();
            QuotaManager m = manager(QuotaLimits.defaults());
            ((QuotaPermit) m.acquire("user:a", QuotaRequest.request())).close();
            int before = map.calls.get();
            ((QuotaPermit) m.acquire("user:a", QuotaRequest.request())).close();
            assertThat(map.calls.get() - before).isEqualTo(2); // the acquire's write, the release's write
        }
    }
}
