package org.quotaware.sample.csv;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict RFC 4180 parser: comma separator, fields optionally enclosed in double quotes, a quote inside a quoted field
 * written twice, quoted fields may hold commas and line breaks. Accepts CRLF, LF (and a lone CR) as record ends and a
 * leading UTF-8 byte order mark. A quote that is never closed, a stray quote inside an unquoted field, or text after a
 * closing quote is an error with the line it happened on: guessing what a broken file meant would hide real problems.
 */
public final class CsvParser {

    private static final char BOM = '\uFEFF';

    private CsvParser() {
    }

    /** Decodes strict UTF-8 (no replacement characters) and parses. */
    public static List<CsvRecord> parse(byte[] utf8) {
        return parse(decodeUtf8(utf8));
    }

    /** Parses text; blank lines are skipped, so every returned record has at least one non-empty field or a comma. */
    public static List<CsvRecord> parse(CharSequence text) {
        List<CsvRecord> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int length = text.length();
        int pos = length > 0 && text.charAt(0) == BOM ? 1 : 0;
        int line = 1;
        int recordLine = 1;
        boolean atFieldStart = true;
        boolean quoted = false;
        int quoteLine = 0;

        while (pos < length) {
            char c = text.charAt(pos++);
            if (quoted) {
                if (c == '"') {
                    if (pos < length && text.charAt(pos) == '"') {
                        field.append('"');
                        pos++;
                    } else {
                        quoted = false;
                        if (pos < length && !isFieldEnd(text.charAt(pos))) {
                            throw new MalformedCsvException(
                                    "line " + line + ": unexpected text after the closing quote of a field", line);
                        }
                    }
                } else {
                    if (c == '\n' || (c == '\r' && !(pos < length && text.charAt(pos) == '\n'))) {
                        line++;
                    }
                    field.append(c);
                }
            } else if (c == '"') {
                if (!atFieldStart) {
                    throw new MalformedCsvException(
                            "line " + line + ": a quote inside an unquoted field (quote the whole field and double the quote)",
                            line);
                }
                quoted = true;
                quoteLine = line;
                atFieldStart = false;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                atFieldStart = true;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r' && pos < length && text.charAt(pos) == '\n') {
                    pos++;
                }
                fields.add(field.toString());
                field.setLength(0);
                addRecord(records, recordLine, fields);
                fields = new ArrayList<>();
                atFieldStart = true;
                line++;
                recordLine = line;
            } else {
                field.append(c);
                atFieldStart = false;
            }
        }
        if (quoted) {
            throw new MalformedCsvException(
                    "line " + quoteLine + ": a quoted field is never closed (unterminated quote)", quoteLine);
        }
        if (!fields.isEmpty() || !atFieldStart || field.length() > 0) {
            fields.add(field.toString());
            addRecord(records, recordLine, fields);
        }
        return records;
    }

    private static boolean isFieldEnd(char c) {
        return c == ',' || c == '\r' || c == '\n';
    }

    private static void addRecord(List<CsvRecord> records, int line, List<String> fields) {
        CsvRecord record = new CsvRecord(line, fields);
        if (!record.isBlank()) {
            records.add(record);
        }
    }

    /**
     * Decodes strict UTF-8.
     *
     * @throws MalformedCsvException naming the line of the first byte sequence that is not UTF-8
     */
    public static String decodeUtf8(byte[] bytes) {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length);
        CoderResult result = decoder.decode(in, out, true);
        if (result.isUnderflow()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int line = lineOf(bytes, in.position());
            throw new MalformedCsvException("line " + line + ": the body is not valid UTF-8 (byte offset "
                    + in.position() + ")", line);
        }
        return out.flip().toString();
    }

    private static int lineOf(byte[] bytes, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (bytes[i] == '\n' || (bytes[i] == '\r' && (i + 1 >= bytes.length || bytes[i + 1] != '\n'))) {
                line++;
            }
        }
        return line;
    }
}
