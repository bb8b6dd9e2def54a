package org.quotaware.engine;

import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.LongSupplier;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;

/**
 * Builds a {@link DefaultQuotaManager}; every setting has a default. Made by {@link DefaultQuotaManager#builder()}.
 */
public final class QuotaManagerBuilder {
    // read by the manager's constructor
    QuotaStore store;
    QuotaTiers tiers = new QuotaTiers();
    SystemLimits systemLimits = SystemLimits.DEFAULTS;
    InstantSource clock = InstantSource.system();
    int maxTrackedUsers = InMemoryQuotaStore.DEFAULT_MAX_TRACKED_USERS;
    Duration queuePoll = Duration.ofMillis(100);
    LongSupplier nanoClock = System::nanoTime;
    ScheduledExecutorService scheduler;

    QuotaManagerBuilder() {
    }

    /** Where state lives; default an {@link InMemoryQuotaStore} with {@link #clock} and {@link #maxTrackedUsers}. */
    public QuotaManagerBuilder store(QuotaStore store) {
        this.store = Objects.requireNonNull(store, "store");
        return this;
    }

    public QuotaManagerBuilder tiers(QuotaTiers tiers) {
        this.tiers = Objects.requireNonNull(tiers, "tiers");
        return this;
    }

    public QuotaManagerBuilder systemLimits(SystemLimits systemLimits) {
        this.systemLimits = Objects.requireNonNull(systemLimits, "systemLimits");
        return this;
    }

    /** The clock of the default in-memory store. */
    public QuotaManagerBuilder clock(InstantSource clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
        return this;
    }

    /** The tracked-user cap of the default in-memory store. */
    public QuotaManagerBuilder maxTrackedUsers(int maxTrackedUsers) {
        this.maxTrackedUsers = (int) InvalidQuotaConfigException.requireRange("maxTrackedUsers", maxTrackedUsers,
                1, 100_000_000);
        return this;
    }

    /**
     * How often the waiting requests re-check the store for a slot freed elsewhere, and how late past its
     * deadline a wait may end at most; default 100 ms.
     */
    public QuotaManagerBuilder queuePoll(Duration queuePoll) {
        this.queuePoll = Objects.requireNonNull(queuePoll, "queuePoll");
        InvalidQuotaConfigException.requireRange("queuePoll (ms)", queuePoll.toMillis(), 1, 60_000);
        return this;
    }

    /**
     * Where the waiting room's poll runs (every {@code queuePoll}, from the first request that waits); in a
     * Jakarta EE container, its managed scheduled executor. Default: one daemon thread of the manager's own,
     * stopped by {@link DefaultQuotaManager#close()}.
     */
    public QuotaManagerBuilder scheduler(ScheduledExecutorService scheduler) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        return this;
    }

    /** The clock of queue waits' deadlines, in nanoseconds; default {@link System#nanoTime()}. For tests. */
    public QuotaManagerBuilder nanoClock(LongSupplier nanoClock) {
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
        return this;
    }

    public DefaultQuotaManager build() {
        return new DefaultQuotaManager(this);
    }
}
