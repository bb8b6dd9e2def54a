package org.quotaware.cdi.admin;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.quotaware.cdi.ClusterLink;
import org.quotaware.cdi.QuotaBeans;

/**
 * The application's {@link UserOverrides}, shared through the admin map ({@code quotaware.admin.map}) like tier
 * changes when the member has Hazelcast, applied to this member only otherwise.
 */
@ApplicationScoped
public class OverrideReplication {

    private static final Logger LOG = Logger.getLogger(OverrideReplication.class.getName());

    @Inject
    QuotaBeans beans;

    @Inject
    AdminAccess access;

    private volatile UserOverrides overrides;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        overrides();
    }

    /** The overrides, made (and shared) on first use. */
    synchronized UserOverrides overrides() {
        if (overrides == null) {
            UserOverrides o = new UserOverrides(beans.implementation().tiers(), access.settings().maxOverrides());
            ClusterLink cluster = beans.cluster();
            if (cluster != null) {
                try {
                    o.share(cluster.keptMap(access.settings().tiersMap(beans.application())));
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "quotaware: per-user overrides cannot be shared through Hazelcast map '"
                            + access.settings().tiersMap(beans.application()) + "'; they apply to this member only", e);
                }
            }
            overrides = o;
        }
        return overrides;
    }

    @PreDestroy
    void stop() {
        UserOverrides o = overrides;
        if (o != null) {
            o.stop();
        }
    }
}
