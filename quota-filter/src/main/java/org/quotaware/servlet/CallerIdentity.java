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
import org.quotaware.config.ChainEntry;
import org.quotaware.config.ConfigValues;
import org.quotaware.config.IdentitySettings;
import org.quotaware.config.QuotaSettings;
import org.quotaware.http.IpAddresses;

/**
 * Decides whose quota a request spends by asking the configured chain ({@code identity.chain}) in order; by default
 * the container's principal, a configured API key, the user header (only when enabled and only from a trusted proxy),
 * the client address. Each entry has its own prefix ({@code principal:}, {@code key:}, {@code user:}, {@code ip:} by
 * default, {@code tenant:} when written {@code as tenant:}) so a name from one source can never spend the quota of the
 * same name from another, and no header a client writes can move its requests onto somebody else's quota. The client
 * address ends every chain, so every request has a key.
 */
final class CallerIdentity {

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

    private final IdentitySettings settings;
    private final String apiKeyHeader;
    private final Map<String, IdentitySettings.ApiKey> apiKeys;
    /** The caller each key stands for, made once: identifying a key's caller allocates nothing per request. */
    private final Map<String, Caller> keyCallers;
    private final List<IpAddresses.Range> trustedProxies;
    /** The chain without its last entry, the address, as an array: walked on every request. */
    private final ChainEntry[] named;
    /** The source of each {@link ChainEntry.Named} entry of {@link #named} (same index), null until resolved. */
    private final IdentitySource[] sources;
    private final String addressPrefix;

    private CallerIdentity(IdentitySettings settings, IdentitySource[] sources) {
        this.settings = settings;
        this.apiKeyHeader = settings.apiKeyHeader();
        this.apiKeys = settings.apiKeys();
        List<ChainEntry> chain = settings.chain();
        this.named = chain.subList(0, chain.size() - 1).toArray(new ChainEntry[0]);
        this.sources = sources;
        this.addressPrefix = chain.get(chain.size() - 1).prefix();
        Map<String, Caller> callers = new HashMap<>();
        apiKeys.forEach((key, apiKey) -> callers.put(key, new Caller(settings.keyUser(apiKey), null, false, false)));
        this.keyCallers = Map.copyOf(callers);
        this.trustedProxies = settings.trustedProxies();
    }

    /**
     * The identity of the settings, with the chain's {@code class:} entries instantiated; {@code jwt:} and
     * {@code bean:} entries wait for {@link #resolve}.
     *
     * @throws org.quotaware.InvalidQuotaConfigException naming {@code identity.chain} and a class that cannot serve
     */
    static CallerIdentity of(IdentitySettings settings) {
        String key = settings.prefix() + QuotaSettings.IDENTITY_CHAIN;
        List<ChainEntry> chain = settings.chain();
        IdentitySource[] sources = new IdentitySource[chain.size() - 1];
        for (int i = 0; i < sources.length; i++) {
            if (chain.get(i) instanceof ChainEntry.Named n && n.className() != null) {
                sources[i] = SourceClasses.instantiate(key, n.text(), n.className());
            }
        }
        return new CallerIdentity(settings, sources);
    }

    IdentitySettings settings() {
        return settings;
    }

    /**
     * This identity with the chain's named entries ({@code jwt:}, {@code bean:}) given their sources.
     *
     * @param named the application's sources by entry, see {@link IdentitySource#NAMED_ATTRIBUTE}; null when it has
     *              none
     * @throws org.quotaware.InvalidQuotaConfigException naming the key and the entry no source answers to
     */
    CallerIdentity resolve(Function<String, IdentitySource> named) {
        if (!unresolved()) {
            return this;
        }
        String key = settings.prefix() + QuotaSettings.IDENTITY_CHAIN;
        IdentitySource[] resolved = sources.clone();
        for (int i = 0; i < resolved.length; i++) {
            if (this.named[i] instanceof ChainEntry.Named n && resolved[i] == null) {
                IdentitySource source = named == null ? null : named.apply(n.text());
                if (source == null) {
                    throw ConfigValues.fail(key, "chain entry", n.text(), n.text().startsWith("jwt:")
                            ? "used with quota-cdi in the application (it reads the token MicroProfile JWT verified)"
                            : "the @Named name of a CDI bean implementing " + IdentitySource.class.getName()
                                    + " (with quota-cdi in the application)");
                }
                resolved[i] = source;
            }
        }
        return new CallerIdentity(settings, resolved);
    }

    /** Whether the chain has entries the application must resolve, see {@link #resolve}. */
    boolean unresolved() {
        for (int i = 0; i < named.length; i++) {
            if (named[i] instanceof ChainEntry.Named && sources[i] == null) {
                return true;
            }
        }
        return false;
    }

    Caller identify(HttpServletRequest request, String anonymousTier) {
        for (int i = 0; i < named.length; i++) {
            Caller caller = ask(named[i], sources[i], request, anonymousTier);
            if (caller != null) {
                return caller;
            }
        }
        return new Caller(addressPrefix + clientAddress(request), anonymousTier, false, true);
    }

    /** The caller by one entry, or null to ask the next. */
    private Caller ask(ChainEntry entry, IdentitySource source, HttpServletRequest request, String anonymousTier) {
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
        if (entry instanceof ChainEntry.Named n && source != null) {
            String name = source.identify(request);
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
