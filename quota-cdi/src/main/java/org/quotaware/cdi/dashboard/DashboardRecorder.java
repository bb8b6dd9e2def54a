package org.quotaware.cdi.dashboard;

import java.time.InstantSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaRequest;
import org.quotaware.cdi.QuotaBeans;
import org.quotaware.cdi.admin.AdminAccess;
import org.quotaware.spi.DecisionListener;

/**
 * Feeds the dashboard's {@link DecisionHistory} and {@link TopUsers} with every decision of the application's
 * manager. Listens only while the admin API is enabled: otherwise nobody can see them, and decisions cost nothing
 * more. Both hold a fixed amount of memory.
 */
@ApplicationScoped
public class DashboardRecorder {

    @Inject
    QuotaBeans beans;

    @Inject
    AdminAccess access;

    private final DecisionHistory history = new DecisionHistory(InstantSource.system());
    private final TopUsers top = new TopUsers(InstantSource.system());

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        if (access.settings().enabled()) {
            beans.implementation().listen(new Listener(history, top));
        }
    }

    public DecisionHistory history() {
        return history;
    }

    public TopUsers top() {
        return top;
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
