package org.quotaware.sample.pricelist;

import java.math.BigDecimal;
import java.util.List;

/**
 * An upper estimate of the heap an analysis holds, for a 64-bit JVM with compressed references (the default below a
 * 32 GB heap). It errs high on purpose: strings are counted as two bytes a character, every boxed line number as its
 * own object; a test holds it between one and two times what JOL measures.
 */
final class RetainedSize {

    private static final long OBJECT = 16;
    /** A {@code String} and the header of its {@code byte[]}. */
    private static final long STRING = 40;
    private static final long LIST = 32;
    private static final long REFERENCE = 4;
    private static final long MAP_ENTRY = 40;
    private static final long BIG_DECIMAL = 40;
    private static final long STORE_ENTRY = OBJECT + 2 * MAP_ENTRY;

    private RetainedSize() {
    }

    static long of(PriceListAnalysis analysis) {
        long size = STORE_ENTRY + OBJECT + 9 * REFERENCE + string(analysis.id()) + 3 * OBJECT;
        size += list(analysis.invalidRows());
        for (InvalidRow row : analysis.invalidRows()) {
            size += OBJECT + 3 * REFERENCE + string(row.sku()) + list(row.issues());
            for (Issue issue : row.issues()) {
                size += OBJECT + 2 * REFERENCE + string(issue.detail());
            }
        }
        size += list(analysis.duplicates());
        for (DuplicateSku duplicate : analysis.duplicates()) {
            size += OBJECT + 3 * REFERENCE + string(duplicate.sku()) + list(duplicate.lines())
                    + duplicate.lines().size() * OBJECT;
        }
        size += 4 * OBJECT + analysis.currencies().size() * (MAP_ENTRY + string("EUR") + OBJECT + 5 * REFERENCE);
        for (PriceStatistics statistics : analysis.currencies().values()) {
            size += decimal(statistics.min()) + decimal(statistics.max()) + decimal(statistics.mean())
                    + decimal(statistics.median());
        }
        return size;
    }

    private static long string(String value) {
        return value == null ? 0 : STRING + align(2L * value.length());
    }

    private static long list(List<?> list) {
        return LIST + align(REFERENCE * list.size());
    }

    /** A {@code BigDecimal} beyond 18 digits also holds a {@code BigInteger} and its {@code int[]}. */
    private static long decimal(BigDecimal value) {
        long big = value.precision() > 18 ? 2 * OBJECT + 16 + align(value.unscaledValue().bitLength() / 8 + 4) : 0;
        return BIG_DECIMAL + big;
    }

    private static long align(long bytes) {
        return (bytes + 7) & ~7L;
    }
}
