package org.quotaware.denials;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaRequest;
import org.quotaware.Violation;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

class DenialLoggerTest {

    private final MutableClock clock = new MutableClock();
    private final Logger logger = Logger.getLogger(DenialLogger.NAME + ".test");
    private final List<String> lines = new ArrayList<>();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            lines.add(r.getLevel() + " " + r.getMessage());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };
    private DenialLogger denials;

    @BeforeEach
    void capture() {
        logger.setUseParentHandlers(false);
        logger.addHandler(capture);
        logger.setLevel(Level.FINE);
        denials = new DenialLogger(logger, Duration.ofSeconds(60), clock);
    }

    @AfterEach
    void release() {
        logger.removeHandler(capture);
    }

    @Test
    void requestDataIsLoggedWithItsControlCharactersEscaped() {
        // a decoded path and a user header can hold anything: a forged second line must stay on the first
        denials.decided("user:eve\u2028forged", QuotaRequest.request().withTarget("/api/x\r\nINFO: admin logged in\t"
                + "\u0000\u001b[31m\u0085"), QuotaCheckResult.denied("default", List.of(new Violation(
                        Limit.REQUESTS_PER_MINUTE, 30, 30, 12)), List.of()), 0);

        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line).doesNotContainPattern("[\\x00-\\x1f\\x7f-\\x9f\\u2028\\u2029]");
            assertThat(line).startsWith("FINE user:eve\\u2028forged denied in tier default at "
                    + "/api/x\\r\\nINFO: admin logged in\\t\\u0000\\u001b[31m\\u0085: ");
        });
    }

    private void deny(String user) {
        denials.decided(user, QuotaRequest.request().withTarget("/api/pricelists"), QuotaCheckResult.denied("default",
                List.of(new Violation(Limit.REQUESTS_PER_MINUTE, 30, 30, 12)), List.of()), 0);
    }

    @Test
    void theFirstDenialOfAUserInAWindowIsLoggedThenOnlyCounted() {
        for (int i = 0; i < 5; i++) {
            deny("key:alice");
        }
        deny("key:bob");
        assertThat(lines).containsExactly(
                "FINE key:alice denied in tier default at /api/pricelists: rpm: 30 of 30 used; retry in 12 s "
                        + "(further denials of this user in the next 60 s are counted, not logged)",
                "FINE key:bob denied in tier default at /api/pricelists: rpm: 30 of 30 used; retry in 12 s "
                        + "(further denials of this user in the next 60 s are counted, not logged)");

        clock.advance(Duration.ofSeconds(59));
        deny("key:alice");
        assertThat(lines).hasSize(2);

        clock.advance(Duration.ofSeconds(1));
        deny("key:bob"); // any denial after the window ends it: alice's count comes out, bob's window begins anew
        assertThat(lines).hasSize(4);
        assertThat(lines.get(2)).isEqualTo("FINE key:alice: 5 more denial(s) not logged in the 60 s after "
                + "2026-01-05T00:00:00Z");
        assertThat(lines.get(3)).startsWith("FINE key:bob denied in tier default");
    }

    @Test
    void aShadowDenialSaysSo() {
        denials.decided("u", QuotaRequest.request(), QuotaCheckResult.allowed("default", false,
                List.of(new Violation(Limit.CONCURRENT_TASKS, 3, 3, 1)), List.of()), 0);
        assertThat(lines).singleElement().asString().startsWith("FINE u would be denied (shadow) in tier default: "
                + "tasks: 3 of 3 used; retry in 1 s");
    }

    @Test
    void aFloodOfIdentitiesSharesOneLinePerWindowBeyondTheUsersFollowed() {
        for (int i = 0; i < DenialLogger.MAX_USERS + 500; i++) {
            deny("ip:10.0." + i);
        }
        assertThat(lines).hasSize(DenialLogger.MAX_USERS + 1);
        assertThat(lines.get(DenialLogger.MAX_USERS)).startsWith("FINE ip:10.0.1000 denied").contains(
                "further denials of users beyond the 1000 followed, as (other users), in the next 60 s");
        clock.advance(Duration.ofSeconds(60));
        deny("key:late");
        assertThat(lines.get(lines.size() - 2)).isEqualTo("FINE (other users): 499 more denial(s) not logged in the "
                + "60 s after 2026-01-05T00:00:00Z");
        assertThat(lines.get(lines.size() - 1)).startsWith("FINE key:late denied");
    }

    @Test
    void offByDefaultItLogsAndKeepsNothing() {
        logger.setLevel(Level.INFO);
        for (int i = 0; i < 10; i++) {
            deny("ip:10.0.0." + i);
        }
        logger.setLevel(Level.FINE);
        deny("ip:10.0.0.1");
        assertThat(lines).singleElement().asString().startsWith("FINE ip:10.0.0.1 denied");
        assertThat(Logger.getLogger(DenialLogger.NAME).isLoggable(Level.FINE)).isFalse();
    }
}
