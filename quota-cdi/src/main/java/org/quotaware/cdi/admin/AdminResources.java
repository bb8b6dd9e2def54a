package org.quotaware.cdi.admin;

import java.util.Set;

/**
 * The JAX-RS resources of this package, for an {@code Application} that lists its classes in {@code getClasses()}
 * (then nothing is scanned): {@code classes.addAll(AdminResources.CLASSES)}.
 */
public final class AdminResources {

    public static final Set<Class<?>> CLASSES = Set.of(QuotaAdminResource.class, MyQuotaResource.class,
            DashboardResource.class, DenialsResource.class, UserLimitsResource.class);

    private AdminResources() {
    }
}
