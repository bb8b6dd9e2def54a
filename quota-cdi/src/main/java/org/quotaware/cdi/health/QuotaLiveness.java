package org.quotaware.cdi.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

/** {@code /health/live}: see {@link QuotaHealth#liveness()}. */
@Liveness
@ApplicationScoped
public class QuotaLiveness implements HealthCheck {

    @Inject
    QuotaHealth health;

    @Override
    public HealthCheckResponse call() {
        return health.liveness();
    }
}
