package org.quotaware.cdi;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.quotaware.QuotaManager;
import org.quotaware.QuotaStatistics;
import org.quotaware.UserQuotaUsage;
import org.quotaware.store.FallbackQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.servlet.QuotaCaller;

/** Read-only view of usage and statistics, injectable where a page or an endpoint shows them. */
@ApplicationScoped
public class QuotaUsageView {

    private static final long FRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    @Inject
    QuotaManager manager;

    @Inject
    Callers callers;

    @Inject
    QuotaBeans beans;

    /** The clock of {@link #recentStatistics()}; package-private for tests. */
    LongSupplier nanoClock = System::nanoTime;
    private volatile Recent recent;

    /** The current caller's usage, with the limits of the tier the caller was identified with. */
    public UserQuotaUsage mine() {
        QuotaCaller caller = callers.current();
        return usage(caller.user(), caller.tier());
    }

    /** A user's usage (a quota key such as {@code key:alice}). */
    public UserQuotaUsage usage(String user) {
        return usage(user, null);
    }

    private UserQuotaUsage usage(String user, String callerTier) {
        return manager.usage(user, callerTier);
    }

    /**
     * Where this member's decisions are made now: {@code DISTRIBUTED} (the cluster store), {@code FALLBACK} (locally,
     * with a share of the limits, while the cluster store does not answer) or {@code LOCAL} (a one-JVM store).
     */
    public String storeMode() {
        QuotaStore store = beans.implementation().store();
        return store instanceof FallbackQuotaStore f ? f.mode().name() : "LOCAL";
    }

    /** Counters since start and the current load of this member. */
    public QuotaStatistics statistics() {
        return manager.statistics();
    }

    /**
     * The statistics, at most a second old: for {@code /metrics} and {@code /health}, which are outside the quota
     * filter, so anyone may ask as often as they like, and each of whose gauges reads them. Counting the tracked users
     * is a call to every member of a cluster: this way it is made once a second at most, whatever the scrapes.
     */
    public QuotaStatistics recentStatistics() {
        Recent r = recent;
        long now = nanoClock.getAsLong();
        if (r == null || now - r.atNanos() >= FRESH_NANOS) {
            synchronized (this) {
                r = recent;
                if (r == null || now - r.atNanos() >= FRESH_NANOS) {
                    r = new Recent(manager.statistics(), now);
                    recent = r;
                }
            }
        }
        return r.statistics();
    }

    /** Statistics and when they were read. */
    private record Recent(QuotaStatistics statistics, long atNanos) {
    }
}
