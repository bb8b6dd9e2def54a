package org.quotaware.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.quotaware.http.IpAddresses;

import static org.quotaware.config.QuotaSettings.ANONYMOUS_TIER;
import static org.quotaware.config.QuotaSettings.API_KEYS;
import static org.quotaware.config.QuotaSettings.API_KEY_HEADER;
import static org.quotaware.config.QuotaSettings.IDENTITY_CHAIN;
import static org.quotaware.config.QuotaSettings.TRUSTED_PROXIES;
import static org.quotaware.config.QuotaSettings.USER_HEADER;

/** Reads the {@code identity.*} keys, the chain among them (see {@link ChainReader}), into {@link IdentitySettings}. */
final class IdentityReader {

    static final String DEFAULT_API_KEY_HEADER = "X-API-Key";
    /** An HTTP field name (RFC 9110 token). */
    static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");

    private IdentityReader() {
    }

    static IdentitySettings read(QuotaSettings p) {
        String apiKeyHeader = header(p, API_KEY_HEADER, DEFAULT_API_KEY_HEADER);
        String userHeader = header(p, USER_HEADER, null);
        List<IpAddresses.Range> proxies = IpAddresses.parseRanges(p.key(TRUSTED_PROXIES), p.value(TRUSTED_PROXIES));
        if (userHeader != null && proxies.isEmpty()) {
            // a user header any client can write would let anybody spend anybody's quota
            throw ConfigValues.fail(p.key(USER_HEADER), "userHeader", userHeader, "set together with "
                    + p.key(TRUSTED_PROXIES) + " (the header is believed only from those peers)");
        }
        Map<String, IdentitySettings.ApiKey> keys = apiKeys(p);
        String given = p.value(IDENTITY_CHAIN);
        List<ChainEntry> chain = given == null
                ? defaultChain(apiKeyHeader != null && !keys.isEmpty(), userHeader)
                : ChainReader.chain(p.key(IDENTITY_CHAIN), given, apiKeyHeader == null ? null : keys, userHeader,
                        proxies);
        String anonymousTier = p.value(ANONYMOUS_TIER);
        // the anonymous tier is checked against the manager's tiers by IdentitySettings.checkTiers
        return new IdentitySettings(p.prefix(), apiKeyHeader, keys, userHeader, proxies, chain,
                anonymousTier == null ? null : anonymousTier.trim());
    }

    /** principal, the API key and the user header when configured, the address: as before the chain existed. */
    private static List<ChainEntry> defaultChain(boolean keys, String userHeader) {
        List<ChainEntry> chain = new ArrayList<>();
        chain.add(new ChainEntry.Principal(IdentitySettings.PRINCIPAL));
        if (keys) {
            chain.add(new ChainEntry.ApiKey(IdentitySettings.KEY));
        }
        if (userHeader != null) {
            chain.add(new ChainEntry.Header(userHeader, IdentitySettings.USER));
        }
        chain.add(new ChainEntry.Address(IdentitySettings.IP));
        return chain;
    }

    private static String header(QuotaSettings p, String name, String fallback) {
        String raw = p.value(name);
        if (raw == null) {
            return fallback;
        }
        if (ConfigValues.isOff(raw)) {
            return null;
        }
        if (!HEADER_NAME.matcher(raw.trim()).matches()) {
            throw ConfigValues.fail(p.key(name), "header", raw, "an HTTP header name such as X-API-Key, or 'off'");
        }
        return raw.trim();
    }

    /**
     * {@code key=user[:tier]}, comma-separated; the same user may have several keys (to rotate them). A key cannot
     * hold {@code =}: an entry with two is refused rather than split somewhere the writer did not mean.
     */
    private static Map<String, IdentitySettings.ApiKey> apiKeys(QuotaSettings p) {
        Map<String, IdentitySettings.ApiKey> keys = new LinkedHashMap<>();
        String key = p.key(API_KEYS);
        for (String item : ConfigValues.list(p.value(API_KEYS))) {
            int eq = item.indexOf('=');
            String apiKey = eq < 0 ? "" : item.substring(0, eq).trim();
            String rest = eq < 0 ? "" : item.substring(eq + 1).trim();
            int colon = rest.lastIndexOf(':');
            String user = (colon < 0 ? rest : rest.substring(0, colon)).trim();
            String tier = colon < 0 ? null : rest.substring(colon + 1).trim();
            if (rest.indexOf('=') >= 0) {
                // the key is a secret: show only where it is, never its text
                throw ConfigValues.fail(key, "apiKey", "entry " + (keys.size() + 1) + " (with more than one '=')",
                        "key=user or key=user:tier, with no '=' in the key, the user or the tier");
            }
            if (apiKey.isEmpty() || user.isEmpty()) {
                // the key is a secret: show only where it is, never its text
                throw ConfigValues.fail(key, "apiKey", "entry " + (keys.size() + 1),
                        "key=user or key=user:tier, comma-separated");
            }
            if (keys.putIfAbsent(apiKey, new IdentitySettings.ApiKey(user, tier)) != null) {
                throw ConfigValues.fail(key, "apiKey", "a key given twice (second time for user '" + user + "')",
                        "unique");
            }
        }
        return keys;
    }
}
