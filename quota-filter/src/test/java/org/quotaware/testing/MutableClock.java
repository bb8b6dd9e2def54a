package org.quotaware.testing;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand; shared by every store's contract tests through the test-jar. */
public final class MutableClock implements InstantSource {

    private final AtomicLong millis;

    public MutableClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    /** A clock at an arbitrary but fixed instant, on a bucket boundary of every window. */
    public MutableClock() {
        this(Instant.parse("2026-01-05T00:00:00Z"));
    }

    public MutableClock advance(Duration d) {
        millis.addAndGet(d.toMillis());
        return this;
    }

    public MutableClock set(Instant instant) {
        millis.set(instant.toEpochMilli());
        return this;
    }

    @Override
    public long millis() {
        return millis.get();
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }
}
