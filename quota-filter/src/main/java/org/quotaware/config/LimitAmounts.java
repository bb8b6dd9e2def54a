package org.quotaware.config;

import java.math.BigInteger;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quotaware.Counted;
import org.quotaware.WindowedLimit;

/**
 * The amounts and windows of {@link LimitSyntax}, text to units and back: a count, a size ({@code 500MB}, counted in
 * KiB rounded up), a CPU time ({@code 20s}, counted in ms), a window ({@code 1m}, 1 s to 31 days). Parsing answers -1
 * for text that is not such a value or is out of its range, so the caller writes one message naming the entry.
 */
final class LimitAmounts {

    /** The shortest window one writes; shorter ones (to 100 ms) are only derived from a burst. */
    static final long MIN_WRITTEN_WINDOW = 1000;
    static final String WINDOW_FORM = "a window from 1s to 31d";

    private static final Pattern COUNT = Pattern.compile("\\d{1,19}");
    private static final Pattern SIZE = Pattern.compile("(\\d{1,19})\\s*(?:([KMGT])(?:I?B)|(B))?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TIME = Pattern.compile("(\\d{1,19})\\s*(ms|s|m|h)", Pattern.CASE_INSENSITIVE);
    private static final Pattern WINDOW = Pattern.compile("(\\d{0,19})\\s*([smhdw])", Pattern.CASE_INSENSITIVE);
    private static final String[] SIZES = {"KB", "MB", "GB", "TB"};
    private static final String[] TIMES = {"h", "m", "s", "ms"};
    private static final long[] TIME_MILLIS = {3_600_000, 60_000, 1000, 1};
    private static final String[] WINDOWS = {"d", "h", "m", "s"};
    private static final long[] WINDOW_MILLIS = {86_400_000, 3_600_000, 60_000, 1000};

    private LimitAmounts() {
    }

    /** The units of {@code text} in what {@code counted} counts, or -1 if it is not one or not in 1 .. MAX. */
    static long amount(Counted counted, String text) {
        String t = text.trim();
        try {
            long units = switch (counted) {
                case REQUESTS, FILES, COST -> COUNT.matcher(t).matches() ? Long.parseLong(t) : -1;
                case BYTES, ALLOCATED -> kibibytes(SIZE.matcher(t));
                case CPU -> millis(TIME.matcher(t));
            };
            return units >= 1 && units <= WindowedLimit.MAX ? units : -1;
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }

    private static long kibibytes(Matcher m) {
        if (!m.matches()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1));
        if (m.group(2) == null) {
            return n == 0 ? 0 : (n - 1) / 1024 + 1; // bytes, rounded up to whole KiB as they are counted
        }
        int shift = 10 * "KMGT".indexOf(m.group(2).toUpperCase(Locale.ROOT));
        return n > (WindowedLimit.MAX >> shift) ? -1 : n << shift;
    }

    private static long millis(Matcher m) {
        if (!m.matches()) {
            return -1;
        }
        String unit = m.group(2).toLowerCase(Locale.ROOT);
        for (int i = 0; i < TIMES.length; i++) {
            if (TIMES[i].equals(unit)) {
                return Math.multiplyExact(Long.parseLong(m.group(1)), TIME_MILLIS[i]);
            }
        }
        return -1;
    }

    /** What an amount of {@code counted} may be, for messages. */
    static String amountForm(Counted counted) {
        return switch (counted) {
            case REQUESTS, FILES, COST -> "a whole number from 1 to " + WindowedLimit.MAX;
            case BYTES, ALLOCATED -> "a size in bytes, or with B, KB, MB, GB or TB (1024-based; KiB, MiB, GiB, TiB "
                    + "too), from 1B to " + amountText(counted, WindowedLimit.MAX);
            case CPU -> "a CPU time with ms, s, m or h, from 1ms to " + amountText(counted, WindowedLimit.MAX);
        };
    }

    /** {@code units} as written: a count, the largest exact size ({@code 500MB}) or time ({@code 20s}). */
    static String amountText(Counted counted, long units) {
        return switch (counted) {
            case REQUESTS, FILES, COST -> Long.toString(units);
            case BYTES, ALLOCATED -> {
                int i = 0;
                while (i < SIZES.length - 1 && units % 1024 == 0) {
                    units /= 1024;
                    i++;
                }
                yield units + SIZES[i];
            }
            case CPU -> largest(units, TIMES, TIME_MILLIS);
        };
    }

    /** The milliseconds of a written window, or -1 if it is not one or not within 1 s .. 31 days. */
    static long windowMillis(String text) {
        Matcher m = WINDOW.matcher(text.trim());
        if (!m.matches()) {
            return -1;
        }
        try {
            long n = m.group(1).isEmpty() ? 1 : Long.parseLong(m.group(1));
            long ms = Math.multiplyExact(n, switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "s" -> 1000L;
                case "m" -> 60_000L;
                case "h" -> 3_600_000L;
                case "d" -> 86_400_000L;
                default -> 7 * 86_400_000L;
            });
            return ms >= MIN_WRITTEN_WINDOW && ms <= WindowedLimit.MAX_WINDOW_MILLIS ? ms : -1;
        } catch (NumberFormatException | ArithmeticException e) {
            return -1;
        }
    }

    /** A window in the largest exact unit of days, hours, minutes and seconds, else in ms (a burst's). */
    static String windowText(long millis) {
        return millis % 1000 == 0 ? largest(millis, WINDOWS, WINDOW_MILLIS) : millis + "ms";
    }

    private static String largest(long value, String[] units, long[] sizes) {
        int i = 0;
        while (value % sizes[i] != 0) {
            i++;
        }
        return value / sizes[i] + units[i];
    }

    /** The window of a burst: {@code window × burst / amount}, rounded up to whole ms. */
    static long burstWindow(long windowMillis, long burst, long amount) {
        BigInteger[] qr = BigInteger.valueOf(windowMillis).multiply(BigInteger.valueOf(burst))
                .divideAndRemainder(BigInteger.valueOf(amount));
        return qr[0].longValueExact() + (qr[1].signum() == 0 ? 0 : 1);
    }

    /** The smallest burst whose window is at least {@link WindowedLimit#MIN_WINDOW_MILLIS}. */
    static long smallestBurst(long windowMillis, long amount) {
        BigInteger below = BigInteger.valueOf(WindowedLimit.MIN_WINDOW_MILLIS - 1).multiply(BigInteger.valueOf(amount));
        return below.divide(BigInteger.valueOf(windowMillis)).longValueExact() + 1;
    }
}
