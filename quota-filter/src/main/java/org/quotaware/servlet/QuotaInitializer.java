package org.quotaware.servlet;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterRegistration;
import jakarta.servlet.ServletContainerInitializer;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.config.ConfigSource;
import org.quotaware.config.QuotaSettings;
import org.quotaware.config.RequestSettings;

/**
 * The drop-in: with the jar in {@code WEB-INF/lib} and the context-param {@code quotaware.enabled=true}, registers
 * {@link QuotaFilter} on {@code /*} with the {@code quotaware.*} context-params as its settings. Without that
 * context-param it does nothing, so adding the jar alone never changes an application; when the application declares a
 * {@link QuotaFilter} itself it does nothing either, so requests are never counted twice.
 */
public final class QuotaInitializer implements ServletContainerInitializer {

    /** The context-param that switches the drop-in on: {@code true} or {@code false}. */
    public static final String ENABLED = QuotaSettings.PREFIX + "enabled";
    /** The name the drop-in filter is registered under. */
    public static final String FILTER_NAME = "quotaware";

    private static final Logger LOG = Logger.getLogger(QuotaInitializer.class.getName());

    @Override
    public void onStartup(Set<Class<?>> classes, ServletContext context) throws ServletException {
        checkDeclared(context);
        mapAsyncDispatches(context);
        String enabled = context.getInitParameter(ENABLED);
        if (enabled == null || enabled.trim().equalsIgnoreCase("false")) {
            return;
        }
        if (!enabled.trim().equalsIgnoreCase("true")) {
            throw new ServletException(ENABLED + ": must be true or false, was " + enabled);
        }
        for (FilterRegistration registration : context.getFilterRegistrations().values()) {
            if (QuotaFilter.class.getName().equals(registration.getClassName())) {
                LOG.info(() -> "QuotaFilter is declared as '" + registration.getName() + "'; the drop-in stays out");
                return;
            }
        }
        Map<String, String> params = settings(context);
        try {
            // validate now, so a typo fails the deployment with the key the user wrote (quotaware.…)
            Map<String, String> written = prefixed(params);
            FilterSettings settings = FilterSettings.of(RequestSettings.read(QuotaSettings.PREFIX,
                    ConfigSource.of("context-param", written)));
            checkOwnTiers(settings);
            FilterStore.check(settings);
            if (!quotaCdiPresent()) {
                settings.resolveSources(null); // nobody will resolve jwt: or bean: entries: fail now
            }
        } catch (InvalidQuotaConfigException e) {
            throw new ServletException(e.getMessage(), e);
        }
        FilterRegistration.Dynamic filter = context.addFilter(FILTER_NAME, QuotaFilter.class);
        if (filter == null) {
            LOG.info(() -> "a filter named '" + FILTER_NAME + "' already exists; the drop-in stays out");
            return;
        }
        filter.setAsyncSupported(true);
        filter.setInitParameters(params);
        // after the filters the application declares, so an authentication filter can set the principal first
        // ASYNC too: a request that waited in the queue comes back through the filter to run with its slot
        filter.addMappingForUrlPatterns(EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC), true, "/*");
    }

    /**
     * Maps every declared {@link QuotaFilter} for {@code ASYNC} dispatches as well, on the same URL patterns and
     * servlet names: a request parked in the queue is resumed by an async dispatch, which must pass the filter again
     * to run with its slot and its file-size limit. web.xml mappings name {@code REQUEST} alone unless told otherwise.
     */
    static void mapAsyncDispatches(ServletContext context) {
        for (FilterRegistration registration : context.getFilterRegistrations().values()) {
            if (QuotaFilter.class.getName().equals(registration.getClassName())) {
                String[] patterns = names(registration.getUrlPatternMappings());
                String[] servlets = names(registration.getServletNameMappings());
                if (patterns.length > 0) {
                    registration.addMappingForUrlPatterns(EnumSet.of(DispatcherType.ASYNC), true, patterns);
                }
                if (servlets.length > 0) {
                    registration.addMappingForServletNames(EnumSet.of(DispatcherType.ASYNC), true, servlets);
                }
            }
        }
    }

    /** Open Liberty 25 answers null, not an empty collection, for a filter mapped by URL pattern alone. */
    private static String[] names(java.util.Collection<String> mappings) {
        return mappings == null ? new String[0] : mappings.toArray(String[]::new);
    }

    /**
     * Validates every {@link QuotaFilter} the application declares (web.xml, fragments), so a bad init-param fails the
     * deployment: some containers (Payara among them) only log a filter whose init fails and serve the application
     * without it. The application's shared manager, if any, is published later; the filter checks against it then.
     */
    static void checkDeclared(ServletContext context) throws ServletException {
        for (FilterRegistration registration : context.getFilterRegistrations().values()) {
            if (QuotaFilter.class.getName().equals(registration.getClassName())) {
                try {
                    Map<String, String> params = registration.getInitParameters();
                    FilterSettings settings = FilterSettings.of(FilterSettings.read(params));
                    checkOwnTiers(settings);
                    FilterStore.check(settings);
                    if (!quotaCdiPresent()) {
                        settings.resolveSources(null); // nobody will resolve jwt: or bean: entries: fail now
                    }
                } catch (InvalidQuotaConfigException e) {
                    throw new ServletException("QuotaFilter '" + registration.getName() + "' is misconfigured: "
                            + e.getMessage(), e);
                }
            }
        }
    }

    /** Whether quota-cdi, which resolves the identity chain's {@code jwt:} and {@code bean:} entries, is deployed. */
    private static boolean quotaCdiPresent() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        try {
            Class.forName("org.quotaware.cdi.identity.NamedSources", false,
                    loader != null ? loader : QuotaInitializer.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /**
     * Settings that define limits make a filter of its own, so their tiers must hold every tier they name; settings
     * without limits may be meant for the application's shared manager, whose tiers are checked when it is there.
     */
    private static void checkOwnTiers(FilterSettings settings) {
        if (!settings.limitKeys().isEmpty()) {
            settings.checkTiers(settings.tiers());
        }
    }

    /** The {@code quotaware.*} context-params without the prefix (and without {@code quotaware.enabled}). */
    private static Map<String, String> settings(ServletContext context) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            if (name.startsWith(QuotaSettings.PREFIX) && !name.equals(ENABLED)) {
                params.put(name.substring(QuotaSettings.PREFIX.length()), context.getInitParameter(name));
            }
        }
        return params;
    }

    private static Map<String, String> prefixed(Map<String, String> params) {
        Map<String, String> out = new LinkedHashMap<>();
        params.forEach((k, v) -> out.put(QuotaSettings.PREFIX + k, v));
        return out;
    }
}
