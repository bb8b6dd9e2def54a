package org.quotaware.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.quotaware.Counted;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.WindowedLimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quotaware.Counted.ALLOCATED;
import static org.quotaware.Counted.BYTES;
import static org.quotaware.Counted.COST;
import static org.quotaware.Counted.CPU;
import static org.quotaware.Counted.FILES;
import static org.quotaware.Counted.REQUESTS;

/** A tier's limits in one key: every unit, size, time and window, the burst rows, the messages, the round trip. */
class LimitSyntaxTest {

    private static final String KEY = "premium.limits";
    private static final String FORM = "must be name=<amount>[ <unit>]/<window>[ burst <n>]";
    private static final long DAY = 86_400_000;

    private static List<WindowedLimit> parse(String value) {
        return LimitSyntax.parse(KEY, value, null);
    }

    private static WindowedLimit row(String name, Counted counted, long windowMillis, long max) {
        return new WindowedLimit(name, counted, windowMillis, max, null);
    }

    /** The one row {@code value} declares. */
    private static WindowedLimit one(String value) {
        List<WindowedLimit> rows = parse(value);
        assertThat(rows).as(value).hasSize(1);
        return rows.get(0);
    }

    private static void refused(String value, String entry, String allowed, String was) {
        assertThatThrownBy(() -> parse(value)).as(value)
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage(KEY + ": entry '" + entry + "' " + FORM + allowed + ", was '" + was + "'")
                .satisfies(e -> assertThat(((InvalidQuotaConfigException) e).field()).isEqualTo(KEY));
    }

    @Test
    void theIssuesExamplesReadAsRows() {
        assertThat(parse("rate=100/1s burst 20, uploads=30/1m, bytes=500MB/1d")).containsExactly(
                row("rate", REQUESTS, 1000, 100), row("rate.burst", REQUESTS, 200, 20),
                row("uploads", FILES, 60_000, 30), row("bytes", BYTES, DAY, 500 * 1024));
    }

    @Test
    void offBlankAndNullDeclareNothing() {
        for (String none : new String[] {"off", " OFF ", "", "   ", null}) {
            assertThat(parse(none)).as("'%s'", none).isEmpty();
        }
    }

    @Test
    void everyRowCarriesTheRuleGiven() {
        assertThat(LimitSyntax.parse("quotaware.tier.premium.limits", "uploads=3/1m burst 1", "upload"))
                .extracting(WindowedLimit::rule).containsExactly("upload", "upload");
    }

    @Test
    void theUnitIsInferredFromTheseNamesOnly() {
        String[][] inferred = {{"rate", "REQUESTS"}, {"requests", "REQUESTS"}, {"rpm", "REQUESTS"},
            {"uploads", "FILES"}, {"files", "FILES"}, {"bytes", "BYTES"}, {"upload-bytes", "BYTES"},
            {"cost", "COST"}, {"cpu", "CPU"}, {"allocated", "ALLOCATED"}, {"memory", "ALLOCATED"}};
        for (String[] pair : inferred) {
            String amount = pair[0].equals("cpu") ? "5s" : "5";
            assertThat(one(pair[0] + "=" + amount + "/1m").counted()).as(pair[0]).isEqualTo(Counted.valueOf(pair[1]));
        }
        refused("reads=120/1m", "reads=120/1m", " with a unit after the amount, one of requests, files, bytes, "
                + "cost, cpu or allocated ('reads' implies none)", "120");
    }

    @Test
    void anExplicitUnitGoesAfterTheAmountAndWinsOverTheName() {
        assertThat(one("reads=120 requests/1m")).isEqualTo(row("reads", REQUESTS, 60_000, 120));
        assertThat(one("rate=10 files/1h")).isEqualTo(row("rate", FILES, 3_600_000, 10));
        assertThat(one("heavy=5cost/1m")).isEqualTo(row("heavy", COST, 60_000, 5));
        assertThat(one("body=2MB bytes/1h")).isEqualTo(row("body", BYTES, 3_600_000, 2048));
        assertThat(one("work=500ms CPU/1s")).isEqualTo(row("work", CPU, 1000, 500));
        assertThat(one("heap=1 GiB Allocated/1m")).isEqualTo(row("heap", ALLOCATED, 60_000, 1 << 20));
        refused("reads=120 widgets/1m", "reads=120 widgets/1m", " with a unit after the amount, one of requests, "
                + "files, bytes, cost, cpu or allocated ('reads' implies none)", "120 widgets");
    }

    @Test
    void sizesAreCountedInKibRoundedUp() {
        String[][] sizes = {{"1", "1"}, {"1B", "1"}, {"1024b", "1"}, {"1025B", "2"}, {"1KB", "1"}, {"1kib", "1"},
            {"3 KB", "3"}, {"2MB", "2048"}, {"2MiB", "2048"}, {"1GB", "1048576"}, {"1GiB", "1048576"},
            {"1TB", "1073741824"}, {"1tib", "1073741824"}, {"1024TB", Long.toString(WindowedLimit.MAX)}};
        for (String[] s : sizes) {
            assertThat(one("bytes=" + s[0] + "/1d").max()).as(s[0]).isEqualTo(Long.parseLong(s[1]));
            assertThat(one("memory=" + s[0] + "/1d").max()).as(s[0]).isEqualTo(Long.parseLong(s[1]));
        }
        String allowed = " with an amount of a size in bytes, or with B, KB, MB, GB or TB (1024-based; KiB, MiB, "
                + "GiB, TiB too), from 1B to 1024TB";
        for (String bad : new String[] {"0", "0B", "0KB", "1025TB", "1.5MB", "10 K", "1PB", "-1", "MB"}) {
            refused("bytes=" + bad + "/1d", "bytes=" + bad + "/1d", allowed, bad);
        }
    }

    @Test
    void cpuTimeIsADurationCountedInMilliseconds() {
        String[][] times = {{"1ms", "1"}, {"500ms", "500"}, {"20s", "20000"}, {"20 S", "20000"}, {"2m", "120000"},
            {"1h", "3600000"}, {WindowedLimit.MAX + "ms", Long.toString(WindowedLimit.MAX)}};
        for (String[] t : times) {
            assertThat(one("cpu=" + t[0] + "/1d").max()).as(t[0]).isEqualTo(Long.parseLong(t[1]));
        }
        String allowed = " with an amount of a CPU time with ms, s, m or h, from 1ms to 1099511627776ms";
        for (String bad : new String[] {"20", "0s", "1d", "1.5s", (WindowedLimit.MAX + 1) + "ms", "9999999999h"}) {
            refused("cpu=" + bad + "/1d", "cpu=" + bad + "/1d", allowed, bad);
        }
    }

    @Test
    void countsAreWholeNumbersFromOneToMax() {
        assertThat(one("cost=1/1m").max()).isEqualTo(1);
        assertThat(one("rate=" + WindowedLimit.MAX + "/31d").max()).isEqualTo(WindowedLimit.MAX);
        String allowed = " with an amount of a whole number from 1 to 1099511627776";
        for (String bad : new String[] {"0", "-1", "1.5", "1k", "", (WindowedLimit.MAX + 1) + "",
            "99999999999999999999"}) {
            refused("uploads=" + bad + "/1m", "uploads=" + bad + "/1m", allowed, bad);
        }
    }

    @Test
    void windowsRunFromOneSecondToThirtyOneDays() {
        String[][] windows = {{"1s", "1000"}, {"s", "1000"}, {"10s", "10000"}, {"90s", "90000"}, {"m", "60000"},
            {"1m", "60000"}, {"1 M", "60000"}, {"1h", "3600000"}, {"H", "3600000"}, {"1d", "86400000"},
            {"7d", "604800000"}, {"1w", "604800000"}, {"4w", "2419200000"}, {"31d", "2678400000"},
            {"744h", "2678400000"}};
        for (String[] w : windows) {
            assertThat(one("rate=5/" + w[0]).windowMillis()).as(w[0]).isEqualTo(Long.parseLong(w[1]));
        }
        for (String bad : new String[] {"999ms", "1000ms", "0s", "32d", "5w", "745h", "1y", "1", "", "1.5m",
            "99999999999999999999d"}) {
            refused("uploads=30/" + bad, "uploads=30/" + bad, " with a window from 1s to 31d", bad);
        }
    }

    @Test
    void aBurstAddsARowOfItsDepthOverTheWindowItsRateTakesToFillIt() {
        assertThat(parse("rate=100/1s burst 20")).containsExactly(row("rate", REQUESTS, 1000, 100),
                row("rate.burst", REQUESTS, 200, 20));
        assertThat(parse("uploads=30/1m burst 5").get(1)).isEqualTo(row("uploads.burst", FILES, 10_000, 5));
        // 10 s × 3 / 7 = 4285.7 ms, rounded up
        assertThat(parse("rate=7/10s burst 3").get(1)).isEqualTo(row("rate.burst", REQUESTS, 4286, 3));
        assertThat(parse("rate=3/1s burst 1").get(1)).isEqualTo(row("rate.burst", REQUESTS, 334, 1));
        // the smallest burst of 100/1s makes exactly the shortest window; the whole amount, the window itself
        assertThat(parse("rate=100/1s burst 10").get(1).windowMillis()).isEqualTo(WindowedLimit.MIN_WINDOW_MILLIS);
        assertThat(parse("rate=100/1s BURST 100").get(1)).isEqualTo(row("rate.burst", REQUESTS, 1000, 100));
        // a size or a time burst is written as its amount is, and counted in the same unit
        assertThat(parse("bytes=500MB/1d burst 10MB").get(1)).isEqualTo(row("bytes.burst", BYTES, 1_728_000, 10_240));
        assertThat(parse("cpu=20s/1m burst 5s").get(1)).isEqualTo(row("cpu.burst", CPU, 15_000, 5000));
        assertThat(parse("rate=" + WindowedLimit.MAX + "/31d burst " + WindowedLimit.MAX).get(1).windowMillis())
                .isEqualTo(31 * DAY);
    }

    @Test
    void aBurstIsRefusedOutsideOneWindowOfAtLeastAHundredMillisAndTheAmount() {
        String tooSmall = " with a burst from 10 to 100 (a smaller one makes a window under 100ms)";
        refused("rate=100/1s burst 9", "rate=100/1s burst 9", tooSmall, "9");
        refused("rate=100/1s burst 101", "rate=100/1s burst 101", tooSmall, "101");
        refused("rate=100/1s burst 0", "rate=100/1s burst 0", tooSmall, "0");
        refused("rate=100/1s burst", "rate=100/1s burst", tooSmall, "");
        refused("rate=100/1s burst 2 0", "rate=100/1s burst 2 0", tooSmall, "2 0");
        refused("uploads=30/1m burst 31", "uploads=30/1m burst 31", " with a burst from 1 to 30", "31");
        refused("bytes=500MB/1d burst 501MB", "bytes=500MB/1d burst 501MB", " with a burst from 1KB to 500MB",
                "501MB");
        // 20 s of CPU a minute: a burst under 34 ms would make a window under 100 ms; a bare number is no time
        refused("cpu=20s/1m burst 5", "cpu=20s/1m burst 5",
                " with a burst from 34ms to 20s (a smaller one makes a window under 100ms)", "5");
        String name34 = "a".repeat(34);
        assertThat(parse(name34 + "=5 cost/1m burst 1")).extracting(WindowedLimit::name)
                .containsExactly(name34, name34 + ".burst");
        String name35 = "a".repeat(35);
        refused(name35 + "=5 cost/1m burst 1", name35 + "=5 cost/1m burst 1",
                " with a name of at most 34 characters with a burst", name35);
    }

    @Test
    void namesAreLowerCaseWordsUsedOnce() {
        String allowed = " with a name of 1 to 40 of a-z, 0-9, '-', '_' and '.', starting with a letter or digit";
        for (String bad : new String[] {"Uploads", "", "-x", ".x", "a b", "a".repeat(41), "up*"}) {
            refused(bad + "=1 files/1m", bad + "=1 files/1m", allowed, bad);
        }
        assertThat(one("9_a.b-c=1 cost/1m").name()).isEqualTo("9_a.b-c");
        refused("uploads=30/1m, uploads=5/1h", "uploads=5/1h", " with a name used once in the value", "uploads");
        refused("rate.burst=5 requests/1s, rate=100/1s burst 20", "rate=100/1s burst 20",
                " with a name used once in the value", "rate.burst");
    }

    @Test
    void anEntryWithoutItsPartsNamesTheWholeForm() {
        for (String bad : new String[] {"uploads 30/1m", "uploads=30", "uploads=30/1m/1h", "uploads/1m=30"}) {
            refused(bad, bad, "", bad);
        }
    }

    @Test
    void theIssuesMessageReadsAsWritten() {
        assertThatThrownBy(() -> parse("rate=100/1s burst 20, uploads=30/1y"))
                .hasMessage("premium.limits: entry 'uploads=30/1y' must be name=<amount>[ <unit>]/<window>[ burst <n>]"
                        + " with a window from 1s to 31d, was '1y'");
    }

    @Test
    void whitespaceAroundTokensAndTheCaseOfUnitsAreFree() {
        assertThat(parse("  rate = 100 / 1S   Burst  20 ,uploads=30/1m,, bytes = 500 mb Bytes /1D "))
                .isEqualTo(parse("rate=100/1s burst 20, uploads=30/1m, bytes=500MB/1d"));
    }

    @Test
    void formatWritesTheCanonicalTextThatParsesBackToTheSameRows() {
        String[] canonical = {
            "rate=100/1s burst 20",
            "uploads=30/1m burst 5, bytes=500MB/1d, cpu=20s/1m",
            "reads=120 requests/1m, uploads=30/1m burst 5, bytes=500MB/1d, cpu=20s/1m",
            "rpm=60/1m, files=100/1h, upload-bytes=1TB/7d, cost=1000/1d, memory=512MB/1m, allocated=1536KB/90s",
            "rate=7/10s burst 3, heavy=5 cost/1m, rate2=10 files/1h, work=1500ms cpu/1s",
            "bytes=500MB/1d burst 10MB, cpu=20s/1m burst 5s, memory=3KB/31d burst 1KB",
            "rate=100/10s, rate.burst=20 requests/5s",
            "rate=100/10s, uploads=3/1m, rate.burst=20 requests/2s",
            "x=" + WindowedLimit.MAX + " requests/31d burst " + WindowedLimit.MAX,
            "off"};
        for (String text : canonical) {
            List<WindowedLimit> rows = LimitSyntax.parse(KEY, text, null);
            assertThat(LimitSyntax.format(rows)).isEqualTo(text);
            assertThat(LimitSyntax.parse(KEY, LimitSyntax.format(rows), null)).isEqualTo(rows);
        }
        String[][] spelled = {{"rate = 100/s BURST 20", "rate=100/1s burst 20"},
            {"bytes=512000KiB/24h", "bytes=500MB/1d"}, {"x=1 requests/1w", "x=1 requests/7d"},
            {"rate=100/1000s", "rate=100/1000s"}, {"cpu=3600000ms/120m", "cpu=1h/2h"},
            {"bytes=1500B/60s", "bytes=2KB/1m"}, {"rate=100/10s, rate.burst=20 requests/2s", "rate=100/10s burst 20"}};
        for (String[] s : spelled) {
            assertThat(LimitSyntax.format(parse(s[0]))).as(s[0]).isEqualTo(s[1]);
        }
    }

    @Test
    void everyParsedValueSurvivesTheRoundTrip() {
        Random random = new Random(18);
        String[] windows = {"1s", "7s", "10s", "1m", "90s", "13m", "1h", "5h", "1d", "7d", "1w", "31d"};
        for (int i = 0; i < 2000; i++) {
            List<String> entries = new ArrayList<>();
            for (int e = 0, n = 1 + random.nextInt(4); e < n; e++) {
                Counted counted = Counted.values()[random.nextInt(Counted.values().length)];
                long amount = 1 + (long) (Math.pow(10, random.nextInt(10)) * random.nextDouble());
                String window = windows[random.nextInt(windows.length)];
                String entry = "l" + e + "=" + amount + (counted == CPU ? "ms" : counted == BYTES ? "KB" : "")
                        + (counted == ALLOCATED ? "B" : "") + " " + counted.name().toLowerCase(java.util.Locale.ROOT) + "/" + window;
                if (random.nextBoolean()) {
                    long units = one(entry).max();
                    long smallest = LimitAmounts.smallestBurst(one(entry).windowMillis(), units);
                    long burst = smallest + (long) ((units - smallest) * random.nextDouble());
                    entry += " burst " + LimitAmounts.amountText(counted, burst);
                }
                entries.add(entry);
            }
            List<WindowedLimit> rows = parse(String.join(",", entries));
            assertThat(parse(LimitSyntax.format(rows))).as(entries.toString()).isEqualTo(rows);
            for (WindowedLimit r : rows) {
                if (r.name().endsWith(".burst")) {
                    assertThat(r.windowMillis()).isGreaterThanOrEqualTo(WindowedLimit.MIN_WINDOW_MILLIS);
                }
            }
        }
    }

    @Test
    void formatRefusesRowsTheSyntaxCannotHold() {
        WindowedLimit rate = row("rate", REQUESTS, 1000, 100);
        // a sub-second window that is not the burst of the row before it
        assertThatThrownBy(() -> LimitSyntax.format(List.of(rate, row("rate.burst", REQUESTS, 250, 20))))
                .isInstanceOf(InvalidQuotaConfigException.class).hasMessageContaining("rate.burst.window (ms)");
        assertThatThrownBy(() -> LimitSyntax.format(List.of(row("rate.burst", REQUESTS, 200, 20), rate)))
                .isInstanceOf(InvalidQuotaConfigException.class);
        assertThatThrownBy(() -> LimitSyntax.format(List.of(row("rate", REQUESTS, 1500, 100))))
                .hasMessage("rate.window (ms) must be whole seconds, or the derived window of the burst of the row "
                        + "before it, was 1500");
        assertThatThrownBy(() -> LimitSyntax.format(List.of(rate, rate.withMax(5))))
                .hasMessageContaining("rows of distinct names and one rule");
        assertThatThrownBy(() -> LimitSyntax.format(List.of(rate,
                new WindowedLimit("uploads", FILES, 60_000, 30, "upload"))))
                .hasMessageContaining("rows of distinct names and one rule");
    }

    @Test
    void describeShowsOneRowAsPeopleReadIt() {
        assertThat(LimitSyntax.describe(row("uploads", FILES, 60_000, 30))).isEqualTo("uploads=30/1m");
        assertThat(LimitSyntax.describe(row("bytes", BYTES, DAY, 500 * 1024))).isEqualTo("bytes=500MB/1d");
        assertThat(LimitSyntax.describe(row("cpu", CPU, 60_000, 20_000))).isEqualTo("cpu=20s/1m");
        assertThat(LimitSyntax.describe(row("rate.burst", REQUESTS, 200, 20)))
                .isEqualTo("rate.burst=20 requests/200ms");
        assertThat(LimitSyntax.describe(row("memory", ALLOCATED, 7 * DAY, 1536))).isEqualTo("memory=1536KB/7d");
        assertThat(LimitSyntax.describe(row("rate", FILES, 90_000, 3))).isEqualTo("rate=3 files/90s");
        assertThat(LimitSyntax.describe(row("cpu", CPU, 3_600_000, 1500))).isEqualTo("cpu=1500ms/1h");
    }

    @Test
    void aRuleHasNoBudgetOfWhatRequestsCostWhenTheyEnd() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> LimitSyntax.parse("rule.reads.limits",
                        "cpu=1s/1m", "reads"))
                .isInstanceOf(org.quotaware.InvalidQuotaConfigException.class)
                .hasMessageContaining("rule.reads.limits")
                .hasMessageContaining("CPU and allocation budgets are a tier's limits, not a rule's");
        org.assertj.core.api.Assertions.assertThat(LimitSyntax.parse("default.limits", "cpu=1s/1m", null)).hasSize(1);
    }
}
