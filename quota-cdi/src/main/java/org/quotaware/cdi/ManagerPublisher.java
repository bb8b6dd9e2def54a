package org.quotaware.cdi;

import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.inject.Inject;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaManager;
import org.quotaware.cdi.identity.NamedSources;
import org.quotaware.servlet.IdentitySource;
import org.quotaware.servlet.QuotaFilter;
import org.quotaware.servlet.ResumeScope;

/**
 * Publishes the application's {@link QuotaManager} in the servlet context before any filter starts, so a
 * {@link QuotaFilter} declared in web.xml enforces the same manager as {@code @Quota}: one set of limits, one store,
 * one count per request. Registered by this jar's {@code META-INF/web-fragment.xml}.
 */
public class ManagerPublisher implements ServletContextListener {

    @Inject
    QuotaBeans beans;

    @Inject
    RequestScopeForResumed resumeScope;

    @Inject
    QuotaExtension extension;

    @Inject
    BeanManager beanManager;

    /**
     * Publishes the manager and the identity chain's named sources, then checks every declared {@link QuotaFilter}
     * against them (no limits of their own, only existing tiers, only named sources there are), so a mistake fails
     * the deployment instead of leaving the application unfiltered.
     */
    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        // the manager itself, not its client proxy: the filter calls it on every request
        QuotaManager manager = beans.implementation();
        context.setAttribute(QuotaFilter.MANAGER_ATTRIBUTE, manager);
        // the filter charges what a request costs through the same meter as @Quota, so the dashboard sees both
        context.setAttribute(QuotaFilter.COST_METER_ATTRIBUTE, beans.costMeter());
        // the filter bounds an async request's slot as @Quota does: by quotaware.async-lease
        context.setAttribute(QuotaFilter.ASYNC_LEASE_ATTRIBUTE, beans.asyncLease());
        // and leaves the RateLimit fields out for the same tiers (quotaware.*rate-limit-headers)
        context.setAttribute(QuotaFilter.HEADERS_ATTRIBUTE, extension.configuration().settings.quota().rateLimitHeaders());
        // and matches requests against the rules per endpoint whose limits are in the manager's tiers (quotaware.rule.*)
        context.setAttribute(QuotaFilter.RULES_ATTRIBUTE, extension.configuration().settings.quota().rules());
        // a request resumed from the queue runs in a request context of its own (Payara activates none for it)
        context.setAttribute(ResumeScope.ATTRIBUTE, resumeScope);
        // the identity chain's jwt: and bean: entries, for the filter and for @Quota alike
        NamedSources named = new NamedSources(beanManager);
        context.setAttribute(IdentitySource.NAMED_ATTRIBUTE, named);
        try {
            extension.callerRules().resolveSources(named);
        } catch (InvalidQuotaConfigException e) {
            throw new IllegalStateException("quotaware: " + e.getMessage(), e);
        }
        for (FilterRegistration registration : context.getFilterRegistrations().values()) {
            if (QuotaFilter.class.getName().equals(registration.getClassName())) {
                try {
                    QuotaFilter.check(registration.getInitParameters(), manager, named);
                } catch (InvalidQuotaConfigException e) {
                    throw new IllegalStateException("QuotaFilter '" + registration.getName() + "' is misconfigured: "
                            + e.getMessage(), e);
                }
            }
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        event.getServletContext().removeAttribute(QuotaFilter.MANAGER_ATTRIBUTE);
        event.getServletContext().removeAttribute(QuotaFilter.COST_METER_ATTRIBUTE);
        event.getServletContext().removeAttribute(QuotaFilter.ASYNC_LEASE_ATTRIBUTE);
        event.getServletContext().removeAttribute(QuotaFilter.HEADERS_ATTRIBUTE);
        event.getServletContext().removeAttribute(QuotaFilter.RULES_ATTRIBUTE);
        event.getServletContext().removeAttribute(ResumeScope.ATTRIBUTE);
        event.getServletContext().removeAttribute(IdentitySource.NAMED_ATTRIBUTE);
    }
}
