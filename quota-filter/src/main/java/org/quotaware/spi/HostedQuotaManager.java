package org.quotaware.spi;

import org.quotaware.QuotaManager;

/**
 * The {@link QuotaManager} as the layer that hosts it sees it (the servlet filter with a manager of its own,
 * quota-cdi): what that layer wires up at start and runs on its schedule. Applications use {@link QuotaManager}.
 */
public interface HostedQuotaManager extends QuotaManager {

    /** Adds a listener told of every decision (metrics, the denial log). */
    void listen(DecisionListener listener);

    /**
     * Lets this instance refuse work before any quota is spent: while {@code gate} refuses a tier, its requests are
     * denied with the gate's violation (a member shedding load answers 503); null admits everyone again.
     */
    void admission(AdmissionGate gate);

    /**
     * Extends the lease of every slot this manager's permits hold and of every queue place its waiting requests hold
     * (a wait may last longer than a lease); call it well within the store's
     * {@link QuotaStore#slotLeaseMillis() lease} (quota-cdi does, every third of it). Answers how many slots and
     * places were renewed; one not found had outlived its lease. Nothing to do for a store whose slots never expire.
     */
    int renewLeases();

    /** The store decisions run on. */
    QuotaStore store();
}
