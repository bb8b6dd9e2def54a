package org.quotaware.cdi.admin;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.quotaware.cdi.admin.KeyFailures.Outcome;
import org.quotaware.cdi.admin.KeyFailures.Verdict;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/** The admin-key lockout with its defaults: 5 wrong keys per address per 60 s. */
class KeyFailuresTest {

    private static final String ATTACKER = "ip:203.0.113.7";

    private final MutableClock clock = new MutableClock();
    private final KeyFailures failures = new KeyFailures(5, Duration.ofSeconds(60), clock);

    private Verdict wrong(String address) {
        return failures.present(address, () -> false);
    }

    private Verdict right(String address) {
        return failures.present(address, () -> true);
    }

    @Test
    void fiveWrongKeysAreAnsweredThenTheAddressIsLockedOutEvenWithTheRightKey() {
        for (int i = 1; i <= 5; i++) {
            assertThat(wrong(ATTACKER)).as("attempt %d", i).isEqualTo(new Verdict(Outcome.WRONG, 0));
        }

        assertThat(right(ATTACKER)).isEqualTo(new Verdict(Outcome.LOCKED_OUT, 60));
        assertThat(wrong(ATTACKER)).isEqualTo(new Verdict(Outcome.LOCKED_OUT, 60));
        assertThat(right("ip:198.51.100.1")).as("another address").isEqualTo(new Verdict(Outcome.ACCEPTED, 0));
    }

    @Test
    void aLockedOutAddressIsNotEvenAskedForItsKey() {
        for (int i = 1; i <= 5; i++) {
            wrong(ATTACKER);
        }

        Verdict verdict = failures.present(ATTACKER, () -> {
            throw new AssertionError("the key was compared");
        });

        assertThat(verdict.outcome()).isEqualTo(Outcome.LOCKED_OUT);
    }

    @Test
    void theLockoutEndsWithTheWindowOfTheFirstFailure() {
        for (int i = 1; i <= 5; i++) {
            wrong(ATTACKER);
            clock.advance(Duration.ofSeconds(10));
        }
        // wrong keys at 0, 10, ..., 40 s: locked out until 60 s after the first one
        clock.advance(Duration.ofMillis(9_001));
        assertThat(right(ATTACKER)).isEqualTo(new Verdict(Outcome.LOCKED_OUT, 1));

        clock.advance(Duration.ofMillis(999));

        assertThat(right(ATTACKER)).isEqualTo(new Verdict(Outcome.ACCEPTED, 0));
    }

    @Test
    void afterTheWindowFiveMoreWrongKeysAreAllowed() {
        for (int i = 1; i <= 5; i++) {
            wrong(ATTACKER);
        }
        clock.advance(Duration.ofSeconds(60));

        for (int i = 1; i <= 5; i++) {
            assertThat(wrong(ATTACKER).outcome()).as("attempt %d", i).isEqualTo(Outcome.WRONG);
        }
        assertThat(wrong(ATTACKER).outcome()).isEqualTo(Outcome.LOCKED_OUT);
    }

    @Test
    void theRightKeyForgivesEarlierMistakes() {
        for (int i = 1; i <= 4; i++) {
            wrong(ATTACKER);
        }
        assertThat(right(ATTACKER).outcome()).isEqualTo(Outcome.ACCEPTED);

        for (int i = 1; i <= 5; i++) {
            assertThat(wrong(ATTACKER).outcome()).as("attempt %d", i).isEqualTo(Outcome.WRONG);
        }
        assertThat(right(ATTACKER).outcome()).isEqualTo(Outcome.LOCKED_OUT);
    }

    @Test
    void aFloodOfAddressesCannotGrowItPastItsBoundTheOldestIsForgotten() {
        for (int i = 1; i <= 5; i++) {
            wrong(ATTACKER);
        }

        for (int i = 0; i < KeyFailures.MAX_ADDRESSES; i++) {
            wrong("ip:flood-" + i);
        }

        assertThat(right(ATTACKER).outcome()).isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void anAddressThatKeepsGuessingStaysRemembered() {
        for (int i = 1; i <= 5; i++) {
            wrong(ATTACKER);
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < KeyFailures.MAX_ADDRESSES - 1; i++) {
                wrong("ip:flood-" + round + "-" + i);
            }
            // each attempt makes the guesser the most recently seen again
            assertThat(wrong(ATTACKER).outcome()).as("round %d", round).isEqualTo(Outcome.LOCKED_OUT);
        }
    }
}
