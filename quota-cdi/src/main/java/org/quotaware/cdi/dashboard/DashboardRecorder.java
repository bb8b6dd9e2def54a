package org.quotaware.cdi.dashboard;

import java.time.InstantSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.cdi.QuotaBeans;
import org.quotaware.cdi.admin.AdminAccess;
import org.quotaware.cost.CostMeter;
import org.quotaware.spi.ChargeListener;
import org.quotaware.spi.DecisionListener;

/**
 * Feeds the dashboard's {@link DecisionHistory} and {@link TopUsers} with every decision of the application's
 * manager, and its {@linkplain #cpu() CPU ranking} with the CPU time the filter and {@code @Quota} charge permits
 * (told by the application's {@link CostMeter}, a part of a request at a time: measured only while a limit counts
 * CPU). Listens only while the admin API is enabled: otherwise nobody can see them, and decisions cost nothing more.
 * All hold a fixed amount of memory.
 */
@ApplicationScoped
public class DashboardRecorder {

    @Inject
    QuotaBeans beans;

    @Inject
    AdminAccess access;

    private final DecisionHistory history = new DecisionHistory(InstantSource.system());
    private final TopUsers top = new TopUsers(InstantSource.system());
    /** Users by the CPU time charged to their permits, in microseconds. */
    private final TopUsers cpu = new TopUsers(InstantSource.system());

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (access.settings().enabled()) {
            beans.implementation().listen(new Listener(history, top));
            beans.costMeter().listen(new CpuListener(cpu));
        }
    }

    public DecisionHistory history() {
        return history;
    }

    public TopUsers top() {
        return top;
    }

    /** The users whose requests used the most CPU time lately, counted in microseconds. */
    public TopUsers cpu() {
        return cpu;
    }

    /** Ranks a permit's user by the CPU time charged to it; allocation is not ranked. */
    record CpuListener(TopUsers cpu) implements ChargeListener {

        @Override
        public void charged(QuotaPermit permit, long cpuNanos, long allocatedBytes) {
            if (cpuNanos > 0) {
                // whole microseconds, rounded up: a request of a few microseconds still counts
                cpu.record(permit.user(), permit.result().tier(), (cpuNanos + 999) / 1_000, false);
            }
        }
    }

    /** A plain object on the manager's list, so a decision does not go through a CDI proxy. */
    private record Listener(DecisionHistory history, TopUsers top) implements DecisionListener {

        @Override
        public void decided(String tier, QuotaCheckResult result, long nanos) {
            history.record(tier, result);
        }

        @Override
        public void decided(String user, QuotaRequest request, QuotaCheckResult result, long nanos) {
            history.record(result.tier(), result);
            top.record(user, result.tier(), !result.allowed());
        }
    }
}
