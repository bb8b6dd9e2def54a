package org.quotaware.cdi.metrics;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongConsumer;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Tag;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.Violation;
import org.quotaware.engine.DefaultQuotaManager;

/**
 * Counts every decision of the manager: {@value #DECISIONS} by {@code outcome} and {@code tier}, {@value #DENIALS} by
 * {@code reason} (the violated limit's policy name, one count per violated limit) and {@code tier}, and the decision's
 * duration by outcome.
 * <p>
 * On the request path it does one map lookup and increments counters registered before: the counters of a tier are
 * registered on its first decision and kept. Tag values are bounded: outcomes and reasons are enums, tiers are the
 * configured ones (plus {@code override}); past {@value #MAX_TIERS} tiers the rest count under {@value #OTHER_TIER}.
 */
public final class DecisionMetrics implements DefaultQuotaManager.DecisionListener {

    public static final String DECISIONS = "quotaware.decisions";
    public static final String DENIALS = "quotaware.denials";
    public static final String DURATION = "quotaware.decision.duration";
    static final int MAX_TIERS = 64;
    static final String OTHER_TIER = "other";

    /** Registers (or finds) a counter; {@code MetricRegistry::counter} in the container. */
    @FunctionalInterface
    public interface Counters {
        Counter counter(String name, Tag... tags);
    }

    private static final Limit[] LIMITS = Limit.values();

    private final Counters registry;
    private final LongConsumer allowedNanos;
    private final LongConsumer deniedNanos;
    private final ConcurrentHashMap<String, TierCounters> tiers = new ConcurrentHashMap<>();

    /**
     * @param registry     where counters are registered
     * @param allowedNanos told the duration of each admitting decision (queue wait included)
     * @param deniedNanos  told the duration of each denying one
     */
    public DecisionMetrics(Counters registry, LongConsumer allowedNanos, LongConsumer deniedNanos) {
        this.registry = registry;
        this.allowedNanos = allowedNanos;
        this.deniedNanos = deniedNanos;
    }

    /** Registers a tier's counters now, so their series exist at 0 before the first request. */
    public void register(String tier) {
        counters(tier);
    }

    @Override
    public void decided(String tier, QuotaCheckResult result, long nanos) {
        TierCounters c = counters(tier);
        if (result.allowed()) {
            c.allowed.inc();
            allowedNanos.accept(nanos);
            return;
        }
        c.denied.inc();
        List<Violation> violations = result.violations();
        for (int i = 0; i < violations.size(); i++) {
            c.reason(violations.get(i).limit()).inc();
        }
        deniedNanos.accept(nanos);
    }

    private TierCounters counters(String tier) {
        String name = tier == null ? OTHER_TIER : tier;
        TierCounters c = tiers.get(name);
        if (c != null) {
            return c;
        }
        if (tiers.size() >= MAX_TIERS) {
            name = OTHER_TIER;
        }
        return tiers.computeIfAbsent(name, TierCounters::new);
    }

    /** The counters of one tier; the reasons' counters are registered on first use. */
    private final class TierCounters {
        private final Tag tier;
        private final Counter allowed;
        private final Counter denied;
        private final AtomicReferenceArray<Counter> reasons = new AtomicReferenceArray<>(LIMITS.length);

        TierCounters(String tier) {
            this.tier = new Tag("tier", tier);
            this.allowed = registry.counter(DECISIONS, new Tag("outcome", "allowed"), this.tier);
            this.denied = registry.counter(DECISIONS, new Tag("outcome", "denied"), this.tier);
        }

        Counter reason(Limit limit) {
            Counter c = reasons.get(limit.ordinal());
            if (c == null) {
                // the registry returns the same counter for the same name and tags, so a race registers it once
                c = registry.counter(DENIALS, new Tag("reason", limit.policyName()), tier);
                reasons.set(limit.ordinal(), c);
            }
            return c;
        }
    }
}
