package org.quotaware.sample.pricelist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.openjdk.jol.info.GraphLayout;
import org.quotaware.sample.csv.CsvParser;

/**
 * Keeps the heap one upload costs within what docs/benchmarks.md ("Heap per upload") tells operators to size for:
 * what the analysis and its parser hold after the last row (JOL, deterministic) plus their largest array (the most a
 * growing array's copy adds at any moment before) stays within the stated multiple of the upload.
 */
class UploadHeapTest {

    @ParameterizedTest
    @CsvSource({
            // kind,          upload bytes,  rows,      invalid,   repeated skus, peak / upload at most
            "ONE_LETTER_ROWS,     10485760, 5242868,   5242868,   0,     0.01",
            "DISTINCT_SKUS,       10485760, 1310717,   1310717,   0,     4.5",
            "DISTINCT_VALID_ROWS, 10485760, 873812,    1,         0,     4.5",
            "ORDINARY,            10485760, 270806,    2708,      5416,  2.0",
            // 256 KiB: JOL takes minutes to walk the 1.2 million BigDecimals of 10 MiB; the ratio is the same
            "BOXED_PRICES,        262144,   29122,     0,         1,     6.0",
            // one record of 10 million empty fields, one record of one 10 MiB field: the first 1 024 fields and
            // 65 536 characters of a field are kept at most, whatever the upload
            "COMMAS,              10485760, 1,         1,         0,     0.01",
            "HUGE_FIELD,          10485760, 1,         1,         0,     0.03",
    })
    void oneUploadCostsAtMostTheDocumentedMultipleOfItsSize(SyntheticUpload.Kind kind, long bytes, int rows,
            int invalid, int repeatedSkus, double peakPerUploadByte) throws IOException {
        SyntheticUpload upload = new SyntheticUpload(kind, bytes);

        CsvParser parser = PriceListAnalyzer.parser(upload);
        PriceListTally tally = new PriceListAnalyzer(UploadHeap.LIMITS).tally(parser);

        // the parser too: what it keeps between records (its buffers, a builder or list grown by a big record)
        GraphLayout held = GraphLayout.parseInstance(tally, parser);
        long largestArray = held.addresses().stream().mapToLong(a -> held.record(a).size()).max().orElseThrow();
        assertThat(held.totalSize() + largestArray).isLessThanOrEqualTo((long) (peakPerUploadByte * bytes));
        PriceListAnalysis analysis = tally.result();
        assertThat(analysis.rowCount()).isEqualTo(rows);
        assertThat(analysis.invalidRowCount()).isEqualTo(invalid);
        assertThat(analysis.duplicateSkuCount()).isEqualTo(repeatedSkus);
        assertThat(analysis.invalidRows()).hasSize(Math.min(invalid, UploadHeap.LIMITS.maxInvalidRows()));
    }
}
