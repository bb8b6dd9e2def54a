package org.quotaware.spi;

import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaRequest;

/**
 * Told of every decision of {@link org.quotaware.QuotaManager#acquire} and
 * {@link org.quotaware.QuotaManager#acquireAsync}: for metrics and the denial log. Called on the request thread (or
 * the one that handed a queued request its slot); must be quick. Added with {@link HostedQuotaManager#listen}.
 */
@FunctionalInterface
public interface DecisionListener {
    /**
     * @param tier   the tier whose limits applied
     * @param result the decision
     * @param nanos  how long the decision took, waiting in the queue included
     */
    void decided(String tier, QuotaCheckResult result, long nanos);

    /**
     * The same, with who asked and for what; by default the short form.
     *
     * @param user    the user as the caller named it (not the overflow it may have been decided on)
     * @param request what it counted as, with its {@link QuotaRequest#target() target}
     */
    default void decided(String user, QuotaRequest request, QuotaCheckResult result, long nanos) {
        decided(result.tier(), result, nanos);
    }
}
