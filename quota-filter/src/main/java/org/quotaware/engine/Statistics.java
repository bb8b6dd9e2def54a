package org.quotaware.engine;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

import org.quotaware.Limit;
import org.quotaware.QuotaStatistics;
import org.quotaware.Violation;

/** Counters of one manager; {@link LongAdder}s so that counting never contends on the request path. */
final class Statistics {

    private final LongAdder allowed = new LongAdder();
    private final LongAdder denied = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder overflowed = new LongAdder();
    private final LongAdder[] deniedByLimit = new LongAdder[Limit.values().length];
    private final LongAdder shadowDenied = new LongAdder();
    private final LongAdder[] shadowDeniedByLimit = new LongAdder[Limit.values().length];

    Statistics() {
        for (int i = 0; i < deniedByLimit.length; i++) {
            deniedByLimit[i] = new LongAdder();
            shadowDeniedByLimit[i] = new LongAdder();
        }
    }

    /** An admission; {@code shadow} are the limits in shadow mode it violated (usually none). */
    void allowed(java.util.List<Violation> shadow) {
        allowed.increment();
        if (!shadow.isEmpty()) {
            shadowDenied.increment();
            for (Violation v : shadow) {
                shadowDeniedByLimit[v.limit().ordinal()].increment();
            }
        }
    }

    void denied(Iterable<Violation> violations) {
        denied.increment();
        for (Violation v : violations) {
            deniedByLimit[v.limit().ordinal()].increment();
        }
    }

    void overflowed() {
        overflowed.increment();
    }

    void ended(boolean success) {
        (success ? completed : failed).increment();
    }

    QuotaStatistics snapshot(long active, long queued, long blocked, long trackedUsers) {
        return new QuotaStatistics(allowed.sum(), byLimit(deniedByLimit), denied.sum(), active, queued, blocked,
                completed.sum(), failed.sum(), trackedUsers, overflowed.sum(), shadowDenied.sum(),
                byLimit(shadowDeniedByLimit));
    }

    private static Map<Limit, Long> byLimit(LongAdder[] counters) {
        Map<Limit, Long> byLimit = new EnumMap<>(Limit.class);
        for (Limit l : Limit.values()) {
            long n = counters[l.ordinal()].sum();
            if (n > 0) {
                byLimit.put(l, n);
            }
        }
        return byLimit;
    }
}
