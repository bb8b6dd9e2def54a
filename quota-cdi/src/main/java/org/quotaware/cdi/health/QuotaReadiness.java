package org.quotaware.cdi.health;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** {@code /health/ready}: see {@link QuotaHealth#readiness()}. */
@Readiness
@ApplicationScoped
public class QuotaReadiness implements HealthCheck {

    @Inject
    QuotaHealth health;

    @Override
    public HealthCheckResponse call() {
        return health.readiness();
    }
}
