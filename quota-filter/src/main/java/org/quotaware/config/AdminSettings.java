package org.quotaware.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.List;

import org.quotaware.InvalidQuotaConfigException;

/**
 * The {@code quotaware.admin.*} keys of quota-cdi's admin API, read and validated at deployment: a bad value names the
 * key and what is allowed (never the secret itself).
 *
 * @param enabled whether the admin API answers ({@code quotaware.admin.enabled}, default false: it answers 404)
 * @param role    the role an authenticated caller needs, or null
 * @param keyHash SHA-256 of the admin key, or null; the key itself is not kept
 * @param me      whether {@code GET quota/me} answers ({@code quotaware.admin.me}, default true)
 * @param mapName the Hazelcast map that carries tier changes to every member ({@code quotaware.admin.map}), null
 *                when not set: then {@link #tiersMap(String) derived from the application's name}
 * @param keyFailures        wrong admin keys one client address may present per {@code keyFailureWindow}
 *                           ({@code quotaware.admin.key-failures}, default 5); then it is refused with 429
 * @param keyFailureWindow   {@code quotaware.admin.key-failure-window} (seconds, or {@code 30s}, {@code 500ms};
 *                           default 60 s)
 * @param maxOverrides       users that may have limits of their own through the admin API
 *                           ({@code quotaware.admin.max-overrides}, default 1000)
 */
public record AdminSettings(boolean enabled, String role, byte[] keyHash, boolean me, String mapName, int keyFailures,
                            Duration keyFailureWindow, int maxOverrides) {

    public static final String PREFIX = "quotaware.admin.";
    public static final String ENABLED = PREFIX + "enabled";
    public static final String ROLE = PREFIX + "role";
    public static final String KEY = PREFIX + "key";
    public static final String ME = PREFIX + "me";
    public static final String MAP = PREFIX + "map";
    public static final String KEY_FAILURES = PREFIX + "key-failures";
    public static final String KEY_FAILURE_WINDOW = PREFIX + "key-failure-window";
    public static final String MAX_OVERRIDES = PREFIX + "max-overrides";
    public static final List<String> KEYS = List.of(ENABLED, ROLE, KEY, ME, MAP, KEY_FAILURES, KEY_FAILURE_WINDOW,
            MAX_OVERRIDES);
    /** The header that carries the admin key. */
    public static final String KEY_HEADER = "X-Admin-Key";
    public static final String DEFAULT_MAP = "quotaware-tiers";
    public static final int DEFAULT_KEY_FAILURES = 5;
    public static final Duration DEFAULT_KEY_FAILURE_WINDOW = Duration.ofMinutes(1);
    static final int MIN_KEY_LENGTH = 16;
    public static final int DEFAULT_MAX_OVERRIDES = 1_000;

    /**
     * Reads the keys.
     *
     * @param raw the values; its listed names are checked, to refuse a misspelt {@code quotaware.admin.*} key
     * @throws InvalidQuotaConfigException naming the key and the problem
     */
    public static AdminSettings read(ConfigSource raw) {
        for (String name : raw.names()) {
            if (name.startsWith(PREFIX) && !KEYS.contains(name)) {
                throw InvalidQuotaConfigException.invalid("setting", name, "one of " + KEYS).forKey(name);
            }
        }
        boolean enabled = bool(raw, ENABLED, false);
        boolean me = bool(raw, ME, true);
        String role = blankToNull(raw.value(ROLE));
        String key = blankToNull(raw.value(KEY));
        String map = blankToNull(raw.value(MAP));
        if (key != null && key.length() < MIN_KEY_LENGTH) {
            // the length only: a message must never show the secret
            throw InvalidQuotaConfigException.invalid("key", key.length() + " characters",
                    "at least " + MIN_KEY_LENGTH + " characters (a random secret)").forKey(KEY);
        }
        if (enabled && role == null && key == null) {
            throw InvalidQuotaConfigException.invalid("enabled", "true", "false unless " + ROLE + " (a role checked "
                    + "with SecurityContext.isUserInRole) or " + KEY + " (a secret sent in the " + KEY_HEADER
                    + " header) is set").forKey(ENABLED);
        }
        int failures = (int) number(raw, KEY_FAILURES, "key-failures", DEFAULT_KEY_FAILURES, 1, 1_000);
        String windowRaw = blankToNull(raw.value(KEY_FAILURE_WINDOW));
        Duration window = windowRaw == null ? DEFAULT_KEY_FAILURE_WINDOW : ConfigValues.duration(KEY_FAILURE_WINDOW,
                "key-failure-window", windowRaw, Duration.ofSeconds(1), Duration.ofDays(1));
        int maxOverrides = (int) number(raw, MAX_OVERRIDES, "max-overrides", DEFAULT_MAX_OVERRIDES, 0, 100_000);
        return new AdminSettings(enabled, role, key == null ? null : sha256(key), me,
                map, failures, window, maxOverrides);
    }

    /** The admin API switched off, {@code quota/me} on. */
    public static AdminSettings disabled() {
        return new AdminSettings(false, null, null, true, null, DEFAULT_KEY_FAILURES,
                DEFAULT_KEY_FAILURE_WINDOW, DEFAULT_MAX_OVERRIDES);
    }

    /**
     * The map that carries tier changes and per-user overrides to every member of {@code application}:
     * {@code quotaware.admin.map} when set, else {@code quotaware-tiers.<application>}, so another application on the
     * same cluster never applies them.
     */
    public String tiersMap(String application) {
        return mapName != null ? mapName : DEFAULT_MAP + "." + application;
    }

    /**
     * Whether {@code presented} is the admin key. Both sides are hashed first and compared with
     * {@link MessageDigest#isEqual} (constant time for equal lengths), so the time taken tells nothing about the key,
     * not even its length.
     */
    public boolean keyMatches(String presented) {
        if (keyHash == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(keyHash, sha256(presented));
    }

    private static boolean bool(ConfigSource raw, String key, boolean fallback) {
        String v = blankToNull(raw.value(key));
        return v == null ? fallback : ConfigValues.bool(key, key.substring(PREFIX.length()), v);
    }

    private static long number(ConfigSource raw, String key, String field, long fallback, long min,
                               long max) {
        String v = blankToNull(raw.value(key));
        return v == null ? fallback : ConfigValues.number(key, field, v, min, max);
    }

    private static String blankToNull(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    @Override
    public String toString() {
        return "AdminSettings[enabled=" + enabled + ", role=" + role + ", key=" + (keyHash == null ? "none" : "set")
                + ", me=" + me + ", map=" + mapName + ", keyFailures=" + keyFailures + "/" + keyFailureWindow
                + ", maxOverrides=" + maxOverrides + "]";
    }
}
