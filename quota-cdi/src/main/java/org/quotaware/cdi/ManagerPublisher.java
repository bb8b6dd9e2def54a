package org.quotaware.cdi;

import jakarta.inject.Inject;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;

import org.quotaware.QuotaManager;
import org.quotaware.servlet.QuotaFilter;

/**
 * Publishes the application's {@link QuotaManager} in the servlet context before any filter starts, so a
 * {@link QuotaFilter} declared in web.xml enforces the same manager as {@code @Quota}: one set of limits, one store,
 * one count per request. Registered by this jar's {@code META-INF/web-fragment.xml}.
 */
public class ManagerPublisher implements ServletContextListener {

    @Inject
    QuotaManager manager;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        event.getServletContext().setAttribute(QuotaFilter.MANAGER_ATTRIBUTE, manager);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        event.getServletContext().removeAttribute(QuotaFilter.MANAGER_ATTRIBUTE);
    }
}
