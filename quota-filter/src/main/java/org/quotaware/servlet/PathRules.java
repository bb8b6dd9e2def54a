package org.quotaware.servlet;

import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.quotaware.config.PathSettings;

/**
 * Which requests count, and which count as file uploads. A pattern is an exact path ({@code /api/pricelists}) or a
 * prefix ({@code /api/*}, which also matches {@code /api} itself); patterns are normalised like request paths, so they
 * match case-insensitively and regardless of a trailing slash.
 */
final class PathRules {

    private final List<Pattern> include;
    private final List<Pattern> exclude;
    private final List<Pattern> files;
    private final Set<String> fileMethods;

    /** One parsed pattern: an exact path, or a prefix (without its "/*"; "" for "/*", which matches everything). */
    record Pattern(String path, boolean prefix) {
        static Pattern of(String pattern) {
            return pattern.endsWith("/*") ? new Pattern(pattern.substring(0, pattern.length() - 2), true)
                    : new Pattern(pattern, false);
        }

        /** Matched on every request: compares in place, no substring or concatenation. */
        boolean matches(String candidate) {
            if (!prefix) {
                return candidate.equals(path);
            }
            int n = path.length();
            return candidate.startsWith(path) && (candidate.length() == n || candidate.charAt(n) == '/' || n == 0);
        }
    }

    PathRules(List<String> include, List<String> exclude, List<String> files, Set<String> fileMethods) {
        this.include = include.stream().map(Pattern::of).toList();
        this.exclude = exclude.stream().map(Pattern::of).toList();
        this.files = files.stream().map(Pattern::of).toList();
        this.fileMethods = Set.copyOf(fileMethods);
    }

    /** The rules of the {@code paths.*} and {@code files.methods} keys. */
    static PathRules of(PathSettings settings) {
        return new PathRules(settings.include(), settings.exclude(), settings.files(), settings.fileMethods());
    }

    /** True when a request to this normalised path counts against the caller's quota. */
    boolean counted(String path) {
        return matchesAny(include, path) && !matchesAny(exclude, path);
    }

    /** True when a counted request is also an upload of one file. */
    boolean upload(String path, String method) {
        return method != null && fileMethods.contains(method.toUpperCase(Locale.ROOT)) && matchesAny(files, path);
    }

    private static boolean matchesAny(List<Pattern> patterns, String path) {
        for (Pattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }
}
