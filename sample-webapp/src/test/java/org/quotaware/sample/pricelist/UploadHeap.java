package org.quotaware.sample.pricelist;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.Locale;

import org.openjdk.jol.info.GraphLayout;
import org.quotaware.sample.csv.CsvParser;

/**
 * What one upload of {@value #UPLOAD_BYTES} bytes costs the heap, for each {@link SyntheticUpload.Kind}: the bytes the
 * analysis and its parser still hold when the last row is read (JOL; what they hold only grows while rows stream in, so
 * this is their live set but for the array being copied when one grows), the largest of their arrays (at most what such
 * a copy adds), and what the analysis allocated in all (the thread's allocation counter; garbage included). Prints a
 * Markdown table for docs/benchmarks.md. With a kind as argument, only analyses one upload of that kind: run under a
 * small {@code -Xmx} to find the least heap a whole JVM needs for it. Run from the sample's test classpath, see that
 * section.
 */
public final class UploadHeap {

    /** The default tier's max-file-size, 10MB as the quota filter reads it. */
    static final long UPLOAD_BYTES = 10L * 1024 * 1024;
    static final AnalysisLimits LIMITS = new AnalysisLimits(100, 100);

    private UploadHeap() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length == 1) {
            SyntheticUpload.Kind kind = SyntheticUpload.Kind.valueOf(args[0]);
            PriceListAnalysis analysis = new PriceListAnalyzer(LIMITS).analyze(new SyntheticUpload(kind, UPLOAD_BYTES));
            System.out.printf(Locale.ROOT, "%s: %,d rows analysed%n", kind, analysis.rowCount());
            return;
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        System.out.println("| upload (10 MiB) | rows | held | largest array | peak live | ÷ upload | allocated | ÷ upload |");
        System.out.println("|---|---|---|---|---|---|---|---|");
        for (SyntheticUpload.Kind kind : SyntheticUpload.Kind.values()) {
            SyntheticUpload upload = new SyntheticUpload(kind, UPLOAD_BYTES);
            long before = threads.getCurrentThreadAllocatedBytes();
            CsvParser parser = PriceListAnalyzer.parser(upload);
            PriceListTally tally = new PriceListAnalyzer(LIMITS).tally(parser);
            PriceListAnalysis analysis = tally.result();
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            GraphLayout layout = GraphLayout.parseInstance(tally, parser);
            long held = layout.totalSize();
            long largest = layout.addresses().stream().mapToLong(a -> layout.record(a).size()).max().orElse(0);
            System.out.printf(Locale.ROOT, "| %s | %,d | %,d | %,d | %,d | %.2f | %,d | %.1f |%n", kind,
                    analysis.rowCount(), held, largest, held + largest, (double) (held + largest) / UPLOAD_BYTES,
                    allocated, (double) allocated / UPLOAD_BYTES);
        }
    }
}
