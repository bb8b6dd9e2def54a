package org.quotaware.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.quotaware.Counted;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.WindowedLimit;

/**
 * A tier's windowed limits written in one key, e.g. {@code rate=100/1s burst 20, uploads=30/1m, bytes=500MB/1d}:
 * comma-separated entries {@code name=<amount>[ <unit>]/<window>[ burst <n>]}. A burst adds a second row,
 * {@code <name>.burst}, of {@code n} units in {@code window × n / amount}: the sliding-window form of a token bucket of
 * that rate and depth. The grammar, the units and the messages are in {@code docs/limits.md}.
 *
 * <p>{@link #format} writes rows back so that {@code parse(key, format(rows), rule)} equals {@code rows}; it refuses
 * rows the syntax cannot hold (a window under 1 s that is not its predecessor's burst, names used twice, rows of
 * different rules).
 */
public final class LimitSyntax {

    /** The form of one entry, as every message shows it. */
    public static final String FORM = "name=<amount>[ <unit>]/<window>[ burst <n>]";

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,39}");
    private static final String NAME_FORM = "a name of 1 to 40 of a-z, 0-9, '-', '_' and '.', starting with a "
            + "letter or digit";
    private static final Pattern UNIT = Pattern.compile("(.*?)\\s*(requests|files|bytes|cost|cpu|allocated)",
            Pattern.CASE_INSENSITIVE);
    private static final String UNITS = "requests, files, bytes, cost, cpu or allocated";
    private static final Pattern BURST = Pattern.compile("\\bburst\\b", Pattern.CASE_INSENSITIVE);
    private static final String BURST_NAME = ".burst";
    /** The names whose unit may be left out. */
    private static final Map<String, Counted> INFERRED = Map.ofEntries(Map.entry("rate", Counted.REQUESTS),
            Map.entry("requests", Counted.REQUESTS), Map.entry("rpm", Counted.REQUESTS),
            Map.entry("uploads", Counted.FILES), Map.entry("files", Counted.FILES),
            Map.entry("bytes", Counted.BYTES), Map.entry("upload-bytes", Counted.BYTES),
            Map.entry("cost", Counted.COST), Map.entry("cpu", Counted.CPU),
            Map.entry("allocated", Counted.ALLOCATED), Map.entry("memory", Counted.ALLOCATED));

    private LimitSyntax() {
    }

    /**
     * The rows {@code value} declares, in the order written (a burst row right after its entry's).
     *
     * @param key   the key the value was read from, e.g. {@code premium.limits}, for messages
     * @param value the entries; {@code off}, blank or null declare none
     * @param rule  the rule of every row, null for every request
     * @throws InvalidQuotaConfigException naming the key, the entry, the allowed form and the offending part
     */
    public static List<WindowedLimit> parse(String key, String value, String rule) {
        if (value == null || ConfigValues.isOff(value)) {
            return List.of();
        }
        List<WindowedLimit> rows = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String entry : ConfigValues.list(value)) {
            for (WindowedLimit row : entry(key, entry, rule)) {
                if (!names.add(row.name())) {
                    throw fail(key, entry, "a name used once in the value", row.name());
                }
                rows.add(row);
            }
        }
        return List.copyOf(rows);
    }

    private static List<WindowedLimit> entry(String key, String entry, String rule) {
        int eq = entry.indexOf('=');
        int slash = entry.indexOf('/');
        if (eq < 0 || slash < eq || entry.indexOf('/', slash + 1) >= 0) {
            throw fail(key, entry, "", entry);
        }
        String name = entry.substring(0, eq).trim();
        if (!NAME.matcher(name).matches()) {
            throw fail(key, entry, NAME_FORM, name);
        }
        String amountText = entry.substring(eq + 1, slash).trim();
        String right = entry.substring(slash + 1).trim();
        Matcher burstWord = BURST.matcher(right);
        String burstText = burstWord.find() ? right.substring(burstWord.end()).trim() : null;
        String windowText = burstText == null ? right : right.substring(0, burstWord.start()).trim();

        Matcher unit = UNIT.matcher(amountText);
        Counted counted = unit.matches() ? Counted.valueOf(unit.group(2).toUpperCase(Locale.ROOT))
                : INFERRED.get(name);
        if (counted == null) {
            throw fail(key, entry, "a unit after the amount, one of " + UNITS + " ('" + name + "' implies none)",
                    amountText);
        }
        String number = unit.matches() ? unit.group(1) : amountText;
        long amount = LimitAmounts.amount(counted, number);
        if (amount < 0) {
            throw fail(key, entry, "an amount of " + LimitAmounts.amountForm(counted), number.trim());
        }
        long window = LimitAmounts.windowMillis(windowText);
        if (window < 0) {
            throw fail(key, entry, LimitAmounts.WINDOW_FORM, windowText);
        }
        if (rule != null && counted.chargedAtEnd()) {
            // what a request costs is charged to its user's windows at release, not to the rules it matched
            throw fail(key, entry, "a unit counted at admission (requests, files, bytes or cost): CPU and allocation "
                    + "budgets are a tier's limits, not a rule's", counted.name().toLowerCase(java.util.Locale.ROOT));
        }
        WindowedLimit row = new WindowedLimit(name, counted, window, amount, rule);
        if (burstText == null) {
            return List.of(row);
        }
        if (name.length() + BURST_NAME.length() > 40) {
            throw fail(key, entry, "a name of at most " + (40 - BURST_NAME.length()) + " characters with a burst",
                    name);
        }
        long burst = LimitAmounts.amount(counted, burstText);
        long smallest = LimitAmounts.smallestBurst(window, amount);
        if (burst < smallest || burst > amount) {
            throw fail(key, entry, "a burst from " + LimitAmounts.amountText(counted, smallest) + " to "
                    + LimitAmounts.amountText(counted, amount) + (smallest == 1 ? "" : " (a smaller one makes a "
                    + "window under " + WindowedLimit.MIN_WINDOW_MILLIS + "ms)"), burstText);
        }
        return List.of(row, new WindowedLimit(name + BURST_NAME, counted,
                LimitAmounts.burstWindow(window, burst, amount), burst, rule));
    }

    /**
     * The canonical text of {@code rows}: entries joined by {@code ", "}, a unit only where the name does not imply
     * it, amounts and windows in their largest exact unit, a row {@code <name>.burst} right after {@code <name>} folded
     * into {@code burst <n>} when its window is the derived one; {@code off} for no rows.
     *
     * @throws InvalidQuotaConfigException for rows the syntax cannot hold (see the class comment)
     */
    public static String format(List<WindowedLimit> rows) {
        if (rows.isEmpty()) {
            return ConfigValues.OFF;
        }
        StringJoiner text = new StringJoiner(", ");
        Set<String> names = new HashSet<>();
        String rule = rows.get(0).rule();
        for (int i = 0; i < rows.size(); i++) {
            WindowedLimit row = rows.get(i);
            if (!names.add(row.name()) || !Objects.equals(rule, row.rule())) {
                throw InvalidQuotaConfigException.invalid("limits", rows, "rows of distinct names and one rule");
            }
            if (row.windowMillis() % 1000 != 0) {
                throw InvalidQuotaConfigException.invalid(row.name() + ".window (ms)", row.windowMillis(),
                        "whole seconds, or the derived window of the burst of the row before it");
            }
            String entry = describe(row);
            WindowedLimit next = i + 1 < rows.size() ? rows.get(i + 1) : null;
            if (next != null && isBurstOf(next, row) && names.add(next.name())) {
                entry += " burst " + LimitAmounts.amountText(row.counted(), next.max());
                i++;
            }
            text.add(entry);
        }
        return text.toString();
    }

    private static boolean isBurstOf(WindowedLimit burst, WindowedLimit row) {
        return burst.name().equals(row.name() + BURST_NAME) && burst.counted() == row.counted()
                && Objects.equals(burst.rule(), row.rule()) && burst.max() <= row.max()
                && burst.windowMillis() == LimitAmounts.burstWindow(row.windowMillis(), burst.max(), row.max());
    }

    /**
     * One row as people read it, without its rule: {@code uploads=30/1m}, {@code bytes=500MB/1d}, {@code cpu=20s/1m},
     * {@code rate.burst=20 requests/200ms} (a unit where the name does not imply it; a window under 1 s in ms).
     */
    public static String describe(WindowedLimit row) {
        String unit = INFERRED.get(row.name()) == row.counted() ? ""
                : " " + row.counted().name().toLowerCase(Locale.ROOT);
        return row.name() + "=" + LimitAmounts.amountText(row.counted(), row.max()) + unit + "/"
                + LimitAmounts.windowText(row.windowMillis());
    }

    private static InvalidQuotaConfigException fail(String key, String entry, String detail, String part) {
        return ConfigValues.fail(key, "entry '" + entry + "'", "'" + part + "'",
                FORM + (detail.isEmpty() ? "" : " with " + detail));
    }
}
