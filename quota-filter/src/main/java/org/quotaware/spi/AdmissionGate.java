package org.quotaware.spi;

import java.util.List;
import java.util.function.LongSupplier;

import org.quotaware.Violation;

/**
 * Whether this instance takes a new request of a tier at all, asked before any quota is spent: a member protecting
 * itself from overload (quota-filter's {@code scaling.LoadProtection}) sheds its lowest tiers here. Set with
 * {@link HostedQuotaManager#admission}; the manager also hands a freed slot of this instance to the waiting request
 * of the highest {@link #rank}.
 */
@FunctionalInterface
public interface AdmissionGate {

    /** The default tier order, lowest first. */
    List<String> DEFAULT_TIERS = List.of("anonymous", "default", "premium");

    /** Admits everything; ranks tiers in the default order. */
    AdmissionGate OPEN = (tier, activeTasks) -> null;

    /**
     * Why a new request of {@code tier} is refused now (the manager denies it with this violation alone), or null to
     * admit it. Called on the request path: never blocks, and allocates nothing while it admits everyone.
     *
     * @param tier        the tier whose limits apply
     * @param activeTasks this instance's running tasks, for a gate that keeps a share of them for some tier
     */
    Violation refusal(String tier, LongSupplier activeTasks);

    /**
     * A tier's place in the order, 0 for the lowest: who is refused first, and who is handed a freed slot last. By
     * default {@link #DEFAULT_TIERS}; null counts as the lowest, a tier not in the order as {@code default}.
     */
    default int rank(String tier) {
        if (tier == null) {
            return 0;
        }
        int rank = DEFAULT_TIERS.indexOf(tier);
        return rank >= 0 ? rank : DEFAULT_TIERS.indexOf("default");
    }
}
