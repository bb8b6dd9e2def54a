package org.quotaware.telemetry;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;

import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaRequest;
import org.quotaware.Violation;
import org.quotaware.spi.DecisionListener;

/**
 * Counts every decision of the manager in OpenTelemetry: {@value #DECISIONS} by {@code outcome}, {@code tier} and
 * {@code method}, {@value #DENIALS} by {@code reason} (the violated limit's policy name, one count per violated limit)
 * and {@code tier}, {@value #SHADOW_DENIALS} the same for the would-be denials of limits in shadow mode, and the
 * decision's duration by outcome: the figures and names of quota-cdi's MicroProfile Metrics.
 * <p>
 * On the request path: two map lookups and counters added to with attribute sets built before. Attribute values are
 * bounded as in MicroProfile Metrics: outcomes and reasons are enums, tiers the configured ones, past
 * {@value #MAX_TIERS} tiers the rest count under {@value #OTHER}; a {@code method} is a {@code @Quota} method
 * ({@code Class#method}, known at deployment) or {@value #NO_METHOD}, past {@value #MAX_METHODS} methods
 * {@value #OTHER}.
 */
final class TelemetryDecisions implements DecisionListener {

    static final String DECISIONS = "quotaware.decisions";
    static final String DENIALS = "quotaware.denials";
    static final String SHADOW_DENIALS = "quotaware.denials.shadow";
    static final String DURATION = "quotaware.decision.duration";
    static final int MAX_TIERS = 64;
    static final int MAX_METHODS = 256;
    static final String OTHER = "other";
    static final String NO_METHOD = "none";

    static final AttributeKey<String> OUTCOME = AttributeKey.stringKey("outcome");
    static final AttributeKey<String> TIER = AttributeKey.stringKey("tier");
    static final AttributeKey<String> METHOD = AttributeKey.stringKey("method");
    static final AttributeKey<String> REASON = AttributeKey.stringKey("reason");
    private static final Attributes ALLOWED = Attributes.of(OUTCOME, "allowed");
    private static final Attributes DENIED = Attributes.of(OUTCOME, "denied");
    private static final Limit[] LIMITS = Limit.values();

    private final LongCounter decisions;
    private final LongCounter denials;
    private final LongCounter shadow;
    private final DoubleHistogram duration;
    private final Predicate<String> quotaMethod;
    private final ConcurrentHashMap<String, Tier> tiers = new ConcurrentHashMap<>();

    TelemetryDecisions(Meter meter, Predicate<String> quotaMethod) {
        this.quotaMethod = quotaMethod;
        decisions = meter.counterBuilder(DECISIONS).setUnit("{decision}").setDescription("Decisions of the quota "
                + "manager by outcome, tier and @Quota method (none for the filter's); a queued request that got its "
                + "slot counts once, as allowed").build();
        denials = meter.counterBuilder(DENIALS).setUnit("{denial}").setDescription("Denials per violated limit "
                + "(reason) and tier; a request over two limits counts under each").build();
        shadow = meter.counterBuilder(SHADOW_DENIALS).setUnit("{denial}").setDescription("Requests admitted only "
                + "because the limits they violated are in shadow mode, per violated limit (reason) and tier").build();
        duration = meter.histogramBuilder(DURATION).setUnit("s").setDescription("How long acquiring a permit took, "
                + "waiting in the queue included").build();
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
        Tier t = tier(tier);
        Attributes[] outcome = t.method(method);
        List<Violation> violations = result.violations();
        boolean allowed = result.allowed();
        decisions.add(1, outcome[allowed ? 0 : 1]);
        LongCounter reasons = allowed ? shadow : denials;
        for (int i = 0; i < violations.size(); i++) {
            reasons.add(1, t.reason(violations.get(i)));
        }
        duration.record(nanos / 1e9, allowed ? ALLOWED : DENIED);
    }

    private Tier tier(String tier) {
        String name = tier == null ? OTHER : tier;
        Tier t = tiers.get(name);
        if (t != null) {
            return t;
        }
        return tiers.computeIfAbsent(tiers.size() >= MAX_TIERS ? OTHER : name, Tier::new);
    }

    /** The attribute sets of one tier, built once. */
    private static final class Tier {
        private final String name;
        private final Attributes[] reasons = new Attributes[LIMITS.length];
        /** Per method, the attributes of its allowed and denied decisions. */
        private final ConcurrentHashMap<String, Attributes[]> methods = new ConcurrentHashMap<>();

        Tier(String name) {
            this.name = name;
            for (Limit l : LIMITS) {
                reasons[l.ordinal()] = Attributes.of(REASON, l.policyName(), TIER, name);
            }
        }

        /** Declared limits (a tier's, a rule's) by name, bounded like the methods. */
        private final ConcurrentHashMap<String, Attributes> declared = new ConcurrentHashMap<>();

        Attributes reason(Violation v) {
            if (v.limit() != Limit.WINDOW) {
                return reasons[v.limit().ordinal()];
            }
            Attributes a = declared.get(v.name());
            if (a != null) {
                return a;
            }
            return declared.computeIfAbsent(declared.size() >= MAX_METHODS ? OTHER : v.name(),
                    n -> Attributes.of(REASON, n, TIER, name));
        }

        Attributes[] method(String method) {
            Attributes[] a = methods.get(method);
            if (a != null) {
                return a;
            }
            return methods.computeIfAbsent(methods.size() >= MAX_METHODS ? OTHER : method, m -> new Attributes[] {
                Attributes.of(OUTCOME, "allowed", TIER, name, METHOD, m),
                Attributes.of(OUTCOME, "denied", TIER, name, METHOD, m)});
        }
    }
}
