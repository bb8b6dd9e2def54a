package org.quotaware.local;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreContract;
import org.quotaware.testing.MutableClock;

class InMemoryQuotaStoreTest extends QuotaStoreContract {

    @Override
    protected QuotaStore newStore(MutableClock clock, int maxTrackedUsers) {
        return new InMemoryQuotaStore(clock, maxTrackedUsers);
    }

    /**
     * A request that counts nothing but its slot leaves the state idle when it ends, so the store drops the state and
     * the next request makes a new one: the path where one thread retires a state another has just looked up. No slot
     * is ever held beyond the limit, none is lost, and no state stays behind.
     */
    @Test
    void statesDroppedAndRecreatedUnderContentionNeverLoseOrExceedASlot() throws Exception {
        InMemoryQuotaStore store = new InMemoryQuotaStore(new MutableClock(), 1_000);
        QuotaLimits limits = QuotaLimits.builder().off(Limit.REQUESTS_PER_MINUTE).off(Limit.FILES_PER_HOUR)
                .off(Limit.FILES_PER_DAY).maxConcurrentTasks(2).maxQueueSize(0).build();
        QuotaManager manager = DefaultQuotaManager.builder().store(store).tiers(new QuotaTiers(limits)).build();
        QuotaRequest slotOnly = new QuotaRequest(0, -1, true, null, false, true);
        int users = 4;
        int threads = 8;
        int calls = 20_000;
        AtomicIntegerArray held = new AtomicIntegerArray(users);
        AtomicInteger mostHeld = new AtomicInteger();
        AtomicInteger admitted = new AtomicInteger();
        AtomicInteger denied = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int offset = t;
            Thread worker = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < calls; i++) {
                    int u = (i + offset) % users;
                    if (manager.acquire("user-" + u, slotOnly) instanceof QuotaPermit permit) {
                        admitted.incrementAndGet();
                        int now = held.incrementAndGet(u);
                        mostHeld.accumulateAndGet(now, Math::max);
                        held.decrementAndGet(u);
                        permit.close();
                    } else {
                        denied.incrementAndGet();
                    }
                }
            });
            workers.add(worker);
            worker.start();
        }
        start.countDown();
        for (Thread worker : workers) {
            worker.join();
        }
        assertThat(admitted.get() + denied.get()).isEqualTo(threads * calls);
        assertThat(admitted.get()).isPositive();
        assertThat(mostHeld.get()).isBetween(1, 2);
        assertThat(store.trackedUsers()).as("every state was idle at the end and dropped").isZero();
        for (int u = 0; u < users; u++) {
            QuotaPermit first = (QuotaPermit) manager.acquire("user-" + u, slotOnly);
            QuotaPermit second = (QuotaPermit) manager.acquire("user-" + u, slotOnly);
            assertThat(manager.acquire("user-" + u, slotOnly).result().allowed()).as("no slot was lost").isFalse();
            first.close();
            second.close();
        }
        assertThat(store.trackedUsers()).isZero();
    }
}
