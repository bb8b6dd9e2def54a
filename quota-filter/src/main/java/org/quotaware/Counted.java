package org.quotaware;

/**
 * What a {@link WindowedLimit} counts. Each kind is counted in one unit, small enough that a bucket's 31-bit counter
 * never fills in practice: bytes are counted in whole KiB and CPU time in whole milliseconds, each request's amount
 * rounded up, so a budget never undercounts a caller.
 */
public enum Counted {
    /** Requests: every request the limit applies to counts 1. */
    REQUESTS("requests", 1),
    /** Uploaded files, weighted by the request's cost. */
    FILES("files", 1),
    /** Uploaded bytes (the request bodies), in KiB. */
    BYTES("KiB", 1024),
    /** Cost units a request declares (a {@code @Quota} method or a rule says what a request costs). */
    COST("cost", 1),
    /** CPU time the request's threads used, in milliseconds, charged when the request ends. */
    CPU("ms", 1_000_000),
    /** Heap bytes the request's threads allocated, in KiB, charged when the request ends. */
    ALLOCATED("KiB", 1024);

    private final String unit;
    private final long scale;

    Counted(String unit, long scale) {
        this.unit = unit;
        this.scale = scale;
    }

    /** The unit counted, as shown to people: {@code requests}, {@code KiB}, {@code ms}. */
    public String unit() {
        return unit;
    }

    /** Units of {@code amount} base units (bytes, nanoseconds, or the count itself), rounded up. */
    public long units(long amount) {
        if (amount <= 0) {
            return 0;
        }
        return scale == 1 ? amount : (amount - 1) / scale + 1;
    }

    /** Whether it is counted when the request ends (what it used is known only then), not when it is admitted. */
    public boolean chargedAtEnd() {
        return this == CPU || this == ALLOCATED;
    }
}
