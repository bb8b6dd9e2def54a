package org.quotaware.cdi;

import java.security.Principal;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.ContextNotActiveException;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;

import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaManager;
import org.quotaware.servlet.FilterSettings;
import org.quotaware.servlet.QuotaFilter;
import org.quotaware.servlet.QuotaCaller;

/**
 * Who the current caller is, by the filter's identity chain: the caller the filter identified (with what it already
 * counted), found on this thread or in the request, else the same chain asked about the current HTTP request, else
 * the container's principal for a call that is not an HTTP request. The chain is read from one place: the
 * {@code identity.*} init-params of the application's {@code QuotaFilter} when it declares one (the rules its
 * requests are counted by, trusted proxies included), else the {@code quotaware.identity.*} keys.
 */
@ApplicationScoped
public class Callers {

    @Inject
    Instance<HttpServletRequest> request;

    @Inject
    Instance<Principal> principal;

    @Inject
    QuotaExtension extension;

    @Inject
    QuotaManager manager;

    /** The current caller; never null. */
    public QuotaCaller current() {
        QuotaCaller filtered = QuotaCaller.current();
        if (filtered != null) {
            return filtered; // the filter runs this request's chain on this thread, on any dispatch
        }
        HttpServletRequest http = httpRequest();
        if (http != null) {
            return identity(http).identify(http, manager().tiers());
        }
        String name = principalName();
        if (name != null) {
            // the one caller not identified by the chain: not an HTTP request, so only the principal is there
            return new QuotaCaller(extension.configuration().settings.identity().principalPrefix() + name, null, 0, false, false,
                    false);
        }
        // one user for every caller outside a request without a principal: anonymous, though it makes one state only
        return new QuotaCaller("anonymous", extension.configuration().settings.identity().anonymousTierIn(manager().tiers()), 0,
                false, false, true);
    }

    /** The current HTTP request's client address by the filter's rules (trusted proxies), or null outside one. */
    public String clientAddress() {
        HttpServletRequest http = httpRequest();
        return http == null ? null : identity(http).clientAddress(http);
    }

    /** The filter's identity settings when the application has a {@code QuotaFilter}, else quota-cdi's. */
    private FilterSettings identity(HttpServletRequest http) {
        ServletContext context = http.getServletContext();
        return context != null && context.getAttribute(QuotaFilter.SETTINGS_ATTRIBUTE) instanceof FilterSettings f ? f
                : extension.callerRules();
    }

    /** Brings the filter's RateLimit headers up to date with a decision on the caller's own quota (if any). */
    void updateHeaders(QuotaCheckResult result) {
        if (!extension.configuration().settings.quota().rateLimitHeaders().sends(result.tier())) {
            return; // the filter, reading the same switch, sent none either
        }
        if (QuotaFilter.updateHeaders(result)) {
            return; // the filter runs this request's chain on this thread
        }
        HttpServletRequest http = httpRequest();
        if (http != null) {
            QuotaFilter.updateHeaders(http, result);
        }
    }

    private HttpServletRequest httpRequest() {
        try {
            HttpServletRequest http = request.isResolvable() ? request.get() : null;
            // touching the proxy tells whether a request is active in this thread
            return http != null && http.getMethod() != null ? http : null;
        } catch (ContextNotActiveException | IllegalStateException outsideARequest) {
            return null;
        }
    }

    private String principalName() {
        try {
            Principal p = principal.isResolvable() ? principal.get() : null;
            return p == null || p.getName() == null || p.getName().equals("ANONYMOUS") ? null : p.getName();
        } catch (RuntimeException noSecurityContext) {
            return null;
        }
    }

    /** The manager without its client proxy once it exists; the proxy's first call creates it. */
    private QuotaManager manager() {
        return extension.manager(manager);
    }
}
