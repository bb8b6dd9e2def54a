package org.quotaware.cdi;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.quotaware.QuotaManager;
import org.quotaware.QuotaStatistics;
import org.quotaware.UserQuotaUsage;
import org.quotaware.hazelcast.FallbackQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.servlet.QuotaCaller;

/** Read-only view of usage and statistics, injectable where a page or an endpoint shows them. */
@ApplicationScoped
public class QuotaUsageView {

    @Inject
    QuotaManager manager;

    @Inject
    Callers callers;

    @Inject
    QuotaBeans beans;

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
}
