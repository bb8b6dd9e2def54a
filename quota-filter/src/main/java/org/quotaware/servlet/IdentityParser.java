package org.quotaware.servlet;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.quotaware.config.ConfigValues;
import org.quotaware.config.QuotaSettings;

import static org.quotaware.config.QuotaSettings.API_KEYS;
import static org.quotaware.config.QuotaSettings.API_KEY_HEADER;
import static org.quotaware.config.QuotaSettings.TRUSTED_PROXIES;
import static org.quotaware.config.QuotaSettings.USER_HEADER;

/** Parses the {@code identity.*} settings into a {@link CallerIdentity}. */
final class IdentityParser {

    static final String DEFAULT_API_KEY_HEADER = "X-API-Key";

    /** An HTTP field name (RFC 9110 token). */
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");

    private IdentityParser() {
    }

    static CallerIdentity identity(QuotaSettings p) {
        String apiKeyHeader = header(p, API_KEY_HEADER, DEFAULT_API_KEY_HEADER);
        String userHeader = header(p, USER_HEADER, null);
        List<IpAddresses.Range> proxies = IpAddresses.parseRanges(p.key(TRUSTED_PROXIES), p.value(TRUSTED_PROXIES));
        if (userHeader != null && proxies.isEmpty()) {
            // a user header any client can write would let anybody spend anybody's quota
            throw ConfigValues.fail(p.key(USER_HEADER), "userHeader", userHeader, "set together with "
                    + p.key(TRUSTED_PROXIES) + " (the header is believed only from those peers)");
        }
        return new CallerIdentity(apiKeyHeader, apiKeys(p), userHeader, proxies);
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
    private static Map<String, CallerIdentity.ApiKey> apiKeys(QuotaSettings p) {
        Map<String, CallerIdentity.ApiKey> keys = new LinkedHashMap<>();
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
            if (keys.putIfAbsent(apiKey, new CallerIdentity.ApiKey(user, tier)) != null) {
                throw ConfigValues.fail(key, "apiKey", "a key given twice (second time for user '" + user + "')",
                        "unique");
            }
        }
        return keys;
    }
}
