/**
 * Load-driven decisions, plain Java (no Jakarta, no OSHI): a snapshot of the load ({@link
 * org.quotaware.scaling.SystemMetrics}), the rules ({@link org.quotaware.scaling.ScalingRules}), the cluster's
 * <em>desired capacity</em> ({@link org.quotaware.scaling.AdaptiveScaler}, a pure decision for an orchestrator to act
 * on), each member's self-protection ({@link org.quotaware.scaling.LoadProtection}, sheds the lowest tiers first) and
 * adaptive rate limits ({@link org.quotaware.scaling.RateRange}). The semantics are written out in
 * {@code docs/scaling.md}.
 * <p>
 * Every decision takes its time from the metrics it is given, so tests drive it with plain values and no clock.
 */
package org.quotaware.scaling;
