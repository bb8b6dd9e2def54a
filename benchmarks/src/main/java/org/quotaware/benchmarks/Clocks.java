package org.quotaware.benchmarks;

import java.time.Instant;
import java.time.InstantSource;
import java.util.function.Supplier;

import io.github.bucket4j.TimeMeter;

/**
 * The time every contender sees in one scenario, in the three shapes the libraries accept: our {@link InstantSource},
 * bucket4j's {@link TimeMeter} and resilience4j's nano-time supplier. Guava's {@code RateLimiter} takes no clock in its
 * public API, so it always runs on the system ticker.
 */
public enum Clocks {

    /** Real time. */
    SYSTEM {
        @Override
        public long nanos() {
            return System.nanoTime();
        }

        @Override
        public long millis() {
            return System.currentTimeMillis();
        }
    },
    /**
     * Time running {@value #SPEED_UP} times faster than real time (one real microsecond is 100 ms). One user at millions
     * of decisions per second would otherwise fill any limit the libraries allow (ours caps every window at 1 000 000);
     * this way a window holds a few hundred units, and every window still rolls over as it would in production.
     */
    ACCELERATED {
        @Override
        public long nanos() {
            return (System.nanoTime() - ORIGIN_NANOS) * SPEED_UP;
        }

        @Override
        public long millis() {
            return START_MILLIS + (System.nanoTime() - ORIGIN_NANOS) / (1_000_000 / SPEED_UP);
        }
    },
    /** Time that stands still: once a limit is reached it stays reached (the rejection path). */
    FIXED {
        @Override
        public long nanos() {
            return START_MILLIS * 1_000_000;
        }

        @Override
        public long millis() {
            return START_MILLIS;
        }
    };

    public static final long SPEED_UP = 100_000;
    private static final long ORIGIN_NANOS = System.nanoTime();
    private static final long START_MILLIS = System.currentTimeMillis();

    public abstract long nanos();

    public abstract long millis();

    public InstantSource instantSource() {
        Clocks self = this;
        return new InstantSource() {
            @Override
            public long millis() {
                return self.millis();
            }

            @Override
            public Instant instant() {
                return Instant.ofEpochMilli(self.millis());
            }
        };
    }

    public TimeMeter timeMeter() {
        Clocks self = this;
        return new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return self.nanos();
            }

            @Override
            public boolean isWallClockBased() {
                return self == SYSTEM;
            }
        };
    }

    public Supplier<Long> nanoSupplier() {
        return this::nanos;
    }
}
