package org.quotaware.cdi;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a scrape of {@code /metrics} or {@code /health} (outside the quota filter, callable by anyone as often as they
 * like) costs the store: the tracked-user count, a call to every member of a cluster, at most once a second.
 */
class ScrapeCostTest {

    private final AtomicInteger counts = new AtomicInteger();
    private final InMemoryQuotaStore memory = new InMemoryQuotaStore(java.time.InstantSource.system(), 100);
    private final QuotaStore counting = new QuotaStore() {
        @Override
        public <R> R execute(String user, StateOperation<R> operation) {
            return memory.execute(user, operation);
        }

        @Override
        public long trackedUsers() {
            counts.incrementAndGet();
            return memory.trackedUsers();
        }

        @Override
        public long currentTimeMillis() {
            return memory.currentTimeMillis();
        }
    };
    private final DefaultQuotaManager manager = DefaultQuotaManager.builder().store(counting).build();
    private final AtomicLong nanos = new AtomicLong();

    @AfterEach
    void stop() {
        manager.close();
    }

    @Test
    void fiftyScrapesOfFiveGaugesInASecondCountTheTrackedUsersOnce() {
        QuotaUsageView view = view();
        QuotaPermit held = (QuotaPermit) manager.acquire("alice", QuotaRequest.request());

        for (int scrape = 0; scrape < 50; scrape++) {
            for (int gauge = 0; gauge < 5; gauge++) {
                assertThat(view.recentStatistics().trackedUsers()).isEqualTo(1);
            }
        }

        assertThat(counts).hasValue(1);
        held.close();
        manager.acquire("bob", QuotaRequest.request().withConcurrent(false));
        nanos.addAndGet(1_000_000_000L);
        assertThat(view.recentStatistics().trackedUsers()).as("a second later").isEqualTo(2);
        assertThat(view.recentStatistics().active()).isZero();
        assertThat(counts).hasValue(2);
        assertThat(view.statistics().trackedUsers()).as("the admin API's, counted when asked").isEqualTo(2);
        assertThat(counts).hasValue(3);
    }

    private QuotaUsageView view() {
        QuotaUsageView view = new QuotaUsageView();
        view.manager = manager;
        view.nanoClock = nanos::get;
        return view;
    }
}
