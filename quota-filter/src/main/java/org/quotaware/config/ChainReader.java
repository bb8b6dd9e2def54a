package org.quotaware.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quotaware.http.IpAddresses;

import static org.quotaware.config.QuotaSettings.API_KEYS;
import static org.quotaware.config.QuotaSettings.API_KEY_HEADER;
import static org.quotaware.config.QuotaSettings.IDENTITY_CHAIN;
import static org.quotaware.config.QuotaSettings.TRUSTED_PROXIES;
import static org.quotaware.config.QuotaSettings.USER_HEADER;

/** Reads {@code identity.chain}: the sources asked, in order, for the caller's quota key. */
final class ChainReader {

    /** What {@code identity.chain} may hold, for messages. */
    static final String CHAIN_FORM = "a comma-separated list of principal, api-key, header, header:<name>, "
            + "jwt:<claim>, bean:<name>, class:<class name> and ip, each at most once and each optionally followed by "
            + "'as <prefix>:', with ip (the client address) last or left out";
    /** The servlet SPI an application's source implements; named, as this package knows no servlet type. */
    public static final String SOURCE_TYPE = "org.quotaware.servlet.IdentitySource";
    static final String CLASS = "class:";

    /** One chain entry: a source, then optionally {@code as} and a prefix. */
    private static final Pattern ENTRY = Pattern.compile("(\\S+)(?:\\s+as\\s+(\\S+))?");
    /** A prefix: names separated by colons, ending with one. */
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,60}(?::[A-Za-z0-9_.-]{1,60})*:");
    /** What the keys of a {@code @Quota} method's separate tier quota start with (quota-cdi's QuotaMethod). */
    private static final String RESERVED_PREFIX = "tier:";
    private static final Pattern BEAN_NAME = Pattern.compile("[A-Za-z0-9_.$-]{1,100}");
    private static final Pattern CLASS_NAME =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)+");

    private ChainReader() {
    }

    /**
     * Parses {@code identity.chain}; see {@link #CHAIN_FORM}. The client address is appended when not written.
     *
     * @param keys       the configured API keys, null when the API key header is off
     * @param userHeader {@code identity.user-header}, or null
     * @param proxies    {@code identity.trusted-proxies}
     */
    static List<ChainEntry> chain(String key, String raw, Map<String, IdentitySettings.ApiKey> keys,
                                  String userHeader, List<IpAddresses.Range> proxies) {
        List<String> items = ConfigValues.list(raw);
        if (items.isEmpty()) {
            throw ConfigValues.fail(key, "chain", "'" + raw.trim() + "'", CHAIN_FORM);
        }
        List<ChainEntry> chain = new ArrayList<>();
        List<String> sources = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i);
            Matcher m = ENTRY.matcher(item);
            if (!m.matches()) {
                throw ConfigValues.fail(key, "chain entry", item, CHAIN_FORM);
            }
            String source = m.group(1);
            String prefix = m.group(2);
            if (prefix != null && !PREFIX.matcher(prefix).matches()) {
                throw ConfigValues.fail(key, "prefix", prefix, "letters, digits, '_', '.' or '-', ending with ':' "
                        + "(such as tenant:), in the entry '" + item + "'");
            }
            if (prefix != null && prefix.startsWith(RESERVED_PREFIX)) {
                // tier:<tier>:<user> is the key of a @Quota method's separate tier quota, never a caller's own
                throw ConfigValues.fail(key, "prefix", prefix, "a prefix not starting with " + RESERVED_PREFIX
                        + " (reserved for @Quota's tier quotas), in the entry '" + item + "'");
            }
            if (sources.contains(source)) {
                throw ConfigValues.fail(key, "chain entry", source, "given once (it is there twice)");
            }
            sources.add(source);
            ChainEntry entry = entry(key, source, prefix, keys, userHeader, proxies);
            if (entry instanceof ChainEntry.Address && i < items.size() - 1) {
                throw ConfigValues.fail(key, "chain entry", item, "last: the client address always answers, so no "
                        + "entry after it would ever be asked");
            }
            chain.add(entry);
        }
        if (!(chain.get(chain.size() - 1) instanceof ChainEntry.Address)) {
            chain.add(new ChainEntry.Address(IdentitySettings.IP)); // so every request has a key
        }
        return chain;
    }

    private static ChainEntry entry(String key, String source, String prefix,
                                    Map<String, IdentitySettings.ApiKey> keys, String userHeader,
                                    List<IpAddresses.Range> proxies) {
        String written = key.substring(0, key.length() - IDENTITY_CHAIN.length()); // "" or "quotaware."
        switch (source) {
            case "principal":
                return new ChainEntry.Principal(prefix == null ? IdentitySettings.PRINCIPAL : prefix);
            case "ip":
                return new ChainEntry.Address(prefix == null ? IdentitySettings.IP : prefix);
            case "api-key":
                if (keys == null || keys.isEmpty()) {
                    throw ConfigValues.fail(key, "chain entry", source, "given together with " + written + API_KEYS
                            + " (and an " + written + API_KEY_HEADER + " other than off)");
                }
                return new ChainEntry.ApiKey(prefix == null ? IdentitySettings.KEY : prefix);
            case "header":
                if (userHeader == null) {
                    throw ConfigValues.fail(key, "chain entry", source, "given together with " + written
                            + USER_HEADER + ", or written header:<name>");
                }
                return new ChainEntry.Header(userHeader, prefix == null ? IdentitySettings.USER : prefix);
            default:
                break;
        }
        int colon = source.indexOf(':');
        String kind = colon < 0 ? source : source.substring(0, colon + 1);
        String name = colon < 0 ? "" : source.substring(colon + 1);
        String own = prefix == null ? source + ":" : prefix;
        switch (kind) {
            case "header:":
                if (!IdentityReader.HEADER_NAME.matcher(name).matches()) {
                    throw ConfigValues.fail(key, "header", name, "an HTTP header name such as X-Tenant");
                }
                if (proxies.isEmpty()) {
                    // a header any client can write would let anybody spend anybody's quota
                    throw ConfigValues.fail(key, "chain entry", source, "given together with " + written
                            + TRUSTED_PROXIES + " (the header is believed only from those peers)");
                }
                return new ChainEntry.Header(name, own);
            case "jwt:":
                if (name.isEmpty()) {
                    throw ConfigValues.fail(key, "chain entry", source, "jwt:<claim>, such as jwt:tenant_id");
                }
                return new ChainEntry.Named(source, own);
            case "bean:":
                if (!BEAN_NAME.matcher(name).matches()) {
                    throw ConfigValues.fail(key, "chain entry", source,
                            "bean:<name>, the @Named name of a CDI bean implementing " + SOURCE_TYPE);
                }
                return new ChainEntry.Named(source, own);
            case CLASS:
                if (!CLASS_NAME.matcher(name).matches()) {
                    throw ConfigValues.fail(key, "chain entry", source, "class:<fully qualified class name>");
                }
                return new ChainEntry.Named(source, own); // instantiated with the filter's settings
            default:
                throw ConfigValues.fail(key, "chain entry", source, CHAIN_FORM);
        }
    }
}
