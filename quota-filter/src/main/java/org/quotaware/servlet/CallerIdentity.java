package org.quotaware.servlet;

import java.net.InetAddress;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.servlet.http.HttpServletRequest;

import org.quotaware.QuotaRequest;
import org.quotaware.config.ConfigValues;

/**
 * Decides whose quota a request spends by asking the configured chain ({@code identity.chain}) in order; by default
 * the container's principal, a configured API key, the user header (only when enabled and only from a trusted proxy),
 * the client address. Each entry has its own prefix ({@code principal:}, {@code key:}, {@code user:}, {@code ip:} by
 * default, {@code tenant:} when written {@code as tenant:}) so a name from one source can never spend the quota of the
 * same name from another, and no header a client writes can move its requests onto somebody else's quota. The client
 * address ends every chain, so every request has a key.
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
    private final List<ChainEntry> chain;
    /** The chain without its last entry, the address, as an array: walked on every request. */
    private final ChainEntry[] named;
    private final String addressPrefix;
    private final String keyPrefix;

    /**
     * @param apiKeyHeader   header carrying the API key, null for none
     * @param apiKeys        configured keys
     * @param userHeader     header naming the user, null when disabled
     * @param trustedProxies peers whose {@code X-Forwarded-For} and user header are believed
     * @param chain          the entries to ask, in order, the {@link ChainEntry.Address address} last
     */
    CallerIdentity(String apiKeyHeader, Map<String, ApiKey> apiKeys, String userHeader,
                   List<IpAddresses.Range> trustedProxies, List<ChainEntry> chain) {
        this.apiKeyHeader = apiKeyHeader;
        this.apiKeys = Map.copyOf(apiKeys);
        this.chain = List.copyOf(chain);
        this.named = this.chain.subList(0, this.chain.size() - 1).toArray(new ChainEntry[0]);
        this.addressPrefix = this.chain.get(this.chain.size() - 1).prefix();
        String keys = KEY;
        for (ChainEntry entry : this.chain) {
            if (entry instanceof ChainEntry.ApiKey k) {
                keys = k.prefix();
            }
        }
        this.keyPrefix = keys;
        Map<String, Caller> callers = new HashMap<>();
        apiKeys.forEach((key, apiKey) -> callers.put(key, new Caller(keyPrefix + apiKey.user(), null, false, false)));
        this.keyCallers = Map.copyOf(callers);
        this.userHeader = userHeader;
        this.trustedProxies = List.copyOf(trustedProxies);
    }

    Map<String, ApiKey> apiKeys() {
        return apiKeys;
    }

    /** The quota key of an API key's user: what tier assignments are made for. */
    String keyUser(ApiKey apiKey) {
        return keyPrefix + apiKey.user();
    }

    /** The prefix of callers known by the container's principal, {@code principal:} unless the chain says otherwise. */
    String principalPrefix() {
        for (ChainEntry entry : chain) {
            if (entry instanceof ChainEntry.Principal p) {
                return p.prefix();
            }
        }
        return PRINCIPAL;
    }

    List<ChainEntry> chain() {
        return chain;
    }

    /**
     * This identity with the chain's named entries ({@code jwt:}, {@code bean:}) given their sources.
     *
     * @param named the application's sources by entry, see {@link IdentitySource#NAMED_ATTRIBUTE}; null when it has
     *              none
     * @param key   the key the chain was read from, for messages
     * @throws org.quotaware.InvalidQuotaConfigException naming the key and the entry no source answers to
     */
    CallerIdentity resolve(Function<String, IdentitySource> named, String key) {
        List<ChainEntry> resolved = new ArrayList<>(chain.size());
        boolean changed = false;
        for (ChainEntry entry : chain) {
            if (entry instanceof ChainEntry.Named n && n.source() == null) {
                IdentitySource source = named == null ? null : named.apply(n.text());
                if (source == null) {
                    throw ConfigValues.fail(key, "chain entry", n.text(), n.text().startsWith("jwt:")
                            ? "used with quota-cdi in the application (it reads the token MicroProfile JWT verified)"
                            : "the @Named name of a CDI bean implementing " + IdentitySource.class.getName()
                                    + " (with quota-cdi in the application)");
                }
                resolved.add(new ChainEntry.Named(n.text(), source, n.prefix()));
                changed = true;
            } else {
                resolved.add(entry);
            }
        }
        return changed ? new CallerIdentity(apiKeyHeader, apiKeys, userHeader, trustedProxies, resolved) : this;
    }

    /** Whether the chain has entries the application must resolve, see {@link #resolve}. */
    boolean unresolved() {
        for (ChainEntry entry : chain) {
            if (entry instanceof ChainEntry.Named n && n.source() == null) {
                return true;
            }
        }
        return false;
    }

    Caller identify(HttpServletRequest request, String anonymousTier) {
        for (ChainEntry entry : named) {
            Caller caller = ask(entry, request, anonymousTier);
            if (caller != null) {
                return caller;
            }
        }
        return new Caller(addressPrefix + clientAddress(request), anonymousTier, false, true);
    }

    /** The caller by one entry, or null to ask the next. */
    private Caller ask(ChainEntry entry, HttpServletRequest request, String anonymousTier) {
        if (entry instanceof ChainEntry.Principal p) {
            Principal principal = request.getUserPrincipal();
            return principal != null && principal.getName() != null
                    ? new Caller(p.prefix() + principal.getName(), null, false, false) : null;
        }
        if (entry instanceof ChainEntry.ApiKey) {
            // without configured keys the header is the application's business, not ours: never answer 401 for it
            String key = apiKeyHeader == null || apiKeys.isEmpty() ? null : request.getHeader(apiKeyHeader);
            if (key == null || key.isBlank()) {
                return null;
            }
            Caller known = keyCallers.get(key.trim());
            // never fall through to anonymous: a mistyped or revoked key must be noticed, not silently downgraded
            return known != null ? known
                    : new Caller(addressPrefix + clientAddress(request), anonymousTier, true, true);
        }
        if (entry instanceof ChainEntry.Header h) {
            InetAddress peer = IpAddresses.parse(request.getRemoteAddr());
            if (peer == null || !trusted(peer)) {
                return null;
            }
            String user = request.getHeader(h.name());
            return user == null || user.isBlank() ? null : new Caller(h.prefix() + user.trim(), null, false, false);
        }
        if (entry instanceof ChainEntry.Named n && n.source() != null) {
            String name = n.source().identify(request);
            return name == null || name.isBlank() ? null : new Caller(n.prefix() + name.trim(), null, false, false);
        }
        return null; // a named entry not resolved: the filter resolves every one before it serves a request
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
