package org.quotaware.sample.pricelist;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.GraphLayout;

class RetainedSizeTest {

    @Test
    void estimatesAnAnalysisWithFullListsBetweenOnceAndTwiceWhatJolMeasures() throws IOException {
        StringBuilder csv = new StringBuilder("sku,name,price,currency\n");
        for (int i = 0; i < 300; i++) {
            int product = i % 150; // rows 150 apart repeat a sku
            String sku = "SKU-" + "x".repeat(product % 80) + product;
            csv.append(sku).append(",n,").append(i % 3 == 0 ? "bad" : "1.25").append(',')
                    .append(i % 5 == 0 ? "eur" : i % 2 == 0 ? "EUR" : "USD").append('\n');
        }

        assertEstimateWithinOnceAndTwiceJol(csv.toString());
    }

    @Test
    void estimatesTheLargestAnalysisBetweenOnceAndTwiceWhatJolMeasures() throws IOException {
        // every echoed value as long as it gets and two bytes a character; ten lines on every duplicate
        StringBuilder csv = new StringBuilder("sku,name,price,currency\n");
        for (int i = 0; i < 100; i++) {
            csv.append("é".repeat(70)).append(i).append(",n,").append("ü".repeat(80)).append(',')
                    .append("ö".repeat(80)).append('\n');
        }
        for (int i = 0; i < 100; i++) {
            csv.append(("é".repeat(70) + i + ",n,1,EUR\n").repeat(11));
        }

        long estimated = assertEstimateWithinOnceAndTwiceJol(csv.toString());

        assertThat(estimated).isLessThan(128 * 1024);
    }

    private static long assertEstimateWithinOnceAndTwiceJol(String csv) throws IOException {
        PriceListAnalysis analysis = new PriceListAnalyzer(new AnalysisLimits(100, 100))
                .analyze(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)))
                .withId(UUID.randomUUID().toString(), Instant.now());
        assertThat(analysis.invalidRows()).hasSize(100);
        assertThat(analysis.duplicates()).hasSize(100);
        assertThat(analysis.duplicates()).allSatisfy(duplicate -> assertThat(duplicate.lines()).hasSizeGreaterThan(1));

        long measured = GraphLayout.parseInstance(analysis).totalSize();
        long estimated = RetainedSize.of(analysis);

        assertThat(estimated).isBetween(measured, 2 * measured);
        return estimated;
    }
}
