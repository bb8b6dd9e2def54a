package org.quotaware.engine;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import org.quotaware.Limit;
import org.quotaware.QuotaStatistics;
import org.quotaware.Violation;

/**
 * Counters of one manager; {@link LongAdder}s so that counting never contends on the request path.
 * <p>
 * A denial (and a shadow admission) is counted once, under the set of limits it violated: one increment however
 * many limits it lists, where a counter per limit took one each (a flood of refused requests violates several). The
 * totals per limit are summed over the sets when read; a set's counter is made the first time it is seen, out of the
 * {@code 2^11} the limits allow, so only the combinations that happen cost memory.
 */
final class Statistics {

    private static final Limit[] LIMITS = Limit.values();

    private final LongAdder allowed = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder overflowed = new LongAdder();
    /** Denials by the set of limits they violated: index {@link #set} of their violations. */
    private final AtomicReferenceArray<LongAdder> denied = new AtomicReferenceArray<>(1 << LIMITS.length);
    /** Admissions in shadow mode, by the same sets (index 0, no violation, is never counted here). */
    private final AtomicReferenceArray<LongAdder> shadowDenied = new AtomicReferenceArray<>(1 << LIMITS.length);

    /** An admission; {@code shadow} are the limits in shadow mode it violated (usually none). */
    void allowed(List<Violation> shadow) {
        allowed.increment();
        if (!shadow.isEmpty()) {
            counter(shadowDenied, set(shadow)).increment();
        }
    }

    void denied(List<Violation> violations) {
        deniedCounter(violations).increment();
    }

    /** The counter {@link #denied} increments for these violations, for a caller that counts the same set again. */
    LongAdder deniedCounter(List<Violation> violations) {
        return counter(denied, set(violations));
    }

    void overflowed() {
        overflowed.increment();
    }

    void ended(boolean success) {
        (success ? completed : failed).increment();
    }

    QuotaStatistics snapshot(long active, long queued, long blocked, long trackedUsers) {
        Map<Limit, Long> deniedByLimit = new EnumMap<>(Limit.class);
        long deniedTotal = sum(denied, deniedByLimit);
        Map<Limit, Long> shadowByLimit = new EnumMap<>(Limit.class);
        long shadowTotal = sum(shadowDenied, shadowByLimit);
        return new QuotaStatistics(allowed.sum(), deniedByLimit, deniedTotal, active, queued, blocked,
                completed.sum(), failed.sum(), trackedUsers, overflowed.sum(), shadowTotal, shadowByLimit);
    }

    /** The bits of the limits violated. */
    private static int set(List<Violation> violations) {
        int bits = 0;
        for (int i = 0, n = violations.size(); i < n; i++) {
            bits |= 1 << violations.get(i).limit().ordinal();
        }
        return bits;
    }

    private static LongAdder counter(AtomicReferenceArray<LongAdder> sets, int set) {
        LongAdder c = sets.get(set);
        if (c == null) {
            LongAdder made = new LongAdder();
            c = sets.compareAndExchange(set, null, made);
            if (c == null) {
                c = made;
            }
        }
        return c;
    }

    /** The total over every set, and into {@code byLimit} the total of the sets holding each limit. */
    private static long sum(AtomicReferenceArray<LongAdder> sets, Map<Limit, Long> byLimit) {
        long total = 0;
        long[] perLimit = new long[LIMITS.length];
        for (int set = 0; set < sets.length(); set++) {
            LongAdder c = sets.get(set);
            if (c == null) {
                continue;
            }
            long n = c.sum();
            total += n;
            for (int bits = set; bits != 0; bits &= bits - 1) {
                perLimit[Integer.numberOfTrailingZeros(bits)] += n;
            }
        }
        for (Limit l : LIMITS) {
            if (perLimit[l.ordinal()] > 0) {
                byLimit.put(l, perLimit[l.ordinal()]);
            }
        }
        return total;
    }
}
