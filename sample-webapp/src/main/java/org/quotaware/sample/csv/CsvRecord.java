package org.quotaware.sample.csv;

import java.util.List;

/**
 * One CSV record.
 *
 * @param line     1-based physical line the record starts on (a quoted newline makes a record span several lines)
 * @param fields   the unquoted values of the fields the parser kept, in order: all of them, unless the record has more
 *                 than the parser's bound (see {@link CsvParser#next()})
 * @param size     how many fields the record has, kept or not
 * @param cutField 0-based index of the first field longer than the parser's bound, whose value holds only its
 *                 beginning; -1 when every value is whole
 */
public record CsvRecord(int line, List<String> fields, int size, int cutField) {

    public CsvRecord {
        fields = List.copyOf(fields);
        if (size < fields.size() || cutField >= fields.size()) {
            throw new IllegalArgumentException("a record of " + size + " fields cannot keep " + fields.size()
                    + " values with field " + cutField + " cut");
        }
    }

    /** A record whose every field is kept whole. */
    public CsvRecord(int line, List<String> fields) {
        this(line, fields, fields.size(), -1);
    }

    /** The value of field {@code index}, which must be one of the {@link #fields} kept. */
    public String field(int index) {
        return fields.get(index);
    }

    /** A line with nothing on it: RFC 4180 gives it one empty field; we skip such lines. */
    public boolean isBlank() {
        return size == 1 && fields.size() == 1 && fields.get(0).isEmpty();
    }
}
