package org.quotaware.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docs/configuration.md}'s key table cannot rot: every key the readers know (the filter's, the drop-in's switch,
 * quota-cdi's own) has its row, with its init-param name, its MicroProfile Config name, its environment variable and
 * where it is read; and the table names no key the code does not know.
 */
class ConfigurationReferenceTest {

    private static final String TIER = "<tier>";
    private static final String RULE = "<rule>";
    private static final Path DOC = Path.of("..", "docs", "configuration.md");

    /** Every key, as its MicroProfile Config name, to where it is read. */
    private static Map<String, String> known() {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String name : QuotaSettings.keys(List.of(TIER), List.of(RULE))) {
            keys.put(QuotaSettings.PREFIX + name, "both");
        }
        keys.put(ApplicationSettings.FILTER_ENABLED, "context-param");
        for (String name : ApplicationSettings.ownKeys(List.of(TIER))) {
            keys.put(name, ClusterSettings.KEYS.contains(name) ? "both" : "MP Config"); // the store's: the filter's too
        }
        return keys;
    }

    /** MicroProfile Config's rule: every character but a letter or digit becomes {@code _}, then upper case. */
    static String environmentVariable(String key) {
        String marked = key.replace(TIER, "TIERMARK").replace(RULE, "RULEMARK");
        return marked.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT).replace("TIERMARK", "<TIER>")
                .replace("RULEMARK", "<RULE>");
    }

    /** The table rows of the doc: the first column's key (its MicroProfile Config name) to the row's cells. */
    private static Map<String, List<String>> documented() throws IOException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        boolean inTable = false;
        for (String line : Files.readAllLines(DOC)) {
            if (line.startsWith("| init-param | MicroProfile Config |")) {
                inTable = true;
                continue;
            }
            if (inTable && !line.startsWith("|")) {
                break;
            }
            if (inTable && !line.startsWith("|---")) {
                List<String> cells = new ArrayList<>();
                for (String cell : line.substring(1, line.length() - 1).split("\\|")) {
                    cells.add(cell.trim().replace("`", ""));
                }
                rows.put(cells.get(1), cells);
            }
        }
        return rows;
    }

    @Test
    void everyKeyTheCodeKnowsHasItsRowWithItsNamesAndWhereItIsRead() throws IOException {
        Map<String, List<String>> rows = documented();
        List<String> problems = new ArrayList<>();
        known().forEach((key, where) -> {
            String initParam = where.equals("both") ? key.substring(QuotaSettings.PREFIX.length()) : "-";
            List<String> expected = List.of(initParam, key, environmentVariable(key));
            List<String> row = rows.get(key);
            if (row == null || row.size() < 6) {
                problems.add("missing: | `" + String.join("` | `", expected) + "` | <default> | " + where
                        + " | <meaning> |");
            } else if (!row.subList(0, 3).equals(expected) || !row.get(4).equals(where)) {
                problems.add("wrong: " + row.subList(0, 5) + ", expected " + expected + " and " + where);
            }
        });
        rows.keySet().stream().filter(k -> !known().containsKey(k))
                .forEach(k -> problems.add("no such key in the code: " + k));
        assertThat(problems).as("docs/configuration.md's key table").isEmpty();
    }

    @Test
    void theEnvironmentVariableFollowsMicroProfileConfig() {
        assertThat(environmentVariable("quotaware.default.requests-per-minute"))
                .isEqualTo("QUOTAWARE_DEFAULT_REQUESTS_PER_MINUTE");
        assertThat(environmentVariable("quotaware.<tier>.max-file-size")).isEqualTo("QUOTAWARE_<TIER>_MAX_FILE_SIZE");
    }
}
