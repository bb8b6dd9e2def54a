package org.quotaware.redis;

import java.time.Duration;
import java.util.List;

import org.quotaware.config.ConfigSource;
import org.quotaware.config.ConfigValues;

/**
 * The Redis store's own settings: {@code store.*} init-params of the filter, {@code quotaware.store.*} keys of
 * MicroProfile Config. The host hands them over as {@code quotaware.store.*} in both modes
 * ({@link org.quotaware.spi.StoreContext#config()}), and messages name them so.
 *
 * @param username       {@code store.username}: the ACL user, when the address does not name it
 * @param password       {@code store.password}: the password, kept out of the address (never logged)
 * @param timeout        {@code store.timeout}: the longest a command or a connection attempt may take before the
 *                       fallback decides, default 500 ms
 * @param prefix         {@code store.prefix}: the start of every key, default {@code quotaware:<application>:}
 * @param rememberStates {@code store.remember-states}: for how many users this member keeps the bytes it last read
 *                       or wrote, so their decisions are one round trip, default 10 000 (about 250 bytes each)
 */
record RedisSettings(String username, String password, Duration timeout, String prefix, int rememberStates) {

    static final String USERNAME = "quotaware.store.username";
    static final String PASSWORD = "quotaware.store.password";
    static final String TIMEOUT = "quotaware.store.timeout";
    static final String PREFIX = "quotaware.store.prefix";
    static final String REMEMBER_STATES = "quotaware.store.remember-states";
    /** Every key, as MicroProfile Config names them; the filter's init-params are the same without {@code quotaware.}. */
    static final List<String> KEYS = List.of(USERNAME, PASSWORD, TIMEOUT, PREFIX, REMEMBER_STATES);

    static RedisSettings read(ConfigSource config, String application) {
        String rawTimeout = value(config, TIMEOUT);
        Duration timeout = Duration.ofMillis(500);
        if (rawTimeout != null) {
            timeout = ConfigValues.duration(TIMEOUT, "timeout", rawTimeout, "a duration: 500ms, 2s");
            if (timeout.toMillis() < 10 || timeout.toMillis() > 60_000) {
                throw ConfigValues.fail(TIMEOUT, "timeout (ms)", rawTimeout, "between 10ms and 60s");
            }
        }
        String prefix = value(config, PREFIX);
        if (prefix == null) {
            prefix = "quotaware:" + (application == null || application.isBlank() ? "ROOT" : application) + ":";
        } else if (prefix.isEmpty() || prefix.length() > 200) {
            throw ConfigValues.fail(PREFIX, "prefix", prefix, "1 to 200 characters");
        }
        String rawRemember = value(config, REMEMBER_STATES);
        int remember = rawRemember == null ? 10_000 : (int) ConfigValues.number(REMEMBER_STATES,
                "remember-states", rawRemember, 0, 10_000_000);
        return new RedisSettings(value(config, USERNAME), value(config, PASSWORD), timeout, prefix, remember);
    }

    private static String value(ConfigSource config, String key) {
        String v = config == null ? null : config.value(key);
        return v == null ? null : v.trim();
    }

    @Override
    public String toString() {
        // never the password
        return "RedisSettings[username=" + username + ", timeout=" + timeout + ", prefix=" + prefix
                + ", rememberStates=" + rememberStates + "]";
    }
}
