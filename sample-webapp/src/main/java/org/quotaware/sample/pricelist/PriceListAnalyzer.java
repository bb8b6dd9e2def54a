package org.quotaware.sample.pricelist;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import org.quotaware.sample.csv.CsvParser;
import org.quotaware.sample.csv.CsvRecord;
import org.quotaware.sample.csv.MalformedCsvException;

/**
 * Analyses a CSV price list: a header row naming at least {@code sku,name,price,currency} (any order, any case, extra
 * columns ignored), then one product per row. Problems with single rows are reported in the result; only input that is
 * not a price list at all throws {@link MalformedCsvException}.
 * <p>
 * The body is read once, row by row; what stays on the heap is bounded by {@link AnalysisLimits} and, for the skus and
 * prices the statistics need, proportional to the body (docs/benchmarks.md, "Heap per upload"). A record is never
 * held beyond {@link AnalysisLimits#MAX_FIELDS} values of {@link AnalysisLimits#MAX_FIELD_CHARS} characters, and a
 * price is bounded in length, scale and magnitude, so the time an analysis takes is linear in the body too.
 */
public final class PriceListAnalyzer {

    private final AnalysisLimits limits;

    public PriceListAnalyzer(AnalysisLimits limits) {
        this.limits = limits;
    }

    /**
     * Analyses UTF-8 (an optional byte order mark is skipped); the caller closes the stream.
     *
     * @throws MalformedCsvException when the input is not a price list
     * @throws IOException           when reading the input fails
     */
    public PriceListAnalysis analyze(InputStream utf8) throws IOException {
        return tally(utf8).result();
    }

    /** Reads every row; what the analysis holds just before it builds its result (tests measure it). */
    PriceListTally tally(InputStream utf8) throws IOException {
        return tally(parser(utf8));
    }

    /** The parser an analysis reads {@code utf8} with: it keeps no more of a record than the analysis can use. */
    static CsvParser parser(InputStream utf8) {
        return new CsvParser(utf8, AnalysisLimits.MAX_FIELDS, AnalysisLimits.MAX_FIELD_CHARS);
    }

    /** Reads every row of {@code parser}'s input (tests measure the parser and the tally together). */
    PriceListTally tally(CsvParser parser) throws IOException {
        // a first line beyond the bounds is no header: refused before the rest of the body is read
        CsvRecord first = parser.nextWithinBounds("the header");
        if (first == null) {
            throw new MalformedCsvException("the price list is empty: expected a header row naming the columns "
                    + String.join(",", Header.REQUIRED_COLUMNS), List.of());
        }
        PriceListTally tally = new PriceListTally(Header.of(first), limits);
        for (CsvRecord row = parser.next(); row != null; row = parser.next()) {
            tally.add(row);
        }
        return tally;
    }
}
