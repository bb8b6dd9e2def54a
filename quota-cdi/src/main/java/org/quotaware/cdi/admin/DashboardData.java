package org.quotaware.cdi.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import org.quotaware.Counted;
import org.quotaware.QuotaLimits;
import org.quotaware.SystemLimits;
import org.quotaware.cdi.ClusterLink;
import org.quotaware.cdi.QuotaBeans;
import org.quotaware.cdi.QuotaUsageView;
import org.quotaware.cdi.dashboard.DashboardRecorder;
import org.quotaware.cdi.dashboard.DecisionHistory;
import org.quotaware.cdi.dashboard.TopUsers;
import org.quotaware.cdi.scaling.ScalingService;
import org.quotaware.scaling.ScalingDecision;

/**
 * The dashboard's one summary, {@code GET quota/admin/dashboard/data}: built at most once per
 * {@value #FRESH_MILLIS} ms per {@link Ranking} whatever the number of open dashboards, and of bounded size and cost:
 * the decision ring (fixed), the statistics counters, the scaler's bounded history, and the usage of the
 * {@value #TOP} top users of the ranking asked for (one store read each; no scan of the tracked users).
 */
@ApplicationScoped
public class DashboardData {

    static final long FRESH_MILLIS = 1_000;
    static final int TOP = 10;
    /** Members listed at most: a cluster larger than this is counted, not listed. */
    static final int MAX_MEMBERS = 64;

    @Inject
    DashboardRecorder recorder;

    @Inject
    QuotaUsageView usage;

    @Inject
    QuotaBeans beans;

    @Inject
    Instance<ScalingService> scaling;

    /** What the top users are ranked by: {@code ?top=decisions} (the default) or {@code ?top=cpu}. */
    public enum Ranking {
        /** The most decisions, admitted and denied. */
        DECISIONS,
        /** The most CPU time charged to their requests (measured only while a limit counts CPU). */
        CPU;

        /** The ranking a query parameter names (null for the default), or null for a name there is none of. */
        public static Ranking named(String name) {
            if (name == null || name.isEmpty()) {
                return DECISIONS;
            }
            for (Ranking r : values()) {
                if (r.name().equalsIgnoreCase(name)) {
                    return r;
                }
            }
            return null;
        }
    }

    /** A summary and when it was built. */
    private record Built(JsonObject summary, long atNanos) {
    }

    /** The latest summary per ranking; null before the first. */
    private final Built[] last = new Built[Ranking.values().length];

    /** The summary with the top users by {@code ranking}, at most {@value #FRESH_MILLIS} ms old. */
    public synchronized JsonObject summary(Ranking ranking) {
        Built b = last[ranking.ordinal()];
        if (b == null || System.nanoTime() - b.atNanos() >= TimeUnit.MILLISECONDS.toNanos(FRESH_MILLIS)) {
            b = new Built(build(ranking), System.nanoTime());
            last[ranking.ordinal()] = b;
        }
        return b.summary();
    }

    private JsonObject build(Ranking ranking) {
        return Json.createObjectBuilder()
                .add("at", Instant.now().toString())
                .add("statistics", AdminJson.statistics(usage.statistics(), usage.storeMode()))
                .add("system", system(beans.implementation().systemLimits()))
                .add("decisions", decisions(recorder.history()))
                .add("store", store())
                .add("scaling", scaling())
                .add("topUsers", ranking == Ranking.CPU ? cpuTop() : top(recorder.top()))
                .add("denialLogSize", beans.denials().size())
                .build();
    }

    private static JsonObject system(SystemLimits l) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        limit(b, "maxConcurrentTasks", l.maxConcurrentTasks());
        limit(b, "maxQueuedRequests", l.maxQueuedRequests());
        limit(b, "maxBlockedWaits", l.maxBlockedWaits());
        return b.build();
    }

    private static void limit(JsonObjectBuilder b, String name, long v) {
        if (v == QuotaLimits.OFF) {
            b.addNull(name);
        } else {
            b.add(name, v);
        }
    }

    private static JsonObject decisions(DecisionHistory history) {
        JsonArrayBuilder buckets = Json.createArrayBuilder();
        long allowed = 0;
        long denied = 0;
        for (DecisionHistory.Bucket bucket : history.buckets()) {
            buckets.add(Json.createObjectBuilder().add("start", bucket.start().toString())
                    .add("allowed", counts(bucket.allowed())).add("denied", counts(bucket.denied()))
                    .add("reasons", counts(bucket.byReason())));
            allowed += bucket.allowedTotal();
            denied += bucket.deniedTotal();
        }
        return Json.createObjectBuilder().add("bucketSeconds", history.bucket().toSeconds())
                .add("allowed", allowed).add("denied", denied).add("buckets", buckets).build();
    }

    private static JsonObjectBuilder counts(Map<String, Long> counts) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        counts.forEach(b::add);
        return b;
    }

    private JsonObject store() {
        JsonObjectBuilder b = Json.createObjectBuilder().add("mode", usage.storeMode());
        JsonArrayBuilder members = Json.createArrayBuilder();
        ClusterLink cluster = beans.cluster();
        int count = 1;
        try {
            if (cluster == null) {
                members.add(Json.createObjectBuilder().add("address", "local").add("self", true));
            } else {
                List<ClusterLink.Member> all = cluster.members();
                count = all.size();
                for (ClusterLink.Member m : all.subList(0, Math.min(all.size(), MAX_MEMBERS))) {
                    members.add(Json.createObjectBuilder().add("address", m.address())
                            .add("uuid", m.uuid()).add("self", m.self()));
                }
            }
        } catch (RuntimeException stopping) {
            b.add("detail", "the cluster does not answer: " + stopping.getClass().getSimpleName());
        }
        return b.add("memberCount", count).add("members", members).build();
    }

    private JsonObject scaling() {
        if (!scaling.isResolvable()) {
            return Json.createObjectBuilder().add("state", "absent").build();
        }
        ScalingService s = scaling.get();
        JsonArrayBuilder shed = Json.createArrayBuilder();
        s.shedTiers().forEach(shed::add);
        JsonObjectBuilder b = Json.createObjectBuilder().add("state", s.state()).add("decider", s.decider())
                .add("members", s.members()).add("slotsPerMember", s.slotsPerMember())
                .add("desiredCapacity", s.desiredCapacity()).add("actualCapacity", s.actualCapacity())
                .add("protectionLevel", s.protectionLevel()).add("shedTiers", shed)
                .add("current", AdminJson.metrics(s.current()));
        ScalingDecision last = s.lastDecision();
        if (last == null) {
            b.addNull("lastDecision");
        } else {
            b.add("lastDecision", decision(last));
        }
        JsonArrayBuilder history = Json.createArrayBuilder();
        List<ScalingDecision> decisions = s.history();
        // the newest 20 of the bounded history, oldest first
        decisions.subList(Math.max(0, decisions.size() - 20), decisions.size()).forEach(d -> history.add(decision(d)));
        return b.add("history", history).build();
    }

    /** A decision with the load it was decided from (its inputs). */
    private static JsonObject decision(ScalingDecision d) {
        return Json.createObjectBuilder(AdminJson.decision(d)).add("inputs", AdminJson.metrics(d.metrics())).build();
    }

    private JsonObject top(TopUsers top) {
        JsonArrayBuilder users = Json.createArrayBuilder();
        for (TopUsers.Entry e : top.top(TOP)) {
            users.add(Json.createObjectBuilder().add("user", e.user()).add("decisions", e.count())
                    .add("denied", e.denied()).add("overcount", e.overcount())
                    .add("usage", AdminJson.usage(beans.implementation().usage(e.user(), e.tier()))));
        }
        return Json.createObjectBuilder().add("rank", "decisions").add("spanSeconds", top.span().toSeconds())
                .add("users", users).build();
    }

    /**
     * The users by CPU time charged ({@code cpuMillis}, and {@code overcountMillis} it may exceed the truth by), with
     * {@code measured}: whether a limit counts CPU now (otherwise nothing is measured and the list only ages).
     */
    private JsonObject cpuTop() {
        TopUsers top = recorder.cpu();
        JsonArrayBuilder users = Json.createArrayBuilder();
        for (TopUsers.Entry e : top.top(TOP)) {
            users.add(Json.createObjectBuilder().add("user", e.user()).add("cpuMillis", millis(e.count()))
                    .add("overcountMillis", millis(e.overcount()))
                    .add("usage", AdminJson.usage(beans.implementation().usage(e.user(), e.tier()))));
        }
        boolean measured = beans.implementation().chargedAtEnd().contains(Counted.CPU);
        return Json.createObjectBuilder().add("rank", "cpu").add("measured", measured)
                .add("spanSeconds", top.span().toSeconds()).add("users", users).build();
    }

    /** Microseconds as milliseconds with one decimal. */
    private static double millis(long micros) {
        return Math.round(micros / 100.0) / 10.0;
    }
}
