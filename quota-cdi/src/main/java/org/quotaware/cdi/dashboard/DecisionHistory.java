package org.quotaware.cdi.dashboard;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.Violation;

/**
 * The decisions of the last few minutes, counted per bucket of time (default 60 buckets of 5 s): admitted and denied
 * per tier, and denials per violated limit (a request over two limits counts once under each, as in the
 * {@code quotaware_denials_total} metric). For the dashboard's chart.
 * <p>
 * The memory is fixed when it is built: a ring of buckets × counters, whatever the traffic. Tiers get a column on
 * their first decision, up to {@code maxTiers}; later ones count under {@value #OTHER_TIER}. Recording is a few
 * array increments under a lock held for nanoseconds; a bucket is cleared when time comes back round to it.
 */
public final class DecisionHistory {

    public static final Duration DEFAULT_BUCKET = Duration.ofSeconds(5);
    public static final int DEFAULT_BUCKETS = 60;
    public static final int DEFAULT_MAX_TIERS = 16;
    static final String OTHER_TIER = "other";
    private static final Limit[] LIMITS = Limit.values();
    /** Declared limits (a tier's, a rule's) shown by their own names; beyond these, as {@code window}. */
    static final int MAX_DECLARED = 32;
    /** The name of each declared limit's column, in the order they were first denied (guarded by this). */
    private final String[] declaredNames = new String[MAX_DECLARED];

    /**
     * One bucket: its start, and the counts that are not zero.
     *
     * @param allowed  decisions admitted, per tier
     * @param denied   decisions denied, per tier
     * @param byReason denials per violated limit's policy name ({@code rpm}, {@code tasks}, ...)
     */
    public record Bucket(Instant start, Map<String, Long> allowed, Map<String, Long> denied,
                         Map<String, Long> byReason) {

        public long allowedTotal() {
            return sum(allowed);
        }

        public long deniedTotal() {
            return sum(denied);
        }

        private static long sum(Map<String, Long> counts) {
            return counts.values().stream().mapToLong(Long::longValue).sum();
        }
    }

    private final InstantSource clock;
    private final long bucketMillis;
    private final int maxTiers;
    /** [bucket][column]: allowed per tier, then denied per tier (maxTiers + "other" each), then one per limit. */
    private final long[][] counts;
    /** The bucket number (epoch millis / bucketMillis) each slot of the ring holds now; -1 for none. */
    private final long[] slotOf;
    private final Map<String, Integer> tierColumns = new HashMap<>();
    private final String[] tierNames;

    public DecisionHistory(InstantSource clock) {
        this(clock, DEFAULT_BUCKET, DEFAULT_BUCKETS, DEFAULT_MAX_TIERS);
    }

    public DecisionHistory(InstantSource clock, Duration bucket, int buckets, int maxTiers) {
        this.clock = clock;
        this.bucketMillis = InvalidQuotaConfigException.requireRange("bucket (ms)", bucket.toMillis(), 100, 60_000);
        this.maxTiers = (int) InvalidQuotaConfigException.requireRange("maxTiers", maxTiers, 1, 256);
        int n = (int) InvalidQuotaConfigException.requireRange("buckets", buckets, 2, 3_600);
        this.counts = new long[n][2 * (maxTiers + 1) + LIMITS.length + MAX_DECLARED];
        this.slotOf = new long[n];
        Arrays.fill(slotOf, -1);
        this.tierNames = new String[maxTiers + 1];
        this.tierNames[maxTiers] = OTHER_TIER;
    }

    /** Counts one decision now. */
    public void record(String tier, QuotaCheckResult result) {
        synchronized (this) {
            long[] c = current(clock.millis() / bucketMillis);
            int tierColumn = column(tier);
            if (result.allowed()) {
                c[tierColumn]++;
                return;
            }
            c[maxTiers + 1 + tierColumn]++;
            List<Violation> violations = result.violations();
            for (int i = 0; i < violations.size(); i++) {
                c[reasonColumn(violations.get(i))]++;
            }
        }
    }

    /** A violation's column: its limit's, or a declared limit's own while there is room for its name. */
    private int reasonColumn(Violation v) {
        int first = 2 * (maxTiers + 1);
        if (v.limit() == Limit.WINDOW) {
            for (int i = 0; i < MAX_DECLARED; i++) {
                if (declaredNames[i] == null) {
                    declaredNames[i] = v.name();
                }
                if (declaredNames[i].equals(v.name())) {
                    return first + LIMITS.length + i;
                }
            }
        }
        return first + v.limit().ordinal();
    }

    /** The buckets of the whole ring, oldest first, ending with the current one (still filling). */
    public synchronized List<Bucket> buckets() {
        long now = clock.millis() / bucketMillis;
        List<Bucket> out = new ArrayList<>(counts.length);
        for (long b = now - counts.length + 1; b <= now; b++) {
            int slot = (int) Math.floorMod(b, (long) counts.length);
            long[] c = slotOf[slot] == b ? counts[slot] : null;
            out.add(bucket(b, c));
        }
        return out;
    }

    /** The length of one bucket. */
    public Duration bucket() {
        return Duration.ofMillis(bucketMillis);
    }

    private Bucket bucket(long number, long[] c) {
        Instant start = Instant.ofEpochMilli(number * bucketMillis);
        if (c == null) {
            return new Bucket(start, Map.of(), Map.of(), Map.of());
        }
        Map<String, Long> allowed = new LinkedHashMap<>();
        Map<String, Long> denied = new LinkedHashMap<>();
        for (int t = 0; t <= maxTiers; t++) {
            if (tierNames[t] != null) {
                put(allowed, tierNames[t], c[t]);
                put(denied, tierNames[t], c[maxTiers + 1 + t]);
            }
        }
        Map<String, Long> reasons = new LinkedHashMap<>();
        for (Limit l : LIMITS) {
            put(reasons, l.policyName(), c[2 * (maxTiers + 1) + l.ordinal()]);
        }
        for (int i = 0; i < MAX_DECLARED && declaredNames[i] != null; i++) {
            put(reasons, declaredNames[i], c[2 * (maxTiers + 1) + LIMITS.length + i]);
        }
        return new Bucket(start, Collections.unmodifiableMap(allowed), Collections.unmodifiableMap(denied),
                Collections.unmodifiableMap(reasons));
    }

    private static void put(Map<String, Long> map, String key, long value) {
        if (value != 0) {
            map.put(key, value);
        }
    }

    /**
     * The counters of {@code bucket}, cleared first if its slot still holds an older bucket. A wall clock set back
     * adds to the newer bucket in the slot rather than clearing it.
     */
    private long[] current(long bucket) {
        int slot = (int) Math.floorMod(bucket, (long) counts.length);
        if (slotOf[slot] < bucket) {
            Arrays.fill(counts[slot], 0);
            slotOf[slot] = bucket;
        }
        return counts[slot];
    }

    private int column(String tier) {
        Integer c = tierColumns.get(tier);
        if (c != null) {
            return c;
        }
        if (tier == null || tierColumns.size() >= maxTiers) {
            return maxTiers;
        }
        int next = tierColumns.size();
        tierColumns.put(tier, next);
        tierNames[next] = tier;
        return next;
    }
}
