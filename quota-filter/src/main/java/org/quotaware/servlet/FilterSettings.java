package org.quotaware.servlet;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;

import org.quotaware.QuotaManager;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.config.ClusterSettings;
import org.quotaware.config.ConfigSource;
import org.quotaware.config.QuotaSettings;
import org.quotaware.config.RequestSettings;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.http.HeaderSwitch;
import org.quotaware.spi.QuotaStore;

/**
 * What {@link QuotaFilter} runs with: its {@link RequestSettings} (read and checked in {@code org.quotaware.config}
 * before the filter serves a request), with the identity chain and the path patterns made ready for every request.
 * <p>
 * When the filter is given a ready {@link QuotaManager}, the tiers, system limits and tracked-users setting are not
 * used (the manager has its own); identity and path settings are, and API-key tier assignments go to the manager's tiers.
 */
public final class FilterSettings {

    private final RequestSettings settings;
    private final ClusterSettings cluster;
    /** Replaced once, when the application starts, by the same chain with its named entries resolved. */
    private volatile CallerIdentity identity;
    private final PathRules paths;
    /** Replaced once, when the filter starts on the application's manager, by the application's rules. */
    private volatile EndpointRules rules;

    private FilterSettings(RequestSettings settings) {
        this.settings = Objects.requireNonNull(settings);
        String prefix = settings.prefix();
        // read now, so a bad store setting fails the deployment with the key the user wrote
        this.cluster = ClusterSettings.read(prefix, key -> key.startsWith(prefix)
                ? settings.quota().value(key.substring(prefix.length())) : null);
        this.identity = CallerIdentity.of(settings.identity());
        this.paths = PathRules.of(settings.paths());
        this.rules = rulesOf(settings.quota().rules());
    }

    private static EndpointRules rulesOf(List<org.quotaware.config.RuleSettings> rules) {
        return rules.isEmpty() ? EndpointRules.NONE : new EndpointRules(rules);
    }

    /**
     * The filter's runtime form of settings read elsewhere (quota-cdi reads them from MicroProfile Config).
     *
     * @throws org.quotaware.InvalidQuotaConfigException for an {@code identity.chain} {@code class:} entry that cannot
     *                                                   be instantiated
     */
    public static FilterSettings of(RequestSettings settings) {
        return new FilterSettings(settings);
    }

    /** The settings of a filter declared without any init-param: the seed's default tier, every path counted. */
    public static FilterSettings defaults() {
        return parse(Map.of());
    }

    /**
     * Parses settings written as init-params.
     *
     * @throws org.quotaware.InvalidQuotaConfigException naming the key, the value and what is allowed
     */
    public static FilterSettings parse(Map<String, String> params) {
        return of(read(params).checkOwnTiers());
    }

    /** Reads init-params, without checking the tiers they name (a shared manager may define them). */
    static RequestSettings read(Map<String, String> params) {
        return RequestSettings.read("", ConfigSource.of(RequestSettings.INIT_PARAMS, params));
    }

    /** The settings as read. */
    public RequestSettings settings() {
        return settings;
    }

    /** Checks the tiers the identity keys name, then puts every API key's user in its key's tier. */
    public void assignKeyTiers(QuotaTiers tiers) {
        settings.identity().assignKeyTiers(tiers);
    }

    /**
     * Checks that every tier these settings name (API keys' tiers, the anonymous tier) exists in {@code tiers}: the
     * parsed tiers for a filter of its own, the application's manager's tiers for a shared one.
     *
     * @throws org.quotaware.InvalidQuotaConfigException naming the key, the tier and the tiers there are
     */
    public void checkTiers(QuotaTiers tiers) {
        settings.identity().checkTiers(tiers);
    }

    /** The tiers parsed from {@code tiers} and {@code <tier>.*}; users of API keys with a tier are assigned here. */
    public QuotaTiers tiers() {
        return settings.quota().tiers();
    }

    public SystemLimits systemLimits() {
        return settings.quota().systemLimits();
    }

    /** A new manager over these tiers and limits, with the system clock, on a store in this JVM. */
    public QuotaManager newManager() {
        return newManager(null);
    }

    /** The same on {@code store}; a store in this JVM of its own when null. */
    QuotaManager newManager(QuotaStore store) {
        var builder = DefaultQuotaManager.builder()
                .tiers(tiers())
                .systemLimits(systemLimits())
                .maxTrackedUsers(settings.quota().maxTrackedUsers());
        return (store == null ? builder : builder.store(store)).build();
    }

    /** Where quota state lives: {@code store}, {@code application} and the {@code cluster.*} keys. */
    public ClusterSettings cluster() {
        return cluster;
    }

    /**
     * Every setting given, as a store's provider reads them: each key with the {@code quotaware.} prefix, whatever
     * the user wrote ({@code store.timeout} as an init-param answers {@code quotaware.store.timeout}).
     */
    ConfigSource storeConfig() {
        return key -> key.startsWith(QuotaSettings.PREFIX)
                ? settings.quota().value(key.substring(QuotaSettings.PREFIX.length())) : null;
    }

    CallerIdentity identity() {
        return identity;
    }

    /**
     * Gives the identity chain's named entries ({@code jwt:<claim>}, {@code bean:<name>}) their sources, once, when
     * the application starts and before any request; a chain without such entries is left as it is.
     *
     * @param named the application's sources by entry (see {@link IdentitySource#NAMED_ATTRIBUTE}), null for none
     * @throws org.quotaware.InvalidQuotaConfigException naming {@code identity.chain} and the entry with no source
     */
    public void resolveSources(Function<String, IdentitySource> named) {
        identity = identity.resolve(named);
    }

    PathRules paths() {
        return paths;
    }

    /** The rules per endpoint requests are matched against. */
    EndpointRules rules() {
        return rules;
    }

    /**
     * Matches requests against {@code published} (the application's rules, whose limits are in its manager's tiers)
     * instead of these settings' own, which a filter on the application's manager cannot have: once, when it starts.
     */
    void useRules(List<org.quotaware.config.RuleSettings> published) {
        rules = rulesOf(published);
    }

    /** Whether uploads count as files here ({@code files.count}); false when a {@code @Quota} method counts them. */
    boolean countFiles() {
        return settings.paths().countFiles();
    }

    /** The limit keys given (tiers, per-tier and system settings), as written; empty when only identity and paths. */
    public List<String> limitKeys() {
        return settings.quota().limitKeys();
    }

    /** {@code async-lease}: the filter bounds the container's async timeout by it (often off: Jersey sets none). */
    public Duration asyncLease() {
        return settings.quota().asyncLease();
    }

    /** Which tiers' answers carry the {@code RateLimit} fields ({@code rate-limit-headers}). */
    public HeaderSwitch rateLimitHeaders() {
        return settings.quota().rateLimitHeaders();
    }

    /** The tier of callers without a principal or key, see {@link org.quotaware.config.IdentitySettings}. */
    public String anonymousTierIn(QuotaTiers tiers) {
        return settings.identity().anonymousTierIn(tiers);
    }

    /**
     * The client address of a request as the filter counts it: the direct peer, or the forwarding client when the peer
     * is a trusted proxy ({@code identity.trusted-proxies}). For limits per address outside the filter.
     */
    public String clientAddress(HttpServletRequest request) {
        return identity.clientAddress(request);
    }

    /**
     * Who the caller of a request is, by the same rules as the filter: the one the filter already identified when it
     * ran, else the identity chain ({@code identity.chain}). For a {@code @Quota} method on a request the filter did
     * not see.
     */
    public QuotaCaller identify(HttpServletRequest request, QuotaTiers tiers) {
        if (request.getAttribute(QuotaCaller.ATTRIBUTE) instanceof QuotaCaller known) {
            return known;
        }
        return QuotaCaller.identified(identity.identify(request, anonymousTierIn(tiers)));
    }
}
