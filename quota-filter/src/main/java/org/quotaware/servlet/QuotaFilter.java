package org.quotaware.servlet;

import java.io.IOException;
import java.time.InstantSource;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.logging.Logger;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.quotaware.Acquisition;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaDenial;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.config.QuotaSettings;
import org.quotaware.config.RuleSettings;
import org.quotaware.cost.CostMeter;
import org.quotaware.denials.DenialLog;
import org.quotaware.denials.DenialLogger;
import org.quotaware.http.HeaderSwitch;
import org.quotaware.http.Problem;
import org.quotaware.http.RequestPath;
import org.quotaware.spi.HostedQuotaManager;

/**
 * Enforces quotas on HTTP requests: identifies the caller, acquires a permit from a {@link QuotaManager}, holds it while
 * the request runs (also asynchronously) and answers 429, 413 or 401 with an {@code application/problem+json} body when
 * it is denied. Every counted response carries {@code RateLimit-Policy} and {@code RateLimit} headers.
 * <p>
 * Declared in web.xml, the public no-argument constructor is used and {@link #init} reads the init-params described in
 * {@code docs/configuration.md}; a bad value makes the deployment fail. For programmatic or CDI use, pass a ready
 * manager to {@link #QuotaFilter(QuotaManager, FilterSettings)}. Declare the filter {@code async-supported}.
 */
public class QuotaFilter implements Filter {

    /** The servlet-context attribute under which the filter publishes its {@link QuotaManager}, unless one is there. */
    public static final String MANAGER_ATTRIBUTE = QuotaManager.class.getName();

    /**
     * The servlet-context attribute under which the application may publish its async lease (a
     * {@link java.time.Duration}); quota-cdi publishes {@code quotaware.async-lease}. A filter's own {@code async-lease}
     * init-param wins.
     */
    public static final String ASYNC_LEASE_ATTRIBUTE = QuotaFilter.class.getName() + ".asyncLease";

    /** The servlet-context attribute under which a filter with a manager of its own publishes its {@link DenialLog}. */
    public static final String DENIAL_LOG_ATTRIBUTE = DenialLog.class.getName();
    /**
     * The servlet-context attribute under which the application may publish which tiers' answers carry the RateLimit
     * fields (a {@link HeaderSwitch}); quota-cdi publishes its {@code quotaware.*rate-limit-headers} keys. A filter's
     * own {@code rate-limit-headers} init-params win.
     */
    public static final String HEADERS_ATTRIBUTE = QuotaFilter.class.getName() + ".rateLimitHeaders";

    /**
     * The servlet-context attribute under which the first filter publishes its {@link FilterSettings}: how it
     * identifies callers and their addresses ({@code identity.*}, trusted proxies included), so the rest of the
     * application (quota-cdi's admin-key lockout, a {@code @Quota} method on a path the filter does not count) applies
     * the same rules, read from one place.
     */
    public static final String SETTINGS_ATTRIBUTE = FilterSettings.class.getName();

    /**
     * The servlet-context attribute under which the application may publish the {@link CostMeter} of its
     * {@link QuotaManager} (quota-cdi does, so that its dashboard sees what the filter charges); a filter enforcing that
     * manager measures with it, any other with a meter of its own.
     */
    public static final String COST_METER_ATTRIBUTE = CostMeter.class.getName();

    /**
     * The servlet-context attribute under which the application may publish its rules per endpoint (a
     * {@code List<RuleSettings>}, whose limits are in its manager's tiers); quota-cdi publishes its
     * {@code quotaware.rule.*} keys. A filter on that manager matches requests against them.
     */
    public static final String RULES_ATTRIBUTE = QuotaFilter.class.getName() + ".rules";

    /** The response of a counted request, so a {@code @Quota} method can bring its RateLimit headers up to date. */
    static final String RESPONSE = QuotaFilter.class.getName() + ".response";

    /**
     * Replaces the RateLimit headers the filter set on this request's response with those of a later decision on the
     * same quota (a {@code @Quota} method that counted the upload's file), while the response is not committed. The
     * caller applies its own {@link HeaderSwitch}: this writes every field.
     */
    public static void updateHeaders(HttpServletRequest request, QuotaCheckResult result) {
        if (request.getAttribute(RESPONSE) instanceof HttpServletResponse response && !response.isCommitted()) {
            Responses.headers(response, result);
        }
    }

    /**
     * The same for the request whose chain this filter runs on this thread (also on the {@code ASYNC} dispatch of a
     * request resumed from the queue, where a container may not tell which request is current); false when none is.
     */
    public static boolean updateHeaders(QuotaCheckResult result) {
        RunningChain running = RunningChain.current();
        if (running == null) {
            return false;
        }
        if (!running.response.isCommitted()) {
            Responses.headers(running.response, result);
        }
        return true;
    }

    /** Marks a request already counted, so a second filter instance or a re-dispatch does not count it again. */
    static final String COUNTED = QuotaFilter.class.getName() + ".counted";

    private static final Logger LOG = Logger.getLogger(QuotaFilter.class.getName());

    private QuotaManager manager;
    private FilterSettings settings;
    private boolean ownsManager;
    /** The store named by {@code store=} of a manager of its own, and its upkeep; null for a store in this JVM. */
    private FilterStore ownStore;
    private String anonymousTier;
    private ServletContext context;
    private long asyncLeaseMillis;
    private HeaderSwitch rateLimitHeaders = HeaderSwitch.ALWAYS;
    /** Measures what the manager's limits count at a request's end (CPU time, allocated bytes), if anything. */
    private CostMeter meter;
    /** The OpenTelemetry gauges of a manager of its own ({@code metrics=opentelemetry}), or null. */
    private AutoCloseable telemetry;

    /** For web.xml: the settings are read from init-params in {@link #init}. */
    public QuotaFilter() {
    }

    /**
     * A filter over a ready manager; its tiers, system limits and clock are the manager's.
     *
     * @param settings identity and path settings; API keys with a tier are assigned in {@code manager.tiers()}
     * @throws InvalidQuotaConfigException when a tier named in the settings does not exist in the manager
     */
    public QuotaFilter(QuotaManager manager, FilterSettings settings) {
        this.manager = java.util.Objects.requireNonNull(manager, "manager");
        this.settings = java.util.Objects.requireNonNull(settings, "settings");
        prepare();
    }

    /**
     * Validates a declared {@code QuotaFilter}'s init-params as {@link #init} will use them, against the application's
     * manager when one is published; for container initializers and listeners, so that a bad value fails the
     * deployment even in a container that only logs a filter's failed init.
     *
     * @param shared the application's manager, or null when the filter will build its own
     * @throws InvalidQuotaConfigException naming the key, the value and what is allowed
     */
    public static FilterSettings check(Map<String, String> initParams, QuotaManager shared) {
        return check(initParams, shared, null);
    }

    /**
     * As {@link #check(Map, QuotaManager)}, and gives the identity chain's named entries ({@code jwt:},
     * {@code bean:}) their sources.
     *
     * @param named the application's sources by entry (see {@link IdentitySource#NAMED_ATTRIBUTE}), null for none
     * @throws InvalidQuotaConfigException naming the key, the value and what is allowed
     */
    public static FilterSettings check(Map<String, String> initParams, QuotaManager shared,
                                       Function<String, IdentitySource> named) {
        FilterSettings settings = FilterSettings.of(FilterSettings.read(initParams));
        settings.resolveSources(named);
        if (shared != null && !settings.limitKeys().isEmpty()) {
            throw InvalidQuotaConfigException.invalid("init-param", settings.limitKeys(),
                    "absent: this application's QuotaManager (from quota-cdi, configured by MicroProfile Config "
                            + "quotaware.* keys) defines the limits and the rules per endpoint; keep only identity.*, "
                            + "paths.* and files.* here");
        }
        settings.checkTiers(shared != null ? shared.tiers() : settings.tiers());
        return settings;
    }

    @Override
    public void init(FilterConfig config) throws ServletException {
        context = config.getServletContext();
        if (manager == null) {
            try {
                Map<String, String> params = new java.util.LinkedHashMap<>();
                for (String name : Collections.list(config.getInitParameterNames())) {
                    params.put(name, config.getInitParameter(name));
                }
                Object shared = context == null ? null : context.getAttribute(MANAGER_ATTRIBUTE);
                // one manager per application (quota-cdi publishes it): limits have one source, never two
                settings = check(params, shared instanceof QuotaManager application ? application : null,
                        namedSources(context));
                if (shared instanceof QuotaManager application) {
                    manager = application;
                    if (context.getAttribute(RULES_ATTRIBUTE) instanceof List<?> published) {
                        settings.useRules(published.stream().map(RuleSettings.class::cast).toList());
                    }
                } else {
                    ownStore = FilterStore.open(settings, context == null ? null : context.getContextPath());
                    manager = settings.newManager(ownStore == null ? null : ownStore.store());
                    ownsManager = true;
                    if (ownStore != null && manager instanceof HostedQuotaManager own) {
                        ownStore.renewLeasesOf(own);
                    }
                    watchDenials();
                    if (settings.settings().openTelemetry() && manager instanceof HostedQuotaManager own) {
                        telemetry = FilterTelemetry.publish(QuotaSettings.METRICS, own);
                    }
                }
                prepare();
                if (!ownsManager && context.getAttribute(COST_METER_ATTRIBUTE) instanceof CostMeter published) {
                    meter = published;
                }
                if (!params.containsKey(QuotaSettings.ASYNC_LEASE) && context != null
                        && context.getAttribute(ASYNC_LEASE_ATTRIBUTE) instanceof java.time.Duration lease) {
                    asyncLeaseMillis = lease.toMillis();
                }
                if (params.keySet().stream().noneMatch(n -> n.endsWith(QuotaSettings.RATE_LIMIT_HEADERS))
                        && context != null && context.getAttribute(HEADERS_ATTRIBUTE) instanceof HeaderSwitch h) {
                    rateLimitHeaders = h;
                }
            } catch (InvalidQuotaConfigException e) {
                throw misconfigured(config, e);
            }
        } else {
            try {
                settings.resolveSources(namedSources(context)); // a ready manager's settings may name sources too
            } catch (InvalidQuotaConfigException e) {
                throw misconfigured(config, e);
            }
        }
        if (context != null && context.getAttribute(MANAGER_ATTRIBUTE) == null) {
            context.setAttribute(MANAGER_ATTRIBUTE, manager);
        }
        if (context != null && context.getAttribute(SETTINGS_ATTRIBUTE) == null) {
            context.setAttribute(SETTINGS_ATTRIBUTE, settings);
        }
        LOG.info(() -> "QuotaFilter '" + config.getFilterName() + "' enforcing tiers "
                + manager.tiers().all().keySet() + (ownsManager ? "" : " of the application's QuotaManager")
                + ", anonymous callers in tier '" + anonymousTier + "'");
    }

    private static UnavailableException misconfigured(FilterConfig config, InvalidQuotaConfigException e) {
        UnavailableException failure = new UnavailableException(
                "QuotaFilter '" + config.getFilterName() + "' is misconfigured: " + e.getMessage());
        failure.initCause(e);
        return failure;
    }

    /** The sources the application resolves by name (quota-cdi publishes them), or null. */
    @SuppressWarnings("unchecked")
    private static Function<String, IdentitySource> namedSources(ServletContext context) {
        return context != null && context.getAttribute(IdentitySource.NAMED_ATTRIBUTE) instanceof Function<?, ?> f
                ? (Function<String, IdentitySource>) f : null;
    }

    /**
     * For a manager of its own: the denial log (published in the servlet context under {@link #DENIAL_LOG_ATTRIBUTE})
     * and the rate-limited denial logger, as quota-cdi attaches to the application's manager.
     */
    private void watchDenials() {
        if (manager instanceof HostedQuotaManager own) {
            DenialLog log = new DenialLog(settings.settings().quota().denialLogSize(), DenialLog.localHost(), InstantSource.system());
            own.listen(log);
            own.listen(new DenialLogger(settings.settings().quota().denialLogWindow(), InstantSource.system()));
            if (context != null && context.getAttribute(DENIAL_LOG_ATTRIBUTE) == null) {
                context.setAttribute(DENIAL_LOG_ATTRIBUTE, log);
            }
        }
    }

    /** Resolves the anonymous tier and assigns API-key users to their tiers in the manager. */
    private void prepare() {
        QuotaTiers tiers = manager.tiers();
        settings.assignKeyTiers(tiers);
        anonymousTier = settings.anonymousTierIn(tiers);
        asyncLeaseMillis = settings.asyncLease().toMillis();
        rateLimitHeaders = settings.rateLimitHeaders();
        meter = new CostMeter(manager);
    }

    /** What measures a request's cost for the permit it holds. */
    CostMeter meter() {
        return meter;
    }

    /** Which tiers' answers carry the RateLimit fields. */
    HeaderSwitch rateLimitHeaders() {
        return rateLimitHeaders;
    }

    /** The manager this filter enforces. */
    public QuotaManager manager() {
        return manager;
    }

    @Override
    public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        if (req.getDispatcherType() == DispatcherType.ASYNC && req.getAttribute(ParkedRequest.ATTRIBUTE)
                instanceof ParkedRequest parked && res instanceof HttpServletResponse response) {
            req.removeAttribute(ParkedRequest.ATTRIBUTE); // a second mapping of this filter lets the request pass
            Acquisition outcome = parked.take();
            if (outcome != null) {
                // its wait in the queue is over: run the rest of the chain with the slot it was handed
                HttpServletRequest request = (HttpServletRequest) req;
                Counted counted = parked.counted;
                resumeScope(request).run(() -> proceed(request, response, chain, counted.caller(), counted.upload(),
                        counted.files(), counted.rules(), outcome));
            }
            return; // otherwise the request was given up (its client went away) and its slot given back
        }
        if (req.getDispatcherType() == DispatcherType.ASYNC && req.getAttribute(AsyncCost.ATTRIBUTE)
                instanceof AsyncCost cost) {
            cost.dispatched(req, res, chain); // a part of an asynchronous request that holds a permit: measured
            return;
        }
        if (!(req instanceof HttpServletRequest request) || !(res instanceof HttpServletResponse response)
                || request.getDispatcherType() != DispatcherType.REQUEST || request.getAttribute(COUNTED) != null
                || "OPTIONS".equalsIgnoreCase(request.getMethod())) {
            // OPTIONS is free so CORS preflights cost nothing; forwards, includes and error pages were counted already
            chain.doFilter(req, res);
            return;
        }
        String path;
        try {
            path = RequestPath.of(request.getRequestURI(), request.getContextPath());
        } catch (RequestPath.MalformedPathException e) {
            Responses.send(response, new Problem(Problem.BAD_PATH, "Bad request path", 400, e.getMessage(),
                    request.getRequestURI(), null));
            return;
        }
        if (!settings.paths().counted(path)) {
            chain.doFilter(request, response);
            return;
        }
        request.setAttribute(COUNTED, Boolean.TRUE);
        CallerIdentity.Caller caller = settings.identity().identify(request, anonymousTier);
        if (caller.unknownKey()) {
            rejectUnknownKey(request, response, caller, path);
            return;
        }
        EndpointRules.Match rules = settings.rules().match(path, request.getMethod());
        boolean upload = rules.files() || settings.paths().upload(path, request.getMethod());
        int files = upload && settings.countFiles() ? 1 : 0;
        QuotaRequest quota = (upload ? QuotaRequest.upload(files, request.getContentLengthLong())
                : QuotaRequest.request()).withTier(caller.tier()).withAnonymous(caller.anonymous()).withTarget(path);
        if (rules != EndpointRules.Match.NONE) {
            quota = quota.withRules(rules.rules()).withCost(rules.cost()); // charged to every rule it matches
        }
        if (!request.isAsyncSupported()) {
            // a servlet or filter in the chain cannot go async: this request blocks while it waits, within the
            // system's cap on blocked waits
            proceed(request, response, chain, caller, upload, files, rules.rules(),
                    manager.acquire(caller.user(), quota));
            return;
        }
        CompletableFuture<Acquisition> decided = manager.acquireAsync(caller.user(), quota).toCompletableFuture();
        Acquisition now = decided.getNow(null);
        if (now == null) {
            long wait = manager.tiers().resolve(caller.user(), caller.tier()).limits().maxQueueWait().toMillis();
            ParkedRequest.park(this, request, response, decided, new Counted(caller, upload, files, rules.rules()),
                    wait + PARK_MARGIN_MILLIS);
            return;
        }
        proceed(request, response, chain, caller, upload, files, rules.rules(), now);
    }

    private static final ResumeScope AS_IS = ResumeScope.Resumed::run;

    /** The application's scope for resumed requests, read when needed: it may be published after this filter starts. */
    private static ResumeScope resumeScope(HttpServletRequest request) {
        return request.getServletContext().getAttribute(ResumeScope.ATTRIBUTE) instanceof ResumeScope scope ? scope
                : AS_IS;
    }

    /** How long past its queue wait a parked request may stay before the container ends it: the poll's slack. */
    private static final long PARK_MARGIN_MILLIS = 30_000;

    /** Who a parked request is and what it counted, kept while it waits (made only for a request that waits). */
    record Counted(CallerIdentity.Caller caller, boolean upload, int files, java.util.Set<String> rules) {
    }

    /** Answers a denial, or runs the rest of the chain holding the permit. */
    private void proceed(HttpServletRequest request, HttpServletResponse response, FilterChain chain,
                         CallerIdentity.Caller caller, boolean upload, int files, java.util.Set<String> rules,
                         Acquisition acquisition) throws IOException, ServletException {
        Responses.headers(response, acquisition.result(), rateLimitHeaders);
        if (acquisition instanceof QuotaDenial denial) {
            deny(request, response, denial.result());
            return;
        }
        QuotaCaller quotaCaller = new QuotaCaller(caller.user(), caller.tier(), files, true, false,
                caller.anonymous(), rules);
        request.setAttribute(QuotaCaller.ATTRIBUTE, quotaCaller);
        request.setAttribute(RESPONSE, response);
        long maxBytes = QuotaLimits.OFF;
        if (upload) {
            QuotaLimits limits = manager.tiers().resolve(caller.user(), caller.tier()).limits();
            // a file size in shadow mode does not cut the body either
            maxBytes = limits.shadowed(Limit.FILE_SIZE) ? QuotaLimits.OFF : limits.maxFileSizeBytes();
        }
        new PermitHolder(this, (QuotaPermit) acquisition, quotaCaller, maxBytes, asyncLeaseMillis)
                .run(request, response, chain);
    }

    /** An unknown key is counted as one request of the client address, so guessing keys is rate limited too. */
    private void rejectUnknownKey(HttpServletRequest request, HttpServletResponse response,
                                  CallerIdentity.Caller caller, String path) throws IOException {
        Acquisition attempt = manager.acquire(caller.user(),
                QuotaRequest.request().withConcurrent(false).withTier(caller.tier()).withTarget(path));
        if (attempt instanceof QuotaPermit permit) {
            permit.failed();
            permit.close();
            response.setHeader("WWW-Authenticate", "ApiKey realm=\"quotaware\"");
            Responses.send(response, new Problem(Problem.UNKNOWN_API_KEY, "Unknown API key", 401,
                    "the API key sent is not configured; send a valid key or none", request.getRequestURI(), null));
        } else {
            Responses.headers(response, attempt.result(), rateLimitHeaders);
            deny(request, response, attempt.result());
        }
    }

    /** 413 when the file is too large, otherwise 429; see {@link Problem#denial}. */
    void deny(HttpServletRequest request, HttpServletResponse response, QuotaCheckResult result) throws IOException {
        Responses.send(response, Problem.denial(result, request.getRequestURI()));
    }

    @Override
    public void destroy() {
        if (context != null && context.getAttribute(MANAGER_ATTRIBUTE) == manager) {
            context.removeAttribute(MANAGER_ATTRIBUTE);
        }
        if (context != null && context.getAttribute(SETTINGS_ATTRIBUTE) == settings) {
            context.removeAttribute(SETTINGS_ATTRIBUTE);
        }
        if (telemetry != null) {
            try {
                telemetry.close();
            } catch (Exception e) {
                LOG.log(java.util.logging.Level.FINE, "QuotaFilter: stopping its metrics failed", e);
            }
        }
        if (ownStore != null) {
            ownStore.close(); // first: no renewal may run on a closed store
        }
        if (ownsManager) {
            manager.close();
        }
    }
}
