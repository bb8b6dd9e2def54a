package org.quotaware.servlet;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quotaware.config.ConfigValues;
import org.quotaware.config.QuotaSettings;

import static org.quotaware.config.QuotaSettings.API_KEYS;
import static org.quotaware.config.QuotaSettings.API_KEY_HEADER;
import static org.quotaware.config.QuotaSettings.IDENTITY_CHAIN;
import static org.quotaware.config.QuotaSettings.TRUSTED_PROXIES;
import static org.quotaware.config.QuotaSettings.USER_HEADER;

/** Parses the {@code identity.*} settings, the chain among them, into a {@link CallerIdentity}. */
final class IdentityParser {

    static final String DEFAULT_API_KEY_HEADER = "X-API-Key";
    /** What {@code identity.chain} may hold, for messages. */
    static final String CHAIN_FORM = "a comma-separated list of principal, api-key, header, header:<name>, "
            + "jwt:<claim>, bean:<name>, class:<class name> and ip, each at most once and each optionally followed by "
            + "'as <prefix>:', with ip (the client address) last or left out";

    /** An HTTP field name (RFC 9110 token). */
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}");
    /** One chain entry: a source, then optionally {@code as} and a prefix. */
    private static final Pattern ENTRY = Pattern.compile("(\\S+)(?:\\s+as\\s+(\\S+))?");
    /** A prefix: names separated by colons, ending with one. */
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_.-]{1,60}(?::[A-Za-z0-9_.-]{1,60})*:");
    /** What the keys of a {@code @Quota} method's separate tier quota start with (quota-cdi's QuotaMethod). */
    private static final String RESERVED_PREFIX = "tier:";
    private static final Pattern BEAN_NAME = Pattern.compile("[A-Za-z0-9_.$-]{1,100}");
    private static final Pattern CLASS_NAME =
            Pattern.compile("[A-Za-z_$][A-Za-z0-9_$]*(?:\\.[A-Za-z_$][A-Za-z0-9_$]*)+");

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
        Map<String, CallerIdentity.ApiKey> keys = apiKeys(p);
        String given = p.value(IDENTITY_CHAIN);
        List<ChainEntry> chain = given == null
                ? defaultChain(apiKeyHeader != null && !keys.isEmpty(), userHeader)
                : chain(p.key(IDENTITY_CHAIN), given, apiKeyHeader == null ? null : keys, userHeader, proxies);
        return new CallerIdentity(apiKeyHeader, keys, userHeader, proxies, chain);
    }

    /** principal, the API key and the user header when configured, the address: as before the chain existed. */
    private static List<ChainEntry> defaultChain(boolean keys, String userHeader) {
        List<ChainEntry> chain = new ArrayList<>();
        chain.add(new ChainEntry.Principal(CallerIdentity.PRINCIPAL));
        if (keys) {
            chain.add(new ChainEntry.ApiKey(CallerIdentity.KEY));
        }
        if (userHeader != null) {
            chain.add(new ChainEntry.Header(userHeader, CallerIdentity.USER));
        }
        chain.add(new ChainEntry.Address(CallerIdentity.IP));
        return chain;
    }

    /**
     * Parses {@code identity.chain}; see {@link #CHAIN_FORM}. The client address is appended when not written.
     *
     * @param keys       the configured API keys, null when the API key header is off
     * @param userHeader {@code identity.user-header}, or null
     * @param proxies    {@code identity.trusted-proxies}
     */
    static List<ChainEntry> chain(String key, String raw, Map<String, CallerIdentity.ApiKey> keys, String userHeader,
                                  List<IpAddresses.Range> proxies) {
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
            chain.add(new ChainEntry.Address(CallerIdentity.IP)); // so every request has a key
        }
        return chain;
    }

    private static ChainEntry entry(String key, String source, String prefix, Map<String, CallerIdentity.ApiKey> keys,
                                    String userHeader, List<IpAddresses.Range> proxies) {
        String written = key.substring(0, key.length() - IDENTITY_CHAIN.length()); // "" or "quotaware."
        switch (source) {
            case "principal":
                return new ChainEntry.Principal(prefix == null ? CallerIdentity.PRINCIPAL : prefix);
            case "ip":
                return new ChainEntry.Address(prefix == null ? CallerIdentity.IP : prefix);
            case "api-key":
                if (keys == null || keys.isEmpty()) {
                    throw ConfigValues.fail(key, "chain entry", source, "given together with " + written + API_KEYS
                            + " (and an " + written + API_KEY_HEADER + " other than off)");
                }
                return new ChainEntry.ApiKey(prefix == null ? CallerIdentity.KEY : prefix);
            case "header":
                if (userHeader == null) {
                    throw ConfigValues.fail(key, "chain entry", source, "given together with " + written
                            + USER_HEADER + ", or written header:<name>");
                }
                return new ChainEntry.Header(userHeader, prefix == null ? CallerIdentity.USER : prefix);
            default:
                break;
        }
        int colon = source.indexOf(':');
        String kind = colon < 0 ? source : source.substring(0, colon + 1);
        String name = colon < 0 ? "" : source.substring(colon + 1);
        String own = prefix == null ? source + ":" : prefix;
        switch (kind) {
            case "header:":
                if (!HEADER_NAME.matcher(name).matches()) {
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
                return new ChainEntry.Named(source, null, own);
            case "bean:":
                if (!BEAN_NAME.matcher(name).matches()) {
                    throw ConfigValues.fail(key, "chain entry", source,
                            "bean:<name>, the @Named name of a CDI bean implementing "
                                    + IdentitySource.class.getName());
                }
                return new ChainEntry.Named(source, null, own);
            case "class:":
                if (!CLASS_NAME.matcher(name).matches()) {
                    throw ConfigValues.fail(key, "chain entry", source, "class:<fully qualified class name>");
                }
                return new ChainEntry.Named(source, instantiate(key, source, name), own);
            default:
                throw ConfigValues.fail(key, "chain entry", source, CHAIN_FORM);
        }
    }

    /** An application's source named in the configuration: a public class with a public no-argument constructor. */
    private static IdentitySource instantiate(String key, String entry, String className) {
        String allowed = "a public class implementing " + IdentitySource.class.getName()
                + " with a public no-argument constructor";
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(className, false, loader != null ? loader : IdentityParser.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw ConfigValues.fail(key, "chain entry", entry + " (no such class)", allowed);
        }
        if (!IdentitySource.class.isAssignableFrom(type) || !Modifier.isPublic(type.getModifiers())
                || Modifier.isAbstract(type.getModifiers())) {
            throw ConfigValues.fail(key, "chain entry", entry, allowed);
        }
        try {
            Constructor<?> constructor = type.getConstructor();
            return (IdentitySource) constructor.newInstance();
        } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
            throw ConfigValues.fail(key, "chain entry", entry, allowed);
        } catch (InvocationTargetException e) {
            throw ConfigValues.fail(key, "chain entry", entry + " (its constructor threw " + e.getCause() + ")",
                    allowed);
        }
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
