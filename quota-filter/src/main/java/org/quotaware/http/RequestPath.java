package org.quotaware.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * The one spelling of a request path that limits are matched against, so that no other spelling of the same resource
 * escapes a limit: {@code //API//PriceLists/}, {@code /api/pricelists;x=1} and {@code /api/%70ricelists} all become
 * {@code /api/pricelists}. Spellings that could mean a different path to another component (an encoded slash or
 * backslash, a NUL, {@code ..} above the root, broken percent-encoding) are rejected rather than guessed.
 */
public final class RequestPath {

    /** A path that cannot be normalised safely; the filter answers 400. */
    public static final class MalformedPathException extends Exception {
        MalformedPathException(String message) {
            super(message, null, false, false);
        }
    }

    private RequestPath() {
    }

    /**
     * The normalised path within the application.
     *
     * @param requestUri  the raw request URI (not decoded), without query
     * @param contextPath the context path, "" for the root context
     */
    public static String of(String requestUri, String contextPath) throws MalformedPathException {
        String path = normalise(requestUri);
        String context = contextPath == null || contextPath.isEmpty() ? "" : normalise(contextPath);
        if (context.isEmpty() || context.equals("/")) {
            return path;
        }
        if (path.equals(context)) {
            return "/";
        }
        if (path.startsWith(context) && path.charAt(context.length()) == '/') {
            return path.substring(context.length());
        }
        // the container routed the request here under another spelling of the context: the whole path still counts
        return path;
    }

    /** Decodes once, drops path parameters, collapses empty segments, resolves dot segments, lower-cases. */
    public static String normalise(String raw) throws MalformedPathException {
        if (raw == null || raw.isEmpty()) {
            return "/";
        }
        if (alreadyNormal(raw)) {
            return raw; // the usual spelling: one scan, no copy
        }
        return normaliseFully(raw);
    }

    /** {@link #normalise} without the shortcut for a path that is already normal. */
    static String normaliseFully(String raw) throws MalformedPathException {
        if (raw.indexOf('\\') >= 0) {
            throw new MalformedPathException("backslash in path");
        }
        Deque<String> segments = new ArrayDeque<>();
        for (String rawSegment : raw.split("/")) {
            int semicolon = rawSegment.indexOf(';');
            String segment = decode(semicolon < 0 ? rawSegment : rawSegment.substring(0, semicolon));
            semicolon = segment.indexOf(';');
            if (semicolon >= 0) {
                segment = segment.substring(0, semicolon); // an encoded ';' counts like a real one: stricter, never laxer
            }
            if (segment.indexOf('/') >= 0 || segment.indexOf('\\') >= 0 || segment.indexOf('\0') >= 0) {
                throw new MalformedPathException("encoded separator in path segment");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                if (segments.pollLast() == null) {
                    throw new MalformedPathException("'..' above the root");
                }
                continue;
            }
            segments.addLast(segment.toLowerCase(Locale.ROOT));
        }
        return segments.isEmpty() ? "/" : "/" + String.join("/", segments);
    }

    /**
     * True when {@link #normalise} would return {@code raw} unchanged: it starts with '/', has no empty, '.' or '..'
     * segment, no trailing '/', and only lower-case ASCII without '%', ';' or '\\' (anything else takes the full path).
     */
    private static boolean alreadyNormal(String raw) {
        int n = raw.length();
        if (raw.charAt(0) != '/') {
            return false;
        }
        if (n == 1) {
            return true;
        }
        int segmentStart = 1;
        for (int i = 1; i <= n; i++) {
            char c = i == n ? '/' : raw.charAt(i);
            if (c == '/') {
                int length = i - segmentStart;
                if (length == 0 || (raw.charAt(segmentStart) == '.' && (length == 1
                        || (length == 2 && raw.charAt(segmentStart + 1) == '.')))) {
                    return false; // empty (also a trailing '/'), '.' or '..'
                }
                segmentStart = i + 1;
            } else if (c >= 0x80 || (c >= 'A' && c <= 'Z') || c == '%' || c == ';' || c == '\\' || c < 0x20) {
                return false;
            }
        }
        return true;
    }

    /** Percent-decoding, once, as UTF-8; '+' stays '+' (it is a space only in query strings). */
    private static String decode(String segment) throws MalformedPathException {
        if (segment.indexOf('%') < 0) {
            return segment;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c != '%') {
                bytes.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
                continue;
            }
            if (i + 2 >= segment.length()) {
                throw new MalformedPathException("truncated percent-encoding");
            }
            int hi = Character.digit(segment.charAt(i + 1), 16);
            int lo = Character.digit(segment.charAt(i + 2), 16);
            if (hi < 0 || lo < 0) {
                throw new MalformedPathException("invalid percent-encoding");
            }
            bytes.write(hi << 4 | lo);
            i += 2;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new MalformedPathException("percent-encoding is not UTF-8");
        }
    }
}
