package org.quotaware.cdi.admin;

import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Failed admin-key attempts per client address, so the key cannot be guessed at network speed: after
 * {@code maxFailures} failures within {@code window} of an address's first one, the address is locked out until that
 * window ends, whatever key it presents. Memory is bounded: at most {@value #MAX_ADDRESSES} addresses are remembered,
 * the least recently seen forgotten first (an address that keeps guessing stays recent, so a flood of other addresses
 * must outnumber the bound between two of its attempts to make it forgotten).
 */
final class KeyFailures {

    static final int MAX_ADDRESSES = 10_000;

    /** What became of a presented key. */
    enum Outcome { ACCEPTED, WRONG, LOCKED_OUT }

    /** @param retryAfterSeconds for {@link Outcome#LOCKED_OUT}: until the lockout ends, rounded up; else 0 */
    record Verdict(Outcome outcome, long retryAfterSeconds) {
    }

    /** Failures of one address counted from {@code since}. */
    private record Count(long since, int failures) {
    }

    private final int maxFailures;
    private final long windowMillis;
    private final InstantSource clock;
    private final Map<String, Count> counts = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Count> eldest) {
            return size() > MAX_ADDRESSES;
        }
    };

    KeyFailures(int maxFailures, Duration window, InstantSource clock) {
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /**
     * Judges a key presented from {@code address}. While the address is locked out the key is not even looked at:
     * otherwise guessing would go on, and the right guess be recognised by its different answer. The right key
     * forgives the address's earlier mistakes; a wrong one is counted.
     */
    synchronized Verdict present(String address, BooleanSupplier rightKey) {
        Count c = current(address);
        long now = clock.millis();
        if (c != null && c.failures() >= maxFailures) {
            return new Verdict(Outcome.LOCKED_OUT, Math.max(1, (c.since() + windowMillis - now + 999) / 1000));
        }
        if (rightKey.getAsBoolean()) {
            counts.remove(address);
            return new Verdict(Outcome.ACCEPTED, 0);
        }
        counts.put(address, c == null ? new Count(now, 1) : new Count(c.since(), c.failures() + 1));
        return new Verdict(Outcome.WRONG, 0);
    }

    /** This address's count while its window runs; an expired one is dropped. */
    private Count current(String address) {
        Count c = counts.get(address);
        if (c != null && clock.millis() - c.since() >= windowMillis) {
            counts.remove(address);
            return null;
        }
        return c;
    }
}
