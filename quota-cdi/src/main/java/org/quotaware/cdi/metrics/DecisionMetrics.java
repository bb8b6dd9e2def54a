package org.quotaware.cdi.metrics;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.LongConsumer;
import java.util.function.Predicate;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaRequest;
import org.quotaware.Violation;
import org.quotaware.spi.DecisionListener;

/**
 * Counts every decision of the manager: {@value #DECISIONS} by {@code outcome}, {@code tier} and {@code method},
 * {@value #DENIALS} by {@code reason} (the violated limit's policy name, one count per violated limit) and
 * {@code tier}, {@value #SHADOW_DENIALS} the same for the would-be denials of limits in shadow mode, and the
 * decision's duration by outcome.
 * <p>
 * On the request path it does two map lookups and increments counters registered before: the counters of a tier (and
 * method) are registered on first use and kept. Tag values are bounded: outcomes and reasons are enums, tiers are the
 * configured ones (plus {@code override}), past {@value #MAX_TIERS} tiers the rest count under {@value #OTHER}; a
 * {@code method} is a {@code @Quota} method as {@code Class#method} (known at deployment, so bounded by the code) or
 * {@value #NO_METHOD} for the filter's and the API's decisions, past {@value #MAX_METHODS} methods {@value #OTHER}.
 */
public final class DecisionMetrics implements DecisionListener {

    public static final String DECISIONS = "quotaware.decisions";
    public static final String DENIALS = "quotaware.denials";
    public static final String SHADOW_DENIALS = "quotaware.denials.shadow";
    public static final String DURATION = "quotaware.decision.duration";
    static final int MAX_TIERS = 64;
    static final int MAX_METHODS = 256;
    static final String OTHER = "other";
    /** The {@code method} of a decision that is not a {@code @Quota} method's (the filter's, the API's). */
    static final String NO_METHOD = "none";

    static final Metadata DECISIONS_METADATA = Metadata.builder().withName(DECISIONS)
            .withDescription("Decisions of the quota manager by outcome, tier and @Quota method (none for the "
                    + "filter's); a queued request that got its slot counts once, as allowed")
            .withUnit(MetricUnits.NONE).build();
    static final Metadata DENIALS_METADATA = Metadata.builder().withName(DENIALS)
            .withDescription("Denials per violated limit (reason) and tier; a request over two limits counts under "
                    + "each")
            .withUnit(MetricUnits.NONE).build();
    static final Metadata SHADOW_METADATA = Metadata.builder().withName(SHADOW_DENIALS)
            .withDescription("Requests admitted only because the limits they violated are in shadow mode: the "
                    + "denials enforcement would make, per violated limit (reason) and tier")
            .withUnit(MetricUnits.NONE).build();

    /** Registers (or finds) a counter; {@code MetricRegistry::counter} in the container. */
    @FunctionalInterface
    public interface Counters {
        Counter counter(Metadata metadata, Tag... tags);
    }

    private static final Limit[] LIMITS = Limit.values();

    private final Counters registry;
    private final LongConsumer allowedNanos;
    private final LongConsumer deniedNanos;
    private final Predicate<String> quotaMethod;
    private final ConcurrentHashMap<String, TierCounters> tiers = new ConcurrentHashMap<>();

    /**
     * @param registry     where counters are registered
     * @param allowedNanos told the duration of each admitting decision (queue wait included)
     * @param deniedNanos  told the duration of each denying one
     * @param quotaMethod  whether a request's target is a {@code @Quota} method (its name becomes the {@code method}
     *                     tag); any other target (a request path, chosen by the caller) never becomes a tag
     */
    public DecisionMetrics(Counters registry, LongConsumer allowedNanos, LongConsumer deniedNanos,
                           Predicate<String> quotaMethod) {
        this.registry = registry;
        this.allowedNanos = allowedNanos;
        this.deniedNanos = deniedNanos;
        this.quotaMethod = quotaMethod;
    }

    /** Registers a tier's counters of decisions without a method now, so their series exist at 0 at once. */
    public void register(String tier) {
        counters(tier).method(NO_METHOD);
    }

    @Override
    public void decided(String tier, QuotaCheckResult result, long nanos) {
        decided(tier, NO_METHOD, result, nanos);
    }

    @Override
    public void decided(String user, QuotaRequest request, QuotaCheckResult result, long nanos) {
        String target = request == null ? null : request.target();
        decided(result.tier(), target != null && quotaMethod.test(target) ? target : NO_METHOD, result, nanos);
    }

    private void decided(String tier, String method, QuotaCheckResult result, long nanos) {
        TierCounters c = counters(tier);
        Counter[] outcome = c.method(method);
        List<Violation> violations = result.violations();
        if (result.allowed()) {
            outcome[0].inc();
            for (int i = 0; i < violations.size(); i++) {
                c.reason(c.shadow, SHADOW_METADATA, violations.get(i)).inc();
            }
            allowedNanos.accept(nanos);
            return;
        }
        outcome[1].inc();
        for (int i = 0; i < violations.size(); i++) {
            c.reason(c.reasons, DENIALS_METADATA, violations.get(i)).inc();
        }
        deniedNanos.accept(nanos);
    }

    private TierCounters counters(String tier) {
        String name = tier == null ? OTHER : tier;
        TierCounters c = tiers.get(name);
        if (c != null) {
            return c;
        }
        if (tiers.size() >= MAX_TIERS) {
            name = OTHER;
        }
        return tiers.computeIfAbsent(name, TierCounters::new);
    }

    /** The counters of one tier; those of methods and reasons are registered on first use. */
    private final class TierCounters {
        private final Tag tier;
        /** Per method, the counters of its allowed and denied decisions. */
        private final ConcurrentHashMap<String, Counter[]> methods = new ConcurrentHashMap<>();
        private final AtomicReferenceArray<Counter> reasons = new AtomicReferenceArray<>(LIMITS.length);
        private final AtomicReferenceArray<Counter> shadow = new AtomicReferenceArray<>(LIMITS.length);

        TierCounters(String tier) {
            this.tier = new Tag("tier", tier);
        }

        Counter[] method(String method) {
            Counter[] c = methods.get(method);
            if (c != null) {
                return c;
            }
            String name = methods.size() >= MAX_METHODS ? OTHER : method;
            return methods.computeIfAbsent(name, m -> {
                Tag tag = new Tag("method", m);
                // every series of a name carries the same tag names (MicroProfile Metrics refuses mixed sets)
                return new Counter[] {registry.counter(DECISIONS_METADATA, new Tag("outcome", "allowed"), tier, tag),
                    registry.counter(DECISIONS_METADATA, new Tag("outcome", "denied"), tier, tag)};
            });
        }

        /** Declared limits by name (a tier's, a rule's): as many as the configuration declares, bounded all the same. */
        private final ConcurrentHashMap<String, Counter> declared = new ConcurrentHashMap<>();

        Counter reason(AtomicReferenceArray<Counter> counters, Metadata metadata, org.quotaware.Violation v) {
            Limit limit = v.limit();
            if (limit == Limit.WINDOW) {
                String key = (metadata == SHADOW_METADATA ? "s:" : "d:") + v.name();
                Counter c = declared.get(key);
                if (c != null) {
                    return c;
                }
                String name = declared.size() >= MAX_METHODS ? OTHER : v.name();
                return declared.computeIfAbsent(key, k -> registry.counter(metadata, new Tag("reason", name), tier));
            }
            Counter c = counters.get(limit.ordinal());
            if (c == null) {
                // the registry returns the same counter for the same name and tags, so a race registers it once
                c = registry.counter(metadata, new Tag("reason", limit.policyName()), tier);
                counters.set(limit.ordinal(), c);
            }
            return c;
        }
    }
}
