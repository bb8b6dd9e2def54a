package org.quotaware.cdi.admin;

import java.time.Duration;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Failed admin-key attempts, so the key cannot be guessed at network speed, without one wrong script locking the
 * operators out (behind a proxy, or on the sample, everyone shares an address):
 * <ul>
 * <li>Per client address and key beginning (its first {@value #PREFIX_CHARS} characters): after {@code maxFailures}
 * wrong keys beginning alike within {@code window} of the first, such keys from that address are refused until that
 * window ends, without being compared: the right key is not recognised among guesses that begin like it.</li>
 * <li>Per client address: after {@value #ADDRESS_FACTOR} times as many wrong keys of any beginnings, every key from
 * the address is refused the same way, except the right key from an address <em>known good</em>, one that presented
 * the right key within {@link #KNOWN_GOOD}. A guesser there still has no more than {@code maxFailures} guesses per
 * beginning and window.</li>
 * </ul>
 * The right key forgives the earlier mistakes of its beginning from its address. Memory is bounded: at most
 * {@value #MAX_ADDRESSES} entries in each count, the least recently seen forgotten first (an address that keeps
 * guessing stays recent, so a flood of other addresses must outnumber the bound between two of its attempts).
 */
final class KeyFailures {

    static final int MAX_ADDRESSES = 10_000;
    /** Characters of a presented key its failures are counted by (with its address). */
    static final int PREFIX_CHARS = 4;
    /** Wrong keys of any beginnings per address and window, as a multiple of {@code maxFailures}. */
    static final int ADDRESS_FACTOR = 10;
    /** How long an address that presented the right key is known good. */
    static final Duration KNOWN_GOOD = Duration.ofDays(1);

    /** What became of a presented key. */
    enum Outcome { ACCEPTED, WRONG, LOCKED_OUT }

    /**
     * @param retryAfterSeconds for {@link Outcome#LOCKED_OUT}: until the lockout ends, rounded up; else 0
     * @param wholeAddress      for {@link Outcome#LOCKED_OUT}: every key of the address is refused, not only keys
     *                          beginning like this one
     */
    record Verdict(Outcome outcome, long retryAfterSeconds, boolean wholeAddress) {
    }

    /** Failures counted from {@code since}. */
    private record Count(long since, int failures) {
    }

    private static final Verdict ACCEPTED = new Verdict(Outcome.ACCEPTED, 0, false);
    private static final Verdict WRONG = new Verdict(Outcome.WRONG, 0, false);

    private final int maxFailures;
    private final long windowMillis;
    private final InstantSource clock;
    private final Map<String, Count> byBeginning = bounded();
    private final Map<String, Count> byAddress = bounded();
    /** When each address last presented the right key. */
    private final Map<String, Long> knownGood = bounded();

    KeyFailures(int maxFailures, Duration window, InstantSource clock) {
        this.maxFailures = maxFailures;
        this.windowMillis = window.toMillis();
        this.clock = clock;
    }

    /** Judges {@code presentedKey} from {@code address}; {@code rightKey} compares it, when it is to be compared. */
    synchronized Verdict present(String address, String presentedKey, BooleanSupplier rightKey) {
        long now = clock.millis();
        // a hash of the beginning: the counts never hold characters of a key
        String beginning = address + '\n' + Integer.toHexString(presentedKey.substring(0,
                Math.min(PREFIX_CHARS, presentedKey.length())).hashCode());
        Count alike = current(byBeginning, beginning, now);
        if (alike != null && alike.failures() >= maxFailures) {
            return lockedOut(alike, now, false);
        }
        Count all = current(byAddress, address, now);
        boolean addressLocked = all != null && all.failures() >= maxFailures * ADDRESS_FACTOR;
        Long good = knownGood.get(address);
        if (addressLocked && (good == null || now - good >= KNOWN_GOOD.toMillis())) {
            return lockedOut(all, now, true);
        }
        if (rightKey.getAsBoolean()) {
            byBeginning.remove(beginning);
            knownGood.put(address, now);
            return ACCEPTED;
        }
        byBeginning.put(beginning, alike == null ? new Count(now, 1) : new Count(alike.since(), alike.failures() + 1));
        byAddress.put(address, all == null ? new Count(now, 1) : new Count(all.since(), all.failures() + 1));
        return addressLocked ? lockedOut(all, now, true) : WRONG;
    }

    private Verdict lockedOut(Count c, long now, boolean wholeAddress) {
        return new Verdict(Outcome.LOCKED_OUT, Math.max(1, (c.since() + windowMillis - now + 999) / 1000), wholeAddress);
    }

    /** The count under {@code key} while its window runs; an expired one is dropped. */
    private Count current(Map<String, Count> counts, String key, long now) {
        Count c = counts.get(key);
        if (c != null && now - c.since() >= windowMillis) {
            counts.remove(key);
            return null;
        }
        return c;
    }

    private static <V> Map<String, V> bounded() {
        return new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > MAX_ADDRESSES;
            }
        };
    }
}
