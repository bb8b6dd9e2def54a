package org.quotaware;

import java.time.Duration;
import java.util.regex.Pattern;

import static org.quotaware.InvalidQuotaConfigException.requireRange;

/**
 * One row of a user's windowed limits: at most {@code max} units of what it {@linkplain Counted counts} in any
 * interval of {@code windowMillis}, for the requests of {@code rule} (null: every request). Today's keys are names
 * for such rows: {@code requests-per-minute} is {@code rpm}, requests per 60 s.
 *
 * @param name         how headers, problem bodies, metrics and the admin API show it, e.g. {@code uploads}
 * @param counted      what it counts
 * @param windowMillis its window, from 100 ms (a burst limit's) to 31 days
 * @param max          at most this many units in any window, in the unit of {@link Counted#unit()}
 * @param rule         the rule whose requests it counts, null for every request
 */
public record WindowedLimit(String name, Counted counted, long windowMillis, long max, String rule)
        implements java.io.Serializable {

    public static final long MIN_WINDOW_MILLIS = 100;
    public static final long MAX_WINDOW_MILLIS = Duration.ofDays(31).toMillis();
    /** The largest limit of any window: a count per bucket is 31 bits, and a window sums at most 25 of them. */
    public static final long MAX = 1L << 40;
    /**
     * The longest a unit is counted by any limit: the longest window and one of its buckets (see {@link #buckets}).
     * A store may forget a state nobody touched for this long.
     */
    public static final long LONGEST_COUNT_MILLIS = MAX_WINDOW_MILLIS + bucketMillis(MAX_WINDOW_MILLIS);
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,39}");

    public WindowedLimit {
        if (name == null || !NAME.matcher(name).matches()) {
            throw InvalidQuotaConfigException.invalid("limit name", name,
                    "1 to 40 of a-z, 0-9, '-', '_' and '.', starting with a letter or digit");
        }
        if (counted == null) {
            throw InvalidQuotaConfigException.invalid(name + ".counted", null, "one of " + java.util.List.of(
                    Counted.values()));
        }
        requireRange(name + ".window (ms)", windowMillis, MIN_WINDOW_MILLIS, MAX_WINDOW_MILLIS);
        requireRange(name + ".max", max, 1, MAX);
        if (rule != null && !NAME.matcher(rule).matches()) {
            throw InvalidQuotaConfigException.invalid("rule name", rule,
                    "1 to 40 of a-z, 0-9, '-', '_' and '.', starting with a letter or digit");
        }
    }

    /** The buckets a window is counted in: 12, and 24 for a window of a day or more. */
    public static int buckets(long windowMillis) {
        return windowMillis >= 86_400_000 ? 24 : 12;
    }

    /**
     * The length of a window's buckets, {@code ceil(window / buckets)}: a unit is counted for at least the window and
     * at most the window and one bucket.
     */
    public static long bucketMillis(long windowMillis) {
        int n = buckets(windowMillis);
        return (windowMillis + n - 1) / n;
    }

    /** A limit on every request. */
    public WindowedLimit(String name, Counted counted, Duration window, long max) {
        this(name, counted, window.toMillis(), max, null);
    }

    /** The same limit with another value. */
    public WindowedLimit withMax(long value) {
        return new WindowedLimit(name, counted, windowMillis, value, rule);
    }

    /** The window's length. */
    public Duration window() {
        return Duration.ofMillis(windowMillis);
    }

    /** The window in whole seconds, rounded up, as {@code RateLimit-Policy}'s {@code w} shows it. */
    public long windowSeconds() {
        return (windowMillis + 999) / 1000;
    }

    /** The name shown for it: {@code rule.name} for a rule's limit, {@code name} otherwise. */
    public String qualifiedName() {
        return rule == null ? name : rule + "." + name;
    }

    /** Whether this row counts in the same ring as {@code other}: same unit, same window, same rule. */
    public boolean sameWindow(WindowedLimit other) {
        return counted == other.counted && windowMillis == other.windowMillis
                && java.util.Objects.equals(rule, other.rule);
    }
}
