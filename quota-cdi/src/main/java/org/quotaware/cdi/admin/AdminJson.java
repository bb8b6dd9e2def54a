package org.quotaware.cdi.admin;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaStatistics;
import org.quotaware.UserQuotaUsage;
import org.quotaware.config.LimitSetting;
import org.quotaware.config.QuotaSettings;
import org.quotaware.scaling.ScalingDecision;
import org.quotaware.scaling.SystemMetrics;

/** The JSON of the admin API. Unknown values (NaN, -1 bytes) are {@code null}; instants are ISO-8601 text. */
final class AdminJson {

    private AdminJson() {
    }

    static JsonObject usage(UserQuotaUsage u) {
        JsonArrayBuilder limits = Json.createArrayBuilder();
        for (LimitStatus s : u.limits()) {
            limits.add(Json.createObjectBuilder().add("limit", s.name()).add("max", s.max())
                    .add("used", s.used()).add("remaining", s.remaining()).add("resetSeconds", s.resetSeconds())
                    .add("window", s.windowSeconds()));
        }
        JsonObjectBuilder b = Json.createObjectBuilder()
                .add("user", u.user())
                .add("tier", u.tier())
                .add("requestsPerMinute", u.requestsPerMinute())
                .add("filesPerHour", u.filesPerHour())
                .add("filesPerDay", u.filesPerDay())
                .add("activeTasks", u.activeTasks())
                .add("queued", u.queued())
                .add("completed", u.completed())
                .add("failed", u.failed());
        instant(b, "lastActivity", u.lastActivity());
        return b.add("limits", limits).build();
    }

    static JsonObject statistics(QuotaStatistics s, String store) {
        JsonObjectBuilder denied = Json.createObjectBuilder();
        for (Map.Entry<Limit, Long> e : s.deniedByLimit().entrySet()) {
            denied.add(e.getKey().policyName(), e.getValue());
        }
        JsonObjectBuilder shadow = Json.createObjectBuilder();
        for (Map.Entry<Limit, Long> e : s.shadowDeniedByLimit().entrySet()) {
            shadow.add(e.getKey().policyName(), e.getValue());
        }
        return Json.createObjectBuilder()
                .add("allowed", s.allowed())
                .add("denied", s.denied())
                .add("deniedByLimit", denied)
                .add("active", s.active())
                .add("queued", s.queued())
                .add("blocked", s.blocked())
                .add("completed", s.completed())
                .add("failed", s.failed())
                .add("trackedUsers", s.trackedUsers())
                .add("overflowed", s.overflowed())
                .add("shadowDenied", s.shadowDenied())
                .add("shadowDeniedByLimit", shadow)
                .add("store", store)
                .build();
    }

    static JsonObject limits(QuotaLimits l) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        for (LimitSetting setting : LimitSetting.values()) {
            long v = l.get(setting.limit());
            if (setting.unit() == LimitSetting.Unit.MILLIS || v == QuotaLimits.OFF) {
                b.add(setting.setting(), setting.text(l)); // "500ms", "off"
            } else {
                b.add(setting.setting(), v);
            }
        }
        // every windowed limit by its name, the presets and the declared ones (a rule's as rule.name)
        JsonArrayBuilder windows = Json.createArrayBuilder();
        for (org.quotaware.WindowedLimit w : l.windows()) {
            windows.add(Json.createObjectBuilder().add("name", w.qualifiedName())
                    .add("counts", w.counted().name().toLowerCase(java.util.Locale.ROOT))
                    .add("unit", w.counted().unit()).add("windowMillis", w.windowMillis()).add("max", w.max())
                    .add("text", org.quotaware.config.LimitSyntax.describe(w)));
        }
        return b.add(QuotaSettings.LIMITS, TierChange.declared(l)).add("windows", windows)
                .add(QuotaSettings.SHADOW, QuotaSettings.shadowText(l)).build();
    }

    static JsonObject tiers(Map<String, QuotaLimits> tiers) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        tiers.forEach((name, limits) -> b.add(name, limits(limits)));
        return b.build();
    }

    static JsonObject metrics(SystemMetrics m) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        instant(b, "timestamp", m.timestamp());
        decimal(b, "cpuLoad", m.cpuLoad());
        decimal(b, "memoryUsed", m.memoryUsed());
        decimal(b, "diskUsed", m.diskUsed());
        decimal(b, "networkInBytesPerSecond", m.networkInBytesPerSecond());
        decimal(b, "networkOutBytesPerSecond", m.networkOutBytesPerSecond());
        bytes(b, "heapUsedBytes", m.heapUsedBytes());
        bytes(b, "heapMaxBytes", m.heapMaxBytes());
        return b.add("activeTasks", m.activeTasks()).add("queuedTasks", m.queuedTasks()).build();
    }

    static JsonObject decision(ScalingDecision d) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        instant(b, "at", d.at());
        b.add("direction", d.direction().name())
                .add("reason", d.reason().name())
                .add("detail", d.detail())
                .add("capacityBefore", d.capacityBefore())
                .add("desiredCapacity", d.desiredCapacity());
        decimal(b, "spareCapacity", d.spareCapacity());
        return b.build();
    }

    static JsonArrayBuilder decisions(List<ScalingDecision> history) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        history.forEach(d -> a.add(decision(d)));
        return a;
    }

    private static void instant(JsonObjectBuilder b, String name, Instant at) {
        if (at == null) {
            b.addNull(name);
        } else {
            b.add(name, at.toString());
        }
    }

    private static void decimal(JsonObjectBuilder b, String name, double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            b.addNull(name);
        } else {
            b.add(name, v);
        }
    }

    private static void bytes(JsonObjectBuilder b, String name, long v) {
        if (v < 0) {
            b.addNull(name);
        } else {
            b.add(name, v);
        }
    }
}
