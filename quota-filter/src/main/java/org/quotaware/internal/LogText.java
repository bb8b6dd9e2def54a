package org.quotaware.internal;

/**
 * Text from a request (a path, a user header, a quota key) made safe for one log line: every control character, and
 * the Unicode line and paragraph separators, written as an escape ({@code \r}, {@code \n}, {@code \t},
 * {@code \u001b}), and a backslash doubled so an escape cannot be forged either. A caller who sends a CR/LF can
 * then never start a line of its own in the log, nor colour or erase one in a terminal.
 */
public final class LogText {

    private LogText() {
    }

    /** {@code text} escaped for a log line; {@code null} as "null". */
    public static String of(Object text) {
        String s = String.valueOf(text);
        int i = 0;
        while (i < s.length() && !escaped(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s; // the usual case: nothing to escape, no copy
        }
        StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (escaped(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    private static boolean escaped(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029' || c == '\\';
    }
}
