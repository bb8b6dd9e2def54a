package org.quotaware.sample.csv;

import java.util.List;

/**
 * One CSV record.
 *
 * @param line   1-based physical line the record starts on (a quoted newline makes a record span several lines)
 * @param fields the unquoted field values, in order
 */
public record CsvRecord(int line, List<String> fields) {

    public CsvRecord {
        fields = List.copyOf(fields);
    }

    public int size() {
        return fields.size();
    }

    public String field(int index) {
        return fields.get(index);
    }

    /** A line with nothing on it: RFC 4180 gives it one empty field; we skip such lines. */
    public boolean isBlank() {
        return fields.size() == 1 && fields.get(0).isEmpty();
    }
}
