package org.quotaware.scaling;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.Violation;
import org.quotaware.http.Problem;
import org.quotaware.spi.AdmissionGate;

import static org.quotaware.InvalidQuotaConfigException.requireRange;

/**
 * A member protecting itself from its own overload by refusing new work, lowest tier first. The cluster's capacity is
 * {@link AdaptiveScaler}'s business and changes slowly; this acts within one sample.
 * <p>
 * With tiers {@code t0 < t1 < ... < t(n-1)} (by default {@code anonymous < default < premium}) the <em>level</em> goes
 * from 0 to n. Level {@code k} sheds the {@code k} lowest tiers. At the last level, n, the top tier is shed too except
 * for its reserved share: it is admitted while fewer than {@link #reservedSlots()} tasks run on this member.
 * <ul>
 *   <li><b>Hot</b> (CPU or memory at or above its protect threshold): from level 0 to 1 at once; one level more each
 *       {@code escalateAfter} while still hot (shedding one tier did not relieve it).</li>
 *   <li><b>Cool</b> (CPU and memory below their thresholds minus the hysteresis): one level less once cool for
 *       {@code recoverAfter} since cooling began and since the last level change; one tier at a time, so the tiers
 *       readmitted together do not push it straight back.</li>
 *   <li>In between: the level holds.</li>
 * </ul>
 * An unknown value (NaN) is neither hot nor in between: a broken sensor never sheds anyone.
 * <p>
 * {@link #update} is called after each sample (by one scheduled task); {@link #admit} is called on the request path
 * and only reads a volatile snapshot. As the manager's {@link AdmissionGate}, a shed request is denied with
 * {@link Limit#LOAD_SHED} (503) before any quota is spent.
 */
public final class LoadProtection implements AdmissionGate {

    /** The problem type of the 503 answer to a shed request. */
    public static final String PROBLEM_TYPE = org.quotaware.http.Problem.REDUCED_CAPACITY;
    public static final String PROBLEM_TITLE = "Temporarily reduced capacity";
    /** The default tier order, lowest first. */
    public static final List<String> DEFAULT_TIERS = AdmissionGate.DEFAULT_TIERS;

    /**
     * The protection level and what its transitions remember. Immutable; {@link #next} is pure.
     *
     * @param level             0 (none) to the number of tiers
     * @param levelSince        when the level last changed, or null
     * @param coolSince         since when every sample has been cool, or null
     * @param retryAfterSeconds what to tell a shed client: the seconds until the level can step down at the earliest
     */
    public record State(int level, Instant levelSince, Instant coolSince, long retryAfterSeconds)
            implements Serializable {

        public static final State NONE = new State(0, null, null, 0);

        /** The state after one more sample. */
        public State next(ScalingRules rules, int maxLevel, SystemMetrics m) {
            Instant now = m.timestamp();
            double h = rules.protectHysteresis();
            boolean hot = m.cpuLoad() >= rules.protectCpu() || m.memoryUsed() >= rules.protectMemory();
            // NaN >= x is false: an unknown value counts as cool
            boolean cool = !(m.cpuLoad() >= rules.protectCpu() - h) && !(m.memoryUsed() >= rules.protectMemory() - h);
            int lvl = level;
            Instant since = levelSince;
            Instant cooling = null;
            if (hot) {
                if (lvl == 0 || lvl < maxLevel && elapsed(since, now).compareTo(rules.escalateAfter()) >= 0) {
                    lvl++;
                    since = now;
                }
            } else if (cool && lvl > 0) {
                cooling = coolSince == null ? now : coolSince;
                if (elapsed(later(cooling, since), now).compareTo(rules.recoverAfter()) >= 0) {
                    lvl--;
                    since = now;
                    cooling = now;
                }
            }
            if (lvl == 0) {
                return new State(0, since, null, 0);
            }
            Duration wait = rules.recoverAfter();
            if (cooling != null) {
                wait = wait.minus(elapsed(later(cooling, since), now));
            }
            long seconds = Math.max(1, (wait.toMillis() + 999) / 1000);
            return new State(lvl, since, cooling, seconds);
        }

        private static Duration elapsed(Instant from, Instant to) {
            return from == null ? Duration.ZERO : Duration.between(from, to);
        }

        private static Instant later(Instant a, Instant b) {
            return b == null || a.isAfter(b) ? a : b;
        }
    }

    /**
     * The answer for one request.
     *
     * @param admitted          false: answer 503 with {@code Retry-After} and {@link #problem}
     * @param tier              the tier asked about
     * @param level             the protection level it was decided at
     * @param retryAfterSeconds when shed, the seconds to put in {@code Retry-After}; else 0
     * @param detail            when shed, why, in words a client may read
     */
    public record Admission(boolean admitted, String tier, int level, long retryAfterSeconds, String detail) {

        static final Admission ADMITTED = new Admission(true, null, 0, 0, null);

        public boolean shed() {
            return !admitted;
        }

        /** The {@code application/problem+json} body of the 503 answer. */
        public Problem problem(String instance) {
            return new Problem(PROBLEM_TYPE, PROBLEM_TITLE, 503, detail, instance, null);
        }
    }

    private final List<String> tiers;
    private final Map<String, Integer> ranks;
    private final int defaultRank;
    private volatile ScalingRules rules;
    private volatile long memberSlots;
    private volatile State state = State.NONE;

    private LoadProtection(Builder b) {
        this.tiers = List.copyOf(b.tiers);
        this.ranks = new HashMap<>();
        for (int i = 0; i < tiers.size(); i++) {
            ranks.put(tiers.get(i), i);
        }
        this.defaultRank = ranks.getOrDefault("default", 0);
        this.rules = b.rules;
        this.memberSlots = b.memberSlots;
    }

    /**
     * @param memberSlots this member's concurrency slots (its system {@code maxConcurrentTasks}); the top tier's
     *                    reserved share is taken of it
     */
    public static Builder builder(long memberSlots) {
        return new Builder(memberSlots);
    }

    /** Takes one sample into account; returns the new state. Called by one scheduled task after each sample. */
    public synchronized State update(SystemMetrics metrics) {
        State next = state.next(rules, maxLevel(), metrics);
        state = next;
        return next;
    }

    public State state() {
        return state;
    }

    public int level() {
        return state.level();
    }

    /** The highest level: the number of tiers. */
    public int maxLevel() {
        return tiers.size();
    }

    /** The tiers, lowest first. */
    public List<String> tiers() {
        return tiers;
    }

    /** The tiers shed entirely at this level (the top tier's reserved share not counted), lowest first. */
    public List<String> shedTiers(int level) {
        return tiers.subList(0, Math.min(level, tiers.size()));
    }

    /** The slots the top tier keeps at the last level: {@code ceil(reservedShare × memberSlots)}. */
    public long reservedSlots() {
        return (long) Math.ceil(rules.reservedShare() * memberSlots - 1e-9);
    }

    public void memberSlots(long slots) {
        memberSlots = requireRange("memberSlots", slots, 1, ScalingRules.MAX_CAPACITY);
    }

    public void rules(ScalingRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /**
     * Whether a new request of this tier may go on now. Call it before the quota check, so a shed request takes no
     * quota. Never blocks; allocates nothing while the level is 0.
     *
     * @param tier        the caller's tier; null counts as the lowest, a tier not in the order as {@code default}
     *                    (or the lowest when {@code default} is not in the order)
     * @param activeTasks this member's running tasks; read only for the top tier at the last level
     */
    public Admission admit(String tier, LongSupplier activeTasks) {
        State s = state;
        int level = s.level();
        if (level == 0) {
            return Admission.ADMITTED;
        }
        int rank = rank(tier);
        if (rank >= level) {
            return new Admission(true, tier, level, 0, null);
        }
        if (rank == tiers.size() - 1) {
            long reserved = reservedSlots();
            if (activeTasks.getAsLong() < reserved) {
                return new Admission(true, tier, level, 0, null);
            }
            return new Admission(false, tier, level, s.retryAfterSeconds(), "This server is overloaded and runs "
                    + "only its reserved share of " + reserved + " tasks for " + tier + " requests; retry after "
                    + s.retryAfterSeconds() + " s.");
        }
        return new Admission(false, tier, level, s.retryAfterSeconds(), "This server is overloaded and is not taking "
                + String.join(", ", shedTiers(level)) + " requests for now; retry after " + s.retryAfterSeconds()
                + " s.");
    }

    /** {@link #admit}'s answer as the manager's gate: a shed request's {@link Limit#LOAD_SHED} violation, else null. */
    @Override
    public Violation refusal(String tier, LongSupplier activeTasks) {
        Admission admission = admit(tier, activeTasks);
        return admission.admitted() ? null : new Violation(Limit.LOAD_SHED, maxLevel(), admission.level(),
                Math.max(1, admission.retryAfterSeconds()));
    }

    /**
     * A tier's place in the order, 0 for the lowest: who is shed first, and who is handed a freed slot last.
     *
     * @param tier null counts as the lowest, a tier not in the order as {@code default} (or the lowest when
     *             {@code default} is not in the order)
     */
    @Override
    public int rank(String tier) {
        return tier == null ? 0 : ranks.getOrDefault(tier, defaultRank);
    }

    public static final class Builder {
        private final long memberSlots;
        private ScalingRules rules = ScalingRules.defaults();
        private List<String> tiers = DEFAULT_TIERS;

        private Builder(long memberSlots) {
            this.memberSlots = requireRange("memberSlots", memberSlots, 1, ScalingRules.MAX_CAPACITY);
        }

        public Builder rules(ScalingRules rules) {
            this.rules = Objects.requireNonNull(rules, "rules");
            return this;
        }

        /** The tiers in shedding order, lowest (shed first) to highest (keeps the reserved share). */
        public Builder tiers(String... lowestFirst) {
            List<String> list = new ArrayList<>();
            for (String t : lowestFirst) {
                if (t == null || t.isBlank() || list.contains(t)) {
                    throw InvalidQuotaConfigException.invalid("tiers", String.join(",", List.of(lowestFirst).stream()
                            .map(String::valueOf).toList()), "distinct non-blank tier names, lowest first");
                }
                list.add(t);
            }
            if (list.isEmpty()) {
                throw InvalidQuotaConfigException.invalid("tiers", "", "at least one tier name, lowest first");
            }
            tiers = list;
            return this;
        }

        public LoadProtection build() {
            return new LoadProtection(this);
        }
    }
}
