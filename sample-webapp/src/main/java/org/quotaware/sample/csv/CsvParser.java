package org.quotaware.sample.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A strict, streaming RFC 4180 parser: comma separator, fields optionally enclosed in double quotes, a quote inside a
 * quoted field written twice, quoted fields may hold commas and line breaks. Accepts CRLF, LF (and a lone CR) as record
 * ends and a leading UTF-8 byte order mark. A quote that is never closed, a stray quote inside an unquoted field, text
 * after a closing quote or bytes that are not UTF-8 are an error with the line they happened on: guessing what a broken
 * file meant would hide real problems.
 * <p>
 * The input is read once, in {@value #BUFFER}-byte steps; only the record being read is held, so the heap a file costs
 * does not grow with its length. A parser made with bounds keeps at most {@code maxFields} values of a record and
 * {@code maxFieldChars} characters of a value, so not even one record of millions of commas, or of one field as long
 * as the input, costs more than those bounds. (Apache Commons CSV streams too, but accepts a stray quote in an
 * unquoted field and parsed these uploads slower: docs/benchmarks.md, "Heap per upload".)
 */
public final class CsvParser {

    private static final int BUFFER = 8192;
    private static final char BOM = '\uFEFF';
    private static final int END = -1;

    private final InputStream in;
    private final int maxFields;
    private final int maxFieldChars;
    private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private final ByteBuffer bytes = ByteBuffer.allocate(BUFFER).flip();
    private final CharBuffer chars = CharBuffer.allocate(BUFFER).flip();
    private final StringBuilder field = new StringBuilder();
    /** Reused: a {@link CsvRecord} keeps its own immutable copy. */
    private final List<String> fields = new ArrayList<>();
    /** Fields of the record being read that ended so far, kept or not. */
    private int fieldCount;
    /** Whether the field being read is longer than {@link #maxFieldChars}. */
    private boolean fieldCut;
    private int cutField;
    /** What the record being read is called in a refusal, or null while records beyond the bounds are kept cut. */
    private String refusing;
    private int recordLine;
    private long bytesDropped;
    private long malformedOffset = -1;
    private boolean endOfBytes;
    private boolean flushed;
    private boolean started;
    private int line = 1;

    /** Reads strict UTF-8 from {@code utf8}, keeping every record whole; the caller closes it. */
    public CsvParser(InputStream utf8) {
        this(utf8, Integer.MAX_VALUE, Integer.MAX_VALUE);
    }

    /**
     * Reads strict UTF-8 from {@code utf8}, keeping at most {@code maxFields} values of a record and
     * {@code maxFieldChars} characters of a value; the caller closes it.
     */
    public CsvParser(InputStream utf8, int maxFields, int maxFieldChars) {
        if (maxFields < 1 || maxFieldChars < 1) {
            throw new IllegalArgumentException("maxFields and maxFieldChars must be >= 1, were " + maxFields + " and "
                    + maxFieldChars);
        }
        this.in = utf8;
        this.maxFields = maxFields;
        this.maxFieldChars = maxFieldChars;
    }

    /**
     * The next record, or {@code null} at the end of the input. Blank lines are skipped, so every record has at least
     * one non-empty field or a comma. A record of more than the parser's {@code maxFields} fields keeps the values of
     * the first ones only and counts the others ({@link CsvRecord#size()}); a value of more than
     * {@code maxFieldChars} characters keeps its beginning ({@link CsvRecord#cutField()}).
     *
     * @throws MalformedCsvException naming the line of the problem
     * @throws IOException           when reading the input fails
     */
    public CsvRecord next() throws IOException {
        refusing = null;
        return nextRecord();
    }

    /**
     * The next record, as {@link #next()}, but one beyond the parser's bounds is refused as soon as it passes them,
     * without reading the rest of it: for a record that must fit them, such as a header.
     *
     * @param what what the record is, for the refusal's message ("the header")
     * @throws MalformedCsvException naming the line and the bound passed
     */
    public CsvRecord nextWithinBounds(String what) throws IOException {
        refusing = what;
        return nextRecord();
    }

    private CsvRecord nextRecord() throws IOException {
        if (!started) {
            started = true;
            if (peek() == BOM) {
                read();
            }
        }
        while (peek() != END) {
            CsvRecord record = readRecord();
            if (!record.isBlank()) {
                return record;
            }
        }
        return null;
    }

    private CsvRecord readRecord() throws IOException {
        recordLine = line;
        fields.clear();
        fieldCount = 0;
        cutField = -1;
        boolean atFieldStart = true;
        while (true) {
            int c = read();
            if (c == '"') {
                if (!atFieldStart) {
                    throw new MalformedCsvException("line " + line
                            + ": a quote inside an unquoted field (quote the whole field and double the quote)", line);
                }
                readQuoted();
                atFieldStart = false;
            } else if (c == ',') {
                endField();
                atFieldStart = true;
            } else if (c == '\r' || c == '\n' || c == END) {
                if (c == '\r' && peek() == '\n') {
                    read();
                }
                if (c != END) {
                    line++;
                }
                endField();
                return new CsvRecord(recordLine, fields, fieldCount, cutField);
            } else {
                append(c);
                atFieldStart = false;
            }
        }
    }

    /** Reads a quoted field after its opening quote, up to and including its closing quote. */
    private void readQuoted() throws IOException {
        int quoteLine = line;
        while (true) {
            int c = read();
            if (c == END) {
                throw new MalformedCsvException(
                        "line " + quoteLine + ": a quoted field is never closed (unterminated quote)", quoteLine);
            }
            if (c == '"') {
                if (peek() != '"') {
                    int next = peek();
                    if (next != ',' && next != '\r' && next != '\n' && next != END) {
                        throw new MalformedCsvException(
                                "line " + line + ": unexpected text after the closing quote of a field", line);
                    }
                    return;
                }
                read();
            } else if (c == '\n' || (c == '\r' && peek() != '\n')) {
                line++;
            }
            append(c);
        }
    }

    /** Adds a character to the field being read, as far as the bounds keep it. */
    private void append(int c) {
        if (fieldCount >= maxFields) {
            return; // a field the record does not keep: only counted when it ends
        }
        if (field.length() < maxFieldChars) {
            field.append((char) c);
            return;
        }
        if (refusing != null) {
            throw new MalformedCsvException("line " + recordLine + ": a field of " + refusing + " is longer than "
                    + maxFieldChars + " characters", recordLine);
        }
        fieldCut = true;
    }

    /** The field being read ends: kept (whole or cut) within the bounds, counted in any case. */
    private void endField() {
        if (fieldCount < maxFields) {
            if (fieldCut && cutField < 0) {
                cutField = fieldCount;
            }
            fields.add(field.toString());
            field.setLength(0);
        } else if (refusing != null) {
            throw new MalformedCsvException("line " + recordLine + ": " + refusing + " has more than " + maxFields
                    + " fields", recordLine);
        }
        fieldCut = false;
        fieldCount++;
    }

    private int peek() throws IOException {
        if (!chars.hasRemaining() && !fill()) {
            return malformedOffset >= 0 ? malformed() : END;
        }
        return chars.get(chars.position());
    }

    private int read() throws IOException {
        int c = peek();
        if (c >= 0) {
            chars.position(chars.position() + 1);
        }
        return c;
    }

    private int malformed() {
        throw new MalformedCsvException("line " + line + ": the body is not valid UTF-8 (byte offset "
                + malformedOffset + ")", line);
    }

    /** Decodes the next characters; false when there are none (end of input, or a malformed sequence is next). */
    private boolean fill() throws IOException {
        if (malformedOffset >= 0 || flushed) {
            return false;
        }
        chars.clear();
        while (true) {
            CoderResult result = decoder.decode(bytes, chars, endOfBytes);
            if (result.isError()) {
                malformedOffset = bytesDropped + bytes.position();
                break;
            }
            if (chars.position() > 0 || result.isOverflow()) {
                break;
            }
            if (endOfBytes) {
                decoder.flush(chars);
                flushed = true;
                break;
            }
            readBytes();
        }
        chars.flip();
        return chars.hasRemaining();
    }

    private void readBytes() throws IOException {
        bytesDropped += bytes.position();
        bytes.compact();
        int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
        if (n < 0) {
            endOfBytes = true;
        } else {
            bytes.position(bytes.position() + n);
        }
        bytes.flip();
    }
}
