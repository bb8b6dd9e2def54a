package org.quotaware.cdi.admin;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.quotaware.cdi.admin.KeyFailures.Outcome;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin-key lockout with its defaults: 5 wrong keys per address and key prefix per 60 s, 50 per address. A script
 * repeating a wrong key locks out itself, not the operators at the same address with the right key.
 */
class KeyFailuresTest {

    private static final String RIGHT = "quotaware-admin-2026-7f3a9c2e";
    private static final String OLD = "old-admin-key-2025-0b1c";
    private static final String OFFICE = "ip:203.0.113.7";

    private final MutableClock clock = new MutableClock();
    private final KeyFailures failures = new KeyFailures(5, Duration.ofSeconds(60), clock);

    private Outcome present(String address, String key) {
        return failures.present(address, key, () -> key.equals(RIGHT)).outcome();
    }

    @Test
    void aScriptRepeatingAWrongKeyLocksItselfOutNotTheRightKeyFromTheSameAddress() {
        for (int i = 1; i <= 5; i++) {
            assertThat(present(OFFICE, OLD)).as("attempt %d", i).isEqualTo(Outcome.WRONG);
        }

        assertThat(present(OFFICE, OLD)).isEqualTo(Outcome.LOCKED_OUT);
        assertThat(present(OFFICE, RIGHT)).as("the operator, same address, another key").isEqualTo(Outcome.ACCEPTED);
        assertThat(present(OFFICE, OLD)).as("the script stays locked out").isEqualTo(Outcome.LOCKED_OUT);
    }

    @Test
    void guessingTheRestOfTheRightKeysBeginningIsLockedOutAndTheRightGuessNotRecognised() {
        for (int i = 1; i <= 5; i++) {
            assertThat(present(OFFICE, RIGHT + "?" + i)).isEqualTo(Outcome.WRONG);
        }

        KeyFailures.Verdict verdict = failures.present(OFFICE, RIGHT, () -> {
            throw new AssertionError("the key was compared");
        });

        assertThat(verdict.outcome()).isEqualTo(Outcome.LOCKED_OUT);
        assertThat(verdict.retryAfterSeconds()).isEqualTo(60);
        assertThat(verdict.wholeAddress()).isFalse();
    }

    @Test
    void fiftyWrongKeysOfAnyBeginningsLockTheAddressOutButForTheRightKeyOfAnAddressKnownGood() {
        String known = "ip:198.51.100.1";
        assertThat(present(known, RIGHT)).isEqualTo(Outcome.ACCEPTED);
        for (int i = 0; i < 50; i++) {
            assertThat(present(OFFICE, i + "-guess")).isEqualTo(Outcome.WRONG);
            assertThat(present(known, i + "-guess")).isEqualTo(Outcome.WRONG);
        }

        KeyFailures.Verdict locked = failures.present(OFFICE, RIGHT, () -> {
            throw new AssertionError("the key was compared");
        });
        assertThat(locked.outcome()).isEqualTo(Outcome.LOCKED_OUT);
        assertThat(locked.wholeAddress()).isTrue();
        assertThat(present(known, "another guess")).isEqualTo(Outcome.LOCKED_OUT);
        assertThat(present(known, RIGHT)).as("the right key, from an address that used it").isEqualTo(Outcome.ACCEPTED);
    }

    @Test
    void theLockoutEndsWithTheWindowOfTheFirstFailure() {
        for (int i = 1; i <= 5; i++) {
            present(OFFICE, OLD);
            clock.advance(Duration.ofSeconds(10));
        }
        // wrong keys at 0, 10, ..., 40 s: locked out until 60 s after the first one
        clock.advance(Duration.ofMillis(9_001));
        assertThat(failures.present(OFFICE, OLD, () -> false).retryAfterSeconds()).isEqualTo(1);

        clock.advance(Duration.ofMillis(999));

        assertThat(present(OFFICE, OLD)).isEqualTo(Outcome.WRONG);
    }

    @Test
    void theRightKeyForgivesTheMistakesOfItsBeginningOnly() {
        for (int i = 1; i <= 4; i++) {
            present(OFFICE, RIGHT + i);
            present(OFFICE, OLD);
        }
        assertThat(present(OFFICE, RIGHT)).isEqualTo(Outcome.ACCEPTED);

        for (int i = 1; i <= 5; i++) {
            assertThat(present(OFFICE, RIGHT + i)).as("attempt %d", i).isEqualTo(Outcome.WRONG);
        }
        assertThat(present(OFFICE, OLD)).as("its fifth").isEqualTo(Outcome.WRONG);
        assertThat(present(OFFICE, OLD)).isEqualTo(Outcome.LOCKED_OUT);
    }

    @Test
    void aFloodOfAddressesCannotGrowItPastItsBoundTheOldestIsForgotten() {
        for (int i = 1; i <= 5; i++) {
            present(OFFICE, OLD);
        }

        for (int i = 0; i < KeyFailures.MAX_ADDRESSES; i++) {
            present("ip:flood-" + i, OLD);
        }

        assertThat(present(OFFICE, OLD)).isEqualTo(Outcome.WRONG);
    }

    @Test
    void anAddressThatKeepsGuessingStaysRemembered() {
        for (int i = 1; i <= 5; i++) {
            present(OFFICE, OLD);
        }
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < KeyFailures.MAX_ADDRESSES - 1; i++) {
                present("ip:flood-" + round + "-" + i, OLD);
            }
            // each attempt makes the guesser the most recently seen again
            assertThat(present(OFFICE, OLD)).as("round %d", round).isEqualTo(Outcome.LOCKED_OUT);
        }
    }
}
