package org.quotaware.config;

import java.util.List;
import java.util.Map;

import org.quotaware.QuotaTiers;
import org.quotaware.http.IpAddresses;

/**
 * The {@code identity.*} keys, read by {@link IdentityReader}: how the filter and {@code @Quota} tell who a caller is.
 *
 * @param prefix         what the user wrote before each name ("" or {@code quotaware.}), for messages
 * @param apiKeyHeader   the header carrying an API key, null for none
 * @param apiKeys        the configured keys, to the user each stands for
 * @param userHeader     the header naming the user, null when disabled
 * @param trustedProxies peers whose {@code X-Forwarded-For} and user header are believed
 * @param chain          the entries to ask, in order, the {@link ChainEntry.Address address} last
 * @param anonymousTier  {@code identity.anonymous-tier}, or null to choose {@code anonymous} when defined
 */
public record IdentitySettings(String prefix, String apiKeyHeader, Map<String, ApiKey> apiKeys, String userHeader,
                               List<IpAddresses.Range> trustedProxies, List<ChainEntry> chain, String anonymousTier) {

    /** The quota key prefixes of the default chain. */
    public static final String PRINCIPAL = "principal:";
    public static final String KEY = "key:";
    public static final String USER = "user:";
    public static final String IP = "ip:";
    /** The tier of anonymous callers when {@code identity.anonymous-tier} is not set and the tier exists. */
    public static final String ANONYMOUS = "anonymous";

    /** The user an API key stands for, and the tier to assign to it (null: no assignment). */
    public record ApiKey(String user, String tier) {
    }

    public IdentitySettings {
        apiKeys = Map.copyOf(apiKeys);
        trustedProxies = List.copyOf(trustedProxies);
        chain = List.copyOf(chain);
    }

    /** The prefix of an entry's kind in the chain, else {@code fallback}. */
    private String prefixOf(Class<? extends ChainEntry> kind, String fallback) {
        for (ChainEntry entry : chain) {
            if (kind.isInstance(entry)) {
                return entry.prefix();
            }
        }
        return fallback;
    }

    /** The prefix of callers known by the container's principal, {@code principal:} unless the chain says otherwise. */
    public String principalPrefix() {
        return prefixOf(ChainEntry.Principal.class, PRINCIPAL);
    }

    /** The quota key of an API key's user: what tier assignments are made for. */
    public String keyUser(ApiKey apiKey) {
        return prefixOf(ChainEntry.ApiKey.class, KEY) + apiKey.user();
    }

    /**
     * Checks that every tier these settings name (API keys' tiers, the anonymous tier) exists in {@code tiers}.
     *
     * @throws org.quotaware.InvalidQuotaConfigException naming the key, the tier and the tiers there are
     */
    public void checkTiers(QuotaTiers tiers) {
        apiKeys.forEach((key, apiKey) -> {
            if (apiKey.tier() != null && !tiers.exists(apiKey.tier())) {
                throw ConfigValues.fail(prefix + QuotaSettings.API_KEYS, "tier", apiKey.tier(), "one of the tiers "
                        + tiers.all().keySet() + " (in the entry for user '" + apiKey.user() + "')");
            }
        });
        if (anonymousTier != null && !tiers.exists(anonymousTier)) {
            throw ConfigValues.fail(prefix + QuotaSettings.ANONYMOUS_TIER, "tier", anonymousTier, "one of the tiers "
                    + tiers.all().keySet());
        }
    }

    /** Checks the tiers (see {@link #checkTiers}) and puts every API key's user in its key's tier. */
    public void assignKeyTiers(QuotaTiers tiers) {
        checkTiers(tiers);
        apiKeys.forEach((key, apiKey) -> {
            if (apiKey.tier() != null) {
                tiers.assign(keyUser(apiKey), apiKey.tier());
            }
        });
    }

    /**
     * The tier of callers without a principal or key: {@code identity.anonymous-tier}, else {@code anonymous} when
     * {@code tiers} defines it, else {@code default}.
     */
    public String anonymousTierIn(QuotaTiers tiers) {
        if (anonymousTier != null) {
            return anonymousTier;
        }
        return tiers.exists(ANONYMOUS) ? ANONYMOUS : QuotaTiers.DEFAULT;
    }

    /** Never the API keys' text: they are secrets. */
    @Override
    public String toString() {
        return "IdentitySettings[apiKeyHeader=" + apiKeyHeader + ", apiKeys=" + apiKeys.size() + ", userHeader="
                + userHeader + ", trustedProxies=" + trustedProxies.size() + ", chain=" + chain + ", anonymousTier="
                + anonymousTier + "]";
    }
}
