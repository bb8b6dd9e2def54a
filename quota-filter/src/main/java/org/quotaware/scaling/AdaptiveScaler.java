package org.quotaware.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.quotaware.scaling.ScalingDecision.Direction;
import org.quotaware.scaling.ScalingDecision.Reason;

/**
 * Decides the cluster's <em>desired capacity</em> (concurrent-task slots across all members) from its load, by the
 * seed's rule in {@link ScalingRules}. The decision is published for an orchestrator, which adds or removes members;
 * nothing here raises a member's own concurrency, which under a hot CPU would only make the overload worse.
 * <p>
 * {@link #decide(SystemMetrics, long, ScalerState)} is a pure function of the load, the actual capacity and the
 * state it returned last time; a cluster keeps that state in one shared entry and lets one member decide.
 * {@link #step} is the same for a single JVM: it keeps the state itself and records every change in
 * {@link #history()}.
 * <p>
 * What keeps a noisy load from flapping: a condition counts only once every sample has met it for
 * {@code scaleUpAfter} (or {@code scaleDownAfter}); two changes are at least {@code cooldown} apart; the thresholds
 * are validated so that one change cannot trigger the opposite one; and a change is computed from the actual capacity,
 * so repeating it while the orchestrator catches up asks for the same capacity again instead of compounding.
 */
public final class AdaptiveScaler {

    private volatile ScalingRules rules;
    private final ScalingHistory history;
    private ScalerState state = ScalerState.INITIAL;
    private ScalingDecision last;

    public AdaptiveScaler(ScalingRules rules) {
        this(rules, new ScalingHistory());
    }

    public AdaptiveScaler(ScalingRules rules, ScalingHistory history) {
        this.rules = Objects.requireNonNull(rules, "rules");
        this.history = Objects.requireNonNull(history, "history");
    }

    public ScalingRules rules() {
        return rules;
    }

    /** New rules apply from the next decision; the state (cooldown, hysteresis) is kept. */
    public void rules(ScalingRules rules) {
        this.rules = Objects.requireNonNull(rules, "rules");
    }

    /** Changes of the desired capacity made by {@link #step}, or recorded by a cluster's decider. */
    public ScalingHistory history() {
        return history;
    }

    /** The pure decision with this scaler's current rules; see {@link #decide(ScalingRules, SystemMetrics, long, ScalerState)}. */
    public ScalingDecision decide(SystemMetrics metrics, long actualCapacity, ScalerState state) {
        return decide(rules, metrics, actualCapacity, state);
    }

    /**
     * Decides once, keeping the state in this object, and records the decision in {@link #history()} when it changed
     * the desired capacity. For a single JVM, or the cluster member currently deciding when the state is not shared.
     */
    public synchronized ScalingDecision step(SystemMetrics metrics, long actualCapacity) {
        ScalingDecision d = decide(metrics, actualCapacity, state);
        state = d.next();
        last = d;
        if (d.changed()) {
            history.record(d);
        }
        return d;
    }

    /** The state {@link #step} keeps. */
    public synchronized ScalerState state() {
        return state;
    }

    /** The last decision of {@link #step} (a hold too), or null. */
    public synchronized ScalingDecision lastDecision() {
        return last;
    }

    /**
     * The desired capacity for this load.
     *
     * @param metrics        the load, the cluster's ({@link SystemMetrics#aggregate}) or one JVM's; its timestamp is "now"
     * @param actualCapacity the slots present now: members × slots per member; a change is computed from it
     * @param state          what the previous decision returned in {@link ScalingDecision#next()}, or null (first)
     */
    public static ScalingDecision decide(ScalingRules rules, SystemMetrics metrics, long actualCapacity,
                                         ScalerState state) {
        ScalerState s = state == null ? ScalerState.INITIAL : state;
        Instant now = metrics.timestamp();
        long base = clamp(rules, actualCapacity);
        long before = s.desiredCapacity() > 0 ? clamp(rules, s.desiredCapacity()) : base;
        double spare = spareCapacity(rules, metrics);

        Reason up = upCondition(rules, metrics);
        boolean down = up == null && metrics.cpuLoad() < rules.cpuScaleDown()
                && metrics.queuedTasks() < rules.queueScaleDown();
        Instant upSince = up == null ? null : s.upSince() == null ? now : s.upSince();
        Instant downSince = down ? s.downSince() == null ? now : s.downSince() : null;
        ScalerState waiting = new ScalerState(before, s.lastChange(), s.lastDirection(), upSince, downSince);

        if (up == null && !down) {
            String why = Double.isNaN(metrics.cpuLoad()) ? "cpu unknown" : "load between the thresholds";
            return hold(metrics, base, before, Reason.STEADY, why, spare, waiting);
        }
        Reason reason = up == null ? Reason.LOW_LOAD : up;
        String condition = describe(rules, metrics, reason);
        Duration held = Duration.between(up == null ? downSince : upSince, now);
        Duration needed = up == null ? rules.scaleDownAfter() : rules.scaleUpAfter();
        if (held.compareTo(needed) < 0) {
            return hold(metrics, base, before, Reason.SUSTAINING, condition + " for " + held.toSeconds() + " s of "
                    + needed.toSeconds() + " s", spare, waiting);
        }
        if (s.lastChange() != null) {
            Duration since = Duration.between(s.lastChange(), now);
            // a clock behind the last change (another decider took over) counts as inside the cooldown
            if (since.isNegative() || since.compareTo(rules.cooldown()) < 0) {
                long left = rules.cooldown().minus(since.isNegative() ? Duration.ZERO : since).toSeconds();
                return hold(metrics, base, before, Reason.COOLDOWN, condition + "; cooldown, " + left + " s left",
                        spare, waiting);
            }
        }
        Direction direction = up == null ? Direction.DOWN : Direction.UP;
        long target = direction == Direction.UP
                ? clamp(rules, (long) Math.ceil(base * rules.scaleUpFactor() - 1e-9))
                : clamp(rules, (long) Math.floor(base * rules.scaleDownFactor() + 1e-9));
        if (target == base) {
            return hold(metrics, base, before, Reason.AT_BOUND, condition + "; capacity " + base + " is at the "
                    + (direction == Direction.UP ? "maximum" : "minimum"), spare, waiting);
        }
        if (direction == Direction.UP ? target <= before : target >= before) {
            return hold(metrics, base, before, Reason.PENDING, condition + "; " + before + " already asked for, "
                    + base + " present", spare, waiting);
        }
        return new ScalingDecision(now, metrics, base, target, direction, reason, condition + ": " + base + " -> "
                + target, spare, new ScalerState(target, now, direction, null, null));
    }

    /**
     * How much room the load leaves, 0..1, for adaptive rate limits: 0 when any scale-up condition holds (the cluster
     * wants more capacity), 1 when the CPU is at or below the scale-down threshold and the queue below its own,
     * linear in between on the CPU and on the queue, whichever is tighter. NaN when the CPU is unknown.
     */
    public static double spareCapacity(ScalingRules rules, SystemMetrics metrics) {
        if (upCondition(rules, metrics) != null) {
            return 0;
        }
        double cpu = metrics.cpuLoad();
        if (Double.isNaN(cpu)) {
            return SystemMetrics.UNKNOWN;
        }
        double cpuSpare = 1 - position(cpu, rules.cpuScaleDown(), rules.cpuScaleUp());
        double queueSpare = 1 - position(metrics.queuedTasks(), rules.queueScaleDown(), rules.queueScaleUp());
        return Math.min(cpuSpare, queueSpare);
    }

    /** Where {@code value} lies from {@code low} (0) to {@code high} (1), clamped. */
    private static double position(double value, double low, double high) {
        if (value <= low) {
            return 0;
        }
        return value >= high ? 1 : (value - low) / (high - low);
    }

    /** The first scale-up condition met by this sample, or null. NaN compares false: unknown is no evidence. */
    private static Reason upCondition(ScalingRules rules, SystemMetrics m) {
        if (m.cpuLoad() > rules.cpuScaleUp()) {
            return Reason.CPU;
        }
        if (m.memoryUsed() > rules.memoryScaleUp()) {
            return Reason.MEMORY;
        }
        return m.queuedTasks() > rules.queueScaleUp() ? Reason.QUEUE : null;
    }

    private static String describe(ScalingRules rules, SystemMetrics m, Reason reason) {
        return switch (reason) {
            case CPU -> "cpu " + percent(m.cpuLoad()) + " > " + percent(rules.cpuScaleUp());
            case MEMORY -> "memory " + percent(m.memoryUsed()) + " > " + percent(rules.memoryScaleUp());
            case QUEUE -> "queue " + m.queuedTasks() + " > " + rules.queueScaleUp();
            default -> "cpu " + percent(m.cpuLoad()) + " < " + percent(rules.cpuScaleDown()) + " and queue "
                    + m.queuedTasks() + " < " + rules.queueScaleDown();
        };
    }

    static String percent(double fraction) {
        return Math.round(fraction * 1000) / 10.0 + "%";
    }

    private static ScalingDecision hold(SystemMetrics m, long base, long desired, Reason reason, String detail,
                                        double spare, ScalerState next) {
        return new ScalingDecision(m.timestamp(), m, base, desired, Direction.HOLD, reason, detail, spare, next);
    }

    private static long clamp(ScalingRules rules, long capacity) {
        return Math.max(rules.minCapacity(), Math.min(rules.maxCapacity(), capacity));
    }
}
