package org.quotaware.scaling;

import java.time.Duration;
import java.time.Instant;

/** Plain metrics at a moving instant: the only clock the scaling decisions read. */
final class Trace {

    static final Instant START = Instant.parse("2026-01-05T00:00:00Z");

    private Instant now = START;

    Instant now() {
        return now;
    }

    Trace advance(Duration d) {
        now = now.plus(d);
        return this;
    }

    SystemMetrics load(double cpu, double memory, long queued) {
        return SystemMetrics.of(now, cpu, memory, 0, queued);
    }

    SystemMetrics cpu(double cpu) {
        return load(cpu, 0.5, 0);
    }
}
