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
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.http.HeaderSwitch;
import org.quotaware.config.ConfigValues;
import org.quotaware.config.QuotaSettings;

/**
 * Everything {@link QuotaFilter} is configured with: the tiers and system limits a new {@link QuotaManager} is built
 * from, how callers are identified and which paths count. Made by {@link SettingsParser} from init-params (or
 * {@code quotaware.*} context-params), so every value is validated before the filter serves a request.
 * <p>
 * When the filter is given a ready {@link QuotaManager}, the tiers, system limits and tracked-users setting here are not
 * used (the manager has its own); identity and path settings are, and API-key tier assignments go to the manager's tiers.
 */
public final class FilterSettings {

    private final String prefix;
    private final QuotaTiers tiers;
    private final SystemLimits systemLimits;
    private final int maxTrackedUsers;
    /** Replaced once, when the application starts, by the same chain with its named entries resolved. */
    private volatile CallerIdentity identity;
    private final String anonymousTier;
    private final PathRules paths;
    private final boolean countFiles;
    private final List<String> limitKeys;
    private final Duration asyncLease;
    private final int denialLogSize;
    private final Duration denialLogWindow;
    /** Set once by the parser, before the settings are handed out. */
    HeaderSwitch rateLimitHeaders = HeaderSwitch.ALWAYS;
    /** Set once by the parser: {@code metrics=opentelemetry}. */
    boolean openTelemetry;

    FilterSettings(String prefix, QuotaTiers tiers, SystemLimits systemLimits, int maxTrackedUsers, CallerIdentity identity,
                   String anonymousTier, PathRules paths, boolean countFiles, List<String> limitKeys,
                   Duration asyncLease, int denialLogSize, Duration denialLogWindow) {
        this.prefix = prefix;
        this.tiers = Objects.requireNonNull(tiers);
        this.systemLimits = Objects.requireNonNull(systemLimits);
        this.maxTrackedUsers = maxTrackedUsers;
        this.identity = Objects.requireNonNull(identity);
        this.anonymousTier = anonymousTier;
        this.paths = Objects.requireNonNull(paths);
        this.countFiles = countFiles;
        this.limitKeys = List.copyOf(limitKeys);
        this.asyncLease = Objects.requireNonNull(asyncLease);
        this.denialLogSize = denialLogSize;
        this.denialLogWindow = Objects.requireNonNull(denialLogWindow);
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
        FilterSettings settings = SettingsParser.parse("", params.keySet(), params::get);
        settings.checkTiers(settings.tiers());
        return settings;
    }

    /** Checks the tiers (see {@link #checkTiers}) and puts every API key's user in its key's tier. */
    public void assignKeyTiers(QuotaTiers tiers) {
        checkTiers(tiers);
        identity.apiKeys().forEach((key, apiKey) -> {
            if (apiKey.tier() != null) {
                tiers.assign(identity.keyUser(apiKey), apiKey.tier());
            }
        });
    }

    /**
     * Checks that every tier these settings name (API keys' tiers, the anonymous tier) exists in {@code tiers}: the
     * parsed tiers for a filter of its own, the application's manager's tiers for a shared one.
     *
     * @throws org.quotaware.InvalidQuotaConfigException naming the key, the tier and the tiers there are
     */
    public void checkTiers(QuotaTiers tiers) {
        identity.apiKeys().forEach((key, apiKey) -> {
            if (apiKey.tier() != null && !tiers.exists(apiKey.tier())) {
                throw ConfigValues.fail(prefix + SettingsParser.API_KEYS, "tier", apiKey.tier(), "one of the tiers "
                        + tiers.all().keySet() + " (in the entry for user '" + apiKey.user() + "')");
            }
        });
        if (anonymousTier != null && !tiers.exists(anonymousTier)) {
            throw ConfigValues.fail(prefix + SettingsParser.ANONYMOUS_TIER, "tier", anonymousTier, "one of the tiers "
                    + tiers.all().keySet());
        }
    }

    /** The tiers parsed from {@code tiers} and {@code <tier>.*}; users of API keys with a tier are assigned here. */
    public QuotaTiers tiers() {
        return tiers;
    }

    public SystemLimits systemLimits() {
        return systemLimits;
    }

    public int maxTrackedUsers() {
        return maxTrackedUsers;
    }

    /** A new manager over these tiers and limits, with the system clock. */
    public QuotaManager newManager() {
        return DefaultQuotaManager.builder()
                .tiers(tiers)
                .systemLimits(systemLimits)
                .maxTrackedUsers(maxTrackedUsers)
                .build();
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
        identity = identity.resolve(named, prefix + QuotaSettings.IDENTITY_CHAIN);
    }

    /**
     * The prefix of callers known by the container's principal ({@code principal:} unless {@code identity.chain} gives
     * another): what a caller outside an HTTP request, known only by its principal, is counted under.
     */
    public String principalPrefix() {
        return identity.principalPrefix();
    }

    /** The configured {@code identity.anonymous-tier}, or null to choose {@code anonymous} when defined. */
    String anonymousTier() {
        return anonymousTier;
    }

    PathRules paths() {
        return paths;
    }

    /** Whether uploads count as files here ({@code files.count}); false when a {@code @Quota} method counts them. */
    boolean countFiles() {
        return countFiles;
    }

    /** The limit keys given (tiers, per-tier and system settings), as written; empty when only identity and paths. */
    public List<String> limitKeys() {
        return limitKeys;
    }

    /**
     * The longest an asynchronous request may hold its concurrency slot ({@code async-lease}, 300 s by default): the
     * filter bounds the container's async timeout by it, which is otherwise often off (Jersey sets none).
     */
    public Duration asyncLease() {
        return asyncLease;
    }

    /** How many denials the denial log keeps ({@code denials.log-size}, 1000 by default; 0 keeps none). */
    public int denialLogSize() {
        return denialLogSize;
    }

    /** The denial logger's window per user ({@code denials.log-window}, 60 s by default). */
    public Duration denialLogWindow() {
        return denialLogWindow;
    }

    /**
     * Which tiers' answers carry the {@code RateLimit} and {@code RateLimit-Policy} fields ({@code rate-limit-headers},
     * {@code <tier>.rate-limit-headers}); {@link HeaderSwitch#ALWAYS} unless configured.
     */
    public HeaderSwitch rateLimitHeaders() {
        return rateLimitHeaders;
    }

    /**
     * Whether a filter with a manager of its own publishes its metrics through {@code GlobalOpenTelemetry}
     * ({@code metrics=opentelemetry}); off by default.
     */
    public boolean openTelemetry() {
        return openTelemetry;
    }

    /**
     * The tier of callers without a principal or key: {@code identity.anonymous-tier}, else {@code anonymous} when
     * {@code tiers} defines it, else {@code default}.
     */
    public String anonymousTierIn(QuotaTiers tiers) {
        if (anonymousTier != null) {
            return anonymousTier;
        }
        return tiers.exists(SettingsParser.ANONYMOUS) ? SettingsParser.ANONYMOUS : QuotaTiers.DEFAULT;
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
