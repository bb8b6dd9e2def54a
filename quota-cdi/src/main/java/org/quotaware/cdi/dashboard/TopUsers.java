package org.quotaware.cdi.dashboard;

import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.quotaware.InvalidQuotaConfigException;

/**
 * The users with the most decisions lately (or the most of a weight recorded with them: the dashboard ranks CPU time
 * too), in fixed memory whatever the number of users: the Space-Saving algorithm (Metwally et al.), weighted, with
 * {@code capacity} counters per period, over the current period and the one before.
 * <p>
 * A user not yet counted takes the counter of the least counted one when all are in use, and inherits its count as
 * an overcount. So every user with more than {@code 1/capacity} of a period's count is listed, and a count is
 * never below the truth nor above it by more than its {@link Entry#overcount}. Recording costs a map lookup; taking
 * a counter scans the {@code capacity} counters, only when they are all in use. Scanning the store's tracked users
 * instead would cost in proportion to the users, on every member and on every refresh.
 */
public final class TopUsers {

    public static final int DEFAULT_CAPACITY = 100;
    public static final Duration DEFAULT_PERIOD = Duration.ofMinutes(1);

    /**
     * A user and what it was counted over the current and the previous period.
     *
     * @param tier      the tier of its latest record (an anonymous caller's tier is known only from its requests)
     * @param count     decisions counted (admitted and denied), or the weight recorded (CPU microseconds), at most
     *                  {@code overcount} above the truth
     * @param denied    of the decisions, the denied ones (counted since the user took its counter)
     * @param overcount how much {@code count} may exceed the truth
     */
    public record Entry(String user, String tier, long count, long denied, long overcount) {
    }

    private static final class Counter {
        String tier;
        long count;
        long denied;
        long error;
    }

    private final InstantSource clock;
    private final long periodMillis;
    private final int capacity;
    private Map<String, Counter> current = new HashMap<>();
    private Map<String, Counter> previous = new HashMap<>();
    private long currentPeriod = Long.MIN_VALUE;

    public TopUsers(InstantSource clock) {
        this(clock, DEFAULT_CAPACITY, DEFAULT_PERIOD);
    }

    public TopUsers(InstantSource clock, int capacity, Duration period) {
        this.clock = clock;
        this.capacity = (int) InvalidQuotaConfigException.requireRange("capacity", capacity, 1, 10_000);
        this.periodMillis = InvalidQuotaConfigException.requireRange("period (ms)", period.toMillis(), 1_000,
                3_600_000);
    }

    /** Counts one decision for {@code user}, made with the limits of {@code tier}. */
    public void record(String user, String tier, boolean denied) {
        record(user, tier, 1, denied);
    }

    /** Adds {@code weight} (at least 1: a ranking by weight, e.g. CPU microseconds) for {@code user}. */
    public synchronized void record(String user, String tier, long weight, boolean denied) {
        roll();
        Counter c = current.get(user);
        if (c == null) {
            c = new Counter();
            if (current.size() >= capacity) {
                Map.Entry<String, Counter> least = null;
                for (Map.Entry<String, Counter> e : current.entrySet()) {
                    if (least == null || e.getValue().count < least.getValue().count) {
                        least = e;
                    }
                }
                current.remove(least.getKey());
                c.count = least.getValue().count;
                c.error = least.getValue().count;
            }
            current.put(user, c);
        }
        c.tier = tier;
        c.count = saturatedAdd(c.count, Math.max(1, weight));
        if (denied) {
            c.denied++;
        }
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** The {@code n} users counted the most over the current and the previous period, most first. */
    public synchronized List<Entry> top(int n) {
        roll();
        Map<String, Entry> merged = new HashMap<>();
        for (Map<String, Counter> period : List.of(previous, current)) {
            // the current period last: its tier is the newest
            period.forEach((user, c) -> merged.merge(user, new Entry(user, c.tier, c.count, c.denied, c.error),
                    (a, b) -> new Entry(user, b.tier(), saturatedAdd(a.count(), b.count()), a.denied() + b.denied(),
                            saturatedAdd(a.overcount(), b.overcount()))));
        }
        List<Entry> all = new ArrayList<>(merged.values());
        all.sort(Comparator.comparingLong(Entry::count).reversed().thenComparing(Entry::user));
        return all.subList(0, Math.min(n, all.size()));
    }

    /** How far back {@link #top} counts now: the current period so far and the whole previous one. */
    public synchronized Duration span() {
        roll();
        return Duration.ofMillis(clock.millis() - (currentPeriod - 1) * periodMillis);
    }

    private void roll() {
        long period = clock.millis() / periodMillis;
        if (period == currentPeriod) {
            return;
        }
        previous = period == currentPeriod + 1 ? current : new HashMap<>();
        current = new HashMap<>();
        currentPeriod = period;
    }
}
