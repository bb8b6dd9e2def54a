package org.quotaware.sample.csv;

import java.util.List;

/**
 * The input cannot be read as a CSV price list at all: it is not UTF-8, a quote is never closed, the header is missing...
 * Carries the 1-based physical line numbers the problem was found on, so the caller can point at them.
 */
public class MalformedCsvException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient List<Integer> lines;

    public MalformedCsvException(String message, List<Integer> lines) {
        super(message);
        this.lines = List.copyOf(lines);
    }

    public MalformedCsvException(String message, int line) {
        this(message, List.of(line));
    }

    /** 1-based physical line numbers of the problem; empty when the input has no lines at all. */
    public List<Integer> lines() {
        return lines;
    }
}
