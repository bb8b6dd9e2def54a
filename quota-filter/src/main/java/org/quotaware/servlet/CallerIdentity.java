package org.quotaware.servlet;

import java.net.InetAddress;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;

import org.quotaware.QuotaRequest;
import org.quotaware.config.ConfigValues;

/**
 * Decides whose quota a request spends. In order: the container's principal, a configured API key, the user header
 * (only when enabled and only from a trusted proxy), the client address. Each source has its own prefix
 * ({@code principal:}, {@code key:}, {@code user:}, {@code ip:}) so a name from one source can never spend the quota
 * of the same name from another, and no header a client writes can move its requests onto somebody else's quota.
 */
final class CallerIdentity {

    static final String PRINCIPAL = "principal:";
    static final String KEY = "key:";
    static final String USER = "user:";
    static final String IP = "ip:";

    /** The user an API key stands for, and the tier to assign to it (null: no assignment). */
    record ApiKey(String user, String tier) {
    }

    /**
     * Who is calling.
     *
     * @param user       the prefixed identity whose quota is spent
     * @param tier       the caller tier to apply when the user has none of its own, null for {@code default}
     * @param unknownKey true when an API key was sent that is not configured; {@code user} is then the client address
     * @param anonymous  true when the caller is known by its address only (see {@link QuotaRequest#anonymous()})
     */
    record Caller(String user, String tier, boolean unknownKey, boolean anonymous) {
    }

    private final String apiKeyHeader;
    private final Map<String, ApiKey> apiKeys;
    /** The caller each key stands for, made once: identifying a key's caller allocates nothing per request. */
    private final Map<String, Caller> keyCallers;
    private final String userHeader;
    private final List<IpAddresses.Range> trustedProxies;

    /**
     * @param apiKeyHeader   header carrying the API key, null for none
     * @param apiKeys        configured keys
     * @param userHeader     header naming the user, null when disabled
     * @param trustedProxies peers whose {@code X-Forwarded-For} and user header are believed
     */
    CallerIdentity(String apiKeyHeader, Map<String, ApiKey> apiKeys, String userHeader,
                   List<IpAddresses.Range> trustedProxies) {
        this.apiKeyHeader = apiKeyHeader;
        this.apiKeys = Map.copyOf(apiKeys);
        Map<String, Caller> callers = new HashMap<>();
        apiKeys.forEach((key, apiKey) -> callers.put(key, new Caller(KEY + apiKey.user(), null, false, false)));
        this.keyCallers = Map.copyOf(callers);
        this.userHeader = userHeader;
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    Map<String, ApiKey> apiKeys() {
        return apiKeys;
    }

    Caller identify(HttpServletRequest request, String anonymousTier) {
        Principal principal = request.getUserPrincipal();
        if (principal != null && principal.getName() != null) {
            return new Caller(PRINCIPAL + principal.getName(), null, false, false);
        }
        // without configured keys the header is the application's business, not ours: never answer 401 for it
        String key = apiKeyHeader == null || apiKeys.isEmpty() ? null : request.getHeader(apiKeyHeader);
        if (key != null && !key.isBlank()) {
            Caller known = keyCallers.get(key.trim());
            if (known == null) {
                // never fall through to anonymous: a mistyped or revoked key must be noticed, not silently downgraded
                return new Caller(IP + clientAddress(request), anonymousTier, true, true);
            }
            return known;
        }
        InetAddress peer = IpAddresses.parse(request.getRemoteAddr());
        if (userHeader != null && peer != null && trusted(peer)) {
            String user = request.getHeader(userHeader);
            if (user != null && !user.isBlank()) {
                return new Caller(USER + user.trim(), null, false, false);
            }
        }
        return new Caller(IP + clientAddress(request), anonymousTier, false, true);
    }

    /**
     * The client's address: the direct peer, or, when the peer is a trusted proxy, the right-most address in
     * {@code X-Forwarded-For} that is not a trusted proxy. Entries left of it were written by the client and prove
     * nothing.
     */
    String clientAddress(HttpServletRequest request) {
        InetAddress candidate = IpAddresses.parse(request.getRemoteAddr());
        if (candidate == null) {
            return String.valueOf(request.getRemoteAddr());
        }
        if (trusted(candidate)) {
            List<String> hops = forwardedHops(request);
            for (int i = hops.size() - 1; i >= 0; i--) {
                InetAddress hop = IpAddresses.parse(hops.get(i));
                if (hop == null) {
                    break; // garbage written by a proxy: stay with the last hop we can vouch for
                }
                candidate = hop;
                if (!trusted(hop)) {
                    break;
                }
            }
        }
        return IpAddresses.identity(candidate);
    }

    private boolean trusted(InetAddress address) {
        for (IpAddresses.Range range : trustedProxies) {
            if (range.contains(address)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> forwardedHops(HttpServletRequest request) {
        List<String> hops = new ArrayList<>();
        Enumeration<String> headers = request.getHeaders("X-Forwarded-For");
        for (String header : headers == null ? List.<String>of() : Collections.list(headers)) {
            hops.addAll(ConfigValues.list(header));
        }
        return hops;
    }
}
