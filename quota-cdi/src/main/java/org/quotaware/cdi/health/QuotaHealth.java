package org.quotaware.cdi.health;

import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.quotaware.cdi.QuotaUsageView;
import org.quotaware.cdi.scaling.ScalingService;

/**
 * What the two health checks report, read from the quota manager and the scaling service. Both checks are named
 * {@value #NAME}; their states are explained in {@code docs/operations.md}.
 */
@ApplicationScoped
public class QuotaHealth {

    public static final String NAME = "quotaware";
    private static final Logger LOG = Logger.getLogger(QuotaHealth.class.getName());

    @Inject
    QuotaUsageView usage;

    @Inject
    Instance<ScalingService> scaling;

    private volatile long failureLoggedAt = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);

    /**
     * Up while this member makes quota decisions, in any store mode: a member in {@code FALLBACK} decides alone with a
     * safe share of every limit, so restarting it would not help. Down only when the manager cannot answer at all.
     */
    HealthCheckResponse liveness() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME);
        try {
            usage.recentStatistics();
            b.withData("store", usage.storeMode());
            ScalingService s = scaling();
            if (s != null) {
                b.withData("scaler", s.state());
            }
            return b.up().build();
        } catch (RuntimeException e) {
            return down(b, e);
        }
    }

    /**
     * Up while this member answers requests safely: in every store mode and at every protection level. What is
     * degraded is in the data: {@code degraded=true} when the store is in {@code FALLBACK} (limits are shares) or
     * the member sheds tiers. Taking a shedding member out of rotation would move its load onto the others, which is
     * how one overloaded member becomes an overloaded cluster; it sheds cheaply by itself.
     */
    HealthCheckResponse readiness() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named(NAME);
        try {
            String store = usage.storeMode();
            usage.recentStatistics();
            b.withData("store", store);
            int level = 0;
            ScalingService s = scaling();
            if (s != null) {
                level = s.protectionLevel();
                b.withData("scaler", s.state())
                        .withData("protectionLevel", level)
                        .withData("shedTiers", String.join(",", s.shedTiers()))
                        .withData("members", s.members());
            }
            b.withData("degraded", "FALLBACK".equals(store) || level > 0);
            return b.up().build();
        } catch (RuntimeException e) {
            return down(b, e);
        }
    }

    private ScalingService scaling() {
        return scaling.isResolvable() ? scaling.get() : null;
    }

    /**
     * Down, with a reason; what went wrong goes to the log (at most once a minute: a probe asks every few seconds), not
     * to a caller of {@code /health}, which is outside every access check.
     */
    private HealthCheckResponse down(HealthCheckResponseBuilder b, RuntimeException e) {
        long now = System.nanoTime();
        if (now - failureLoggedAt >= TimeUnit.MINUTES.toNanos(1)) {
            failureLoggedAt = now;
            LOG.log(Level.WARNING, "quotaware: the quota manager does not answer (health check down)", e);
        }
        return b.withData("reason", "the quota manager does not answer; the server log says why").down().build();
    }
}
