package org.quotaware.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

import org.quotaware.http.RequestPath;

/**
 * The {@code paths.*} and {@code files.*} keys: which requests count, and which count as file uploads. A pattern is an
 * exact path ({@code /api/pricelists}) or a prefix ({@code /api/*}), normalised like request paths.
 *
 * @param include     {@code paths.include}, {@code /*} by default
 * @param exclude     {@code paths.exclude}
 * @param files       {@code paths.files}
 * @param fileMethods {@code files.methods}, upper-cased, {@code POST,PUT} by default
 * @param countFiles  {@code files.count}: whether the filter counts an upload as a file, true by default
 */
public record PathSettings(List<String> include, List<String> exclude, List<String> files, Set<String> fileMethods,
                           boolean countFiles) {

    public PathSettings {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        files = List.copyOf(files);
        fileMethods = Set.copyOf(fileMethods);
    }

    static PathSettings read(QuotaSettings q) {
        List<String> includes = patterns(q.key(QuotaSettings.PATHS_INCLUDE), valueOr(q, QuotaSettings.PATHS_INCLUDE,
                "/*"));
        List<String> excludes = patterns(q.key(QuotaSettings.PATHS_EXCLUDE), q.value(QuotaSettings.PATHS_EXCLUDE));
        List<String> files = patterns(q.key(QuotaSettings.PATHS_FILES), q.value(QuotaSettings.PATHS_FILES));
        Set<String> methods = methods(q.key(QuotaSettings.FILES_METHODS), valueOr(q, QuotaSettings.FILES_METHODS,
                "POST,PUT"));
        String count = q.value(QuotaSettings.FILES_COUNT);
        return new PathSettings(includes, excludes, files, methods,
                count == null || ConfigValues.bool(q.key(QuotaSettings.FILES_COUNT), "filesCount", count));
    }

    /** Parses a comma list of patterns; each must start with '/' and may end in '/*'. */
    static List<String> patterns(String key, String raw) {
        List<String> patterns = new ArrayList<>();
        for (String item : ConfigValues.list(raw)) {
            boolean prefix = item.endsWith("/*");
            String path = prefix ? item.substring(0, item.length() - 2) : item;
            if (!item.startsWith("/") || path.contains("*")) {
                throw ConfigValues.fail(key, "pathPattern", item, "an exact path such as /api/upload or a prefix "
                        + "such as /api/*, starting with '/'");
            }
            try {
                String normal = RequestPath.normalise(path);
                patterns.add(prefix ? (normal.equals("/") ? "/*" : normal + "/*") : normal);
            } catch (RequestPath.MalformedPathException e) {
                throw ConfigValues.fail(key, "pathPattern", item, "a plain path (" + e.getMessage() + ")");
            }
        }
        return patterns;
    }

    /** Parses {@code files.methods}: HTTP method tokens, upper-cased. */
    static Set<String> methods(String key, String raw) {
        Set<String> methods = new TreeSet<>();
        for (String item : ConfigValues.list(raw)) {
            if (!item.matches("[A-Za-z]{1,20}")) {
                throw ConfigValues.fail(key, "method", item, "HTTP methods such as POST,PUT");
            }
            methods.add(item.toUpperCase(Locale.ROOT));
        }
        return methods;
    }

    private static String valueOr(QuotaSettings q, String name, String fallback) {
        String v = q.value(name);
        return v == null ? fallback : v;
    }
}
