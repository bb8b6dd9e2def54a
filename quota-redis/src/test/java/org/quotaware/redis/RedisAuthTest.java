package org.quotaware.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.spi.QuotaStore;
import org.quotaware.store.CompareAndSetStore;
import org.quotaware.store.QuotaStoreUnavailableException;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * AUTH against a real redis-server that requires a password ({@code requirepass}) and knows an ACL user: the
 * password in the address, in {@code store.password}, a user's in {@code store.username} + {@code store.password};
 * a wrong password is no connection (the fallback's signal), and neither its exceptions nor its log lines show it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisAuthTest {

    private static RedisServer redis;
    private final MutableClock clock = new MutableClock();
    private final List<QuotaStore> stores = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.withOptions("secret", "--requirepass", "secret", "--user", "alice", "on", ">pw2",
                "~quotaware:*", "+@all");
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @AfterEach
    void close() {
        stores.forEach(QuotaStore::close);
    }

    private CompareAndSetStore store(String address, String application, Map<String, String> settings) {
        CompareAndSetStore s = Decisions.store(address, application, settings, clock::millis);
        stores.add(s);
        return s;
    }

    private String port() {
        return Integer.toString(redis.port());
    }

    @Test
    void thePasswordInTheAddress() throws Exception {
        Decisions.fiveAdmittedThenRefused(store("redis://:secret@127.0.0.1:" + port(), "auth-uri", Map.of()),
                "user:ann");
        assertThat(redis.command("EXISTS", "quotaware:auth-uri:user:ann")).isEqualTo(":1");
    }

    @Test
    void thePasswordInTheSettingKeepsTheAddressFreeOfIt() throws Exception {
        Decisions.fiveAdmittedThenRefused(store("redis://127.0.0.1:" + port(), "auth-setting",
                Map.of("quotaware.store.password", "secret")), "user:ann");
        assertThat(redis.command("EXISTS", "quotaware:auth-setting:user:ann")).isEqualTo(":1");
    }

    @Test
    void anAclUserByTheSettingsOrTheAddress() throws Exception {
        Decisions.fiveAdmittedThenRefused(store("redis://127.0.0.1:" + port(), "auth-acl",
                Map.of("quotaware.store.username", "alice", "quotaware.store.password", "pw2")), "user:ann");
        Decisions.fiveAdmittedThenRefused(store("redis://alice:pw2@127.0.0.1:" + port(), "auth-acl", Map.of()),
                "user:bob");
        assertThat(redis.command("EXISTS", "quotaware:auth-acl:user:ann")).isEqualTo(":1");
        assertThat(redis.command("EXISTS", "quotaware:auth-acl:user:bob")).isEqualTo(":1");
    }

    /**
     * A wrong password (here the setting's, which wins over the right one in the address) or none: the store is
     * built, since credentials are Redis's to judge, but there is no connection, so every operation fails at once as
     * unavailable and the host's fallback decides. The wrong password shows nowhere: not in the exception, not in a
     * log line of quotaware or Lettuce down to DEBUG (FINE). Lettuce's TRACE logs the bytes it sends, AUTH's included:
     * never turn it on where the password matters.
     */
    @Test
    void aWrongPasswordOrNoneIsNoConnectionAndNeverShown() throws Exception {
        // Lettuce logs from its own threads
        List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord r) {
                // DEBUG and above; Lettuce's TRACE (FINEST) dumps the bytes it sends, AUTH's password included
                if (r.getLevel().intValue() < Level.FINE.intValue()) {
                    return;
                }
                logged.add(r.getLoggerName() + " " + r.getMessage() + " " + java.util.Arrays.toString(r.getParameters())
                        + " " + (r.getThrown() == null ? "" : r.getThrown().toString()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger root = Logger.getLogger("");
        Level level = root.getLevel();
        root.addHandler(capture);
        root.setLevel(Level.FINE);
        try {
            for (CompareAndSetStore s : List.of(
                    store("redis://:secret@127.0.0.1:" + port(), "auth-wrong",
                            Map.of("quotaware.store.password", "Wr0ngPassw0rd")),
                    store("redis://alice:Wr0ngPassw0rd@127.0.0.1:" + port(), "auth-wrong", Map.of()),
                    store("redis://127.0.0.1:" + port(), "auth-wrong", Map.of()))) {
                DefaultQuotaManager m = DefaultQuotaManager.builder().store(s)
                        .tiers(new QuotaTiers(QuotaLimits.defaults())).build();
                Throwable t = catchThrowable(() -> m.acquire("user:eve", QuotaRequest.request()));
                assertThat(t).isInstanceOf(QuotaStoreUnavailableException.class);
                for (Throwable c = t; c != null; c = c.getCause()) {
                    assertThat(String.valueOf(c.getMessage())).doesNotContain("Wr0ngPassw0rd");
                }
            }
        } finally {
            root.removeHandler(capture);
            root.setLevel(level);
        }
        assertThat(logged).as("the failed connections were logged").isNotEmpty()
                .noneMatch(l -> l.contains("Wr0ngPassw0rd"));
        assertThat(redis.command("EXISTS", "quotaware:auth-wrong:user:eve")).isEqualTo(":0");
    }
}
