package org.quotaware.engine;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;

import org.quotaware.LimitStatus;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaDenial;
import org.quotaware.Violation;

/**
 * The answers a manager gives to the requests it denies, each counted in its {@link Statistics} as it is made. Its
 * own part so that the decision path and the waiting room's host, which both deny, need not know each other.
 */
final class Denials {

    private final Statistics statistics;

    Denials(Statistics statistics) {
        this.statistics = statistics;
    }

    /**
     * The answer to a decision the store denied: made once per decision object and tier, and the same object each
     * time the store answers that decision again (a refusal repeated from the state's memory, see RememberedDenial),
     * so a flood of one refused request costs a counter increment, not a result.
     */
    QuotaDenial denied(String tier, Decision d) {
        if (d.published() instanceof PublishedDenial known && known.tier().equals(tier)) {
            known.counter().increment();
            return known.denial();
        }
        LongAdder counter = statistics.deniedCounter(d.violations());
        counter.increment();
        QuotaDenial denial = new QuotaDenial(QuotaCheckResult.denied(tier, d.violations(), d.limits()));
        d.publish(new PublishedDenial(tier, counter, denial));
        return denial;
    }

    /** What {@link #denied} made of a decision: the tier it answered for, its statistics counter and the answer. */
    private record PublishedDenial(String tier, LongAdder counter, QuotaDenial denial) {
    }

    /** A denial the store's decision alone does not make (the instance's limits, a wait that ended). */
    QuotaDenial deny(String tier, List<Violation> violations, List<LimitStatus> limits) {
        statistics.denied(violations);
        return new QuotaDenial(QuotaCheckResult.denied(tier, violations, limits));
    }
}
