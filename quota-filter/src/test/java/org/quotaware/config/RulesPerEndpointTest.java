package org.quotaware.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.quotaware.Counted;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaLimits;
import org.quotaware.WindowedLimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code rules} and {@code rule.<name>.*} keys: what a rule matches, and its rows in each tier. */
class RulesPerEndpointTest {

    private static QuotaSettings read(String... pairs) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            values.put(pairs[i], pairs[i + 1]);
        }
        return QuotaSettings.parse("", values);
    }

    private static List<String> ruleRows(QuotaLimits limits) {
        return limits.windows().stream().filter(w -> w.rule() != null)
                .map(w -> w.qualifiedName() + "=" + w.max() + "/" + w.windowMillis()).toList();
    }

    @Test
    void aRuleReadsItsMethodsPathsFilesAndCost() {
        QuotaSettings q = read("rules", "reads,uploads",
                "rule.reads.methods", "get, head", "rule.reads.paths", "/API/PriceLists/*",
                "rule.uploads.methods", "POST", "rule.uploads.paths", "/api/pricelists", "rule.uploads.files", "true",
                "rule.uploads.cost", "5");

        assertThat(q.rules()).containsExactly(
                new RuleSettings("reads", Set.of("GET", "HEAD"), List.of("/api/pricelists/*"), false, 1),
                new RuleSettings("uploads", Set.of("POST"), List.of("/api/pricelists"), true, 5));
    }

    @Test
    void aRulesLimitsAreInEveryTierWithItsRuleScaledWithTheTierAndATiersOwnReplaceThem() {
        QuotaSettings q = read("tiers", "premium,partner,free",
                "rules", "reads,uploads",
                "rule.reads.paths", "/api/*", "rule.reads.limits", "requests=120/1m",
                "rule.uploads.paths", "/api/pricelists", "rule.uploads.limits", "files=30/1m, per-second=3 files/1s",
                "premium.scale", "2",
                "rule.uploads.partner.limits", "files=10/1m",
                "rule.uploads.free.limits", "off");

        assertThat(ruleRows(q.tiers().limits("default"))).containsExactly("reads.requests=120/60000",
                "uploads.files=30/60000", "uploads.per-second=3/1000");
        assertThat(ruleRows(q.tiers().limits("premium"))).as("inherited rows scale with the tier")
                .containsExactly("reads.requests=240/60000", "uploads.files=60/60000", "uploads.per-second=6/1000");
        assertThat(ruleRows(q.tiers().limits("partner"))).containsExactly("reads.requests=120/60000",
                "uploads.files=10/60000");
        assertThat(ruleRows(q.tiers().limits("free"))).containsExactly("reads.requests=120/60000");
        WindowedLimit perSecond = q.tiers().limits("default").windows().stream()
                .filter(w -> w.qualifiedName().equals("uploads.per-second")).findFirst().orElseThrow();
        assertThat(perSecond).isEqualTo(new WindowedLimit("per-second", Counted.FILES, 1000, 3, "uploads"));
        assertThat(q.tiers().limits("default").requestsPerMinute()).as("the tier's own limits stay").isEqualTo(30);
    }

    @Test
    void aRuleWithoutLimitsOrMethodsMatchesEveryMethodAndCostsOne() {
        QuotaSettings q = read("rules", "exports", "rule.exports.paths", "/export");

        assertThat(q.rules()).containsExactly(new RuleSettings("exports", Set.of(), List.of("/export"), false, 1));
        assertThat(ruleRows(q.tiers().limits("default"))).isEmpty();
    }

    @Test
    void aMisspeltOrUnlistedRuleKeyFailsNamingTheKeyAndWhatIsAllowed() {
        assertThatThrownBy(() -> read("rules", "reads", "rule.raeds.limits", "requests=5/1m"))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("rule.raeds.limits: rule must be one of the rules listed in 'rules' [reads], was raeds");
        assertThatThrownBy(() -> read("rules", "reads", "rule.reads.path", "/api/*"))
                .hasMessage("rule.reads.path: setting must be one of [methods, paths, files, cost], limits or "
                        + "<tier>.limits, was path");
        assertThatThrownBy(() -> read("rules", "reads", "rule.reads.gold.limits", "requests=5/1m"))
                .hasMessage("rule.reads.gold.limits: tier must be one of the tiers listed in 'tiers' [default], "
                        + "was gold");
        assertThatThrownBy(() -> read("rules", "reads,Uploads"))
                .hasMessage("rules: rule must be a rule name of 1 to 40 of a-z, 0-9, '-' and '_', starting with a "
                        + "letter or digit, was Uploads");
        assertThatThrownBy(() -> read("tiers", "rule"))
                .hasMessageContaining("tiers: tier must be a name other than the reserved");
    }

    @Test
    void aBadValueFailsNamingItsKey() {
        assertThatThrownBy(() -> read("rules", "reads", "rule.reads.methods", "GET,G E T"))
                .hasMessage("rule.reads.methods: method must be HTTP methods such as POST,PUT, was G E T");
        assertThatThrownBy(() -> read("rules", "reads", "rule.reads.paths", "api/*"))
                .hasMessageStartingWith("rule.reads.paths: pathPattern must be an exact path");
        assertThatThrownBy(() -> read("rules", "reads", "rule.reads.files", "yes"))
                .hasMessage("rule.reads.files: files must be true or false, was yes");
        assertThatThrownBy(() -> read("rules", "reads", "rule.reads.cost", "-1"))
                .hasMessage("rule.reads.cost: cost must be between 0 and 1000000, was -1");
        assertThatThrownBy(() -> read("rules", "reads", "rule.reads.limits", "reads=120/1m"))
                .hasMessageStartingWith("rule.reads.limits: entry 'reads=120/1m' must be");
        assertThatThrownBy(() -> read("rules", "a,b", "rule.a.cost", "600000", "rule.b.cost", "600000"))
                .hasMessage("rules: the rules' total cost must be at most 1000000 (a request matching every rule "
                        + "costs their sum), was 1200000");
    }

    @Test
    void aTierWhoseRowsAndItsRulesExceedSixteenFailsNamingTheRulesKey() {
        String twelve = String.join(", ", java.util.stream.IntStream.range(0, 12)
                .mapToObj(i -> "r" + i + "=" + (i + 1) + " requests/1m").toList());
        // the default tier's three presets and twelve rows of its own: fifteen
        assertThatThrownBy(() -> read("default.limits", twelve, "rules", "reads",
                "rule.reads.limits", "requests=5/1m, more=9 requests/1h"))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("rule.reads.limits: windowed limits of tier 'default' must be at most 16, the tier's own "
                        + "and its rules' together, was 17");
    }

    @Test
    void everyRuleKeyIsKnownByNameForEnvironmentVariables() {
        assertThat(QuotaSettings.keys(List.of("default", "premium"), List.of("reads")))
                .contains("rules", "rule.reads.methods", "rule.reads.paths", "rule.reads.files", "rule.reads.cost",
                        "rule.reads.limits", "rule.reads.default.limits", "rule.reads.premium.limits");
        Map<String, String> env = Map.of("quotaware.rules", "reads", "quotaware.rule.reads.paths", "/api/*",
                "quotaware.rule.reads.limits", "requests=2/1m");
        // a source that lists no names, as environment variables are found only by name
        ApplicationSettings read = ApplicationSettings.read(env::get);
        assertThat(read.request().quota().rules()).extracting(RuleSettings::name).containsExactly("reads");
        assertThat(ruleRows(read.request().quota().tiers().limits("default")))
                .containsExactly("reads.requests=2/60000");
    }
}
