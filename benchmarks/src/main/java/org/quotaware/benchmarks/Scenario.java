package org.quotaware.benchmarks;

/**
 * The limits and the clock of one benchmark case.
 * <ul>
 * <li>{@link #SUCCESS}: every limit at the largest value our builder accepts (1 000 000 requests per minute and files
 * per hour, 100 000 000 files per day, 100 000 concurrent), the same numbers for the peers; nothing is ever denied.</li>
 * <li>{@link #REJECTION}: every limit at 1 and the clock standing still: the first call of each user is admitted, every
 * later one is denied.</li>
 * </ul>
 */
public enum Scenario {
    SUCCESS(1_000_000, 1_000_000, 100_000_000, 100_000),
    REJECTION(1, 1, 1, 1);

    public final long perMinute;
    public final long perHour;
    public final long perDay;
    public final int concurrent;

    Scenario(long perMinute, long perHour, long perDay, int concurrent) {
        this.perMinute = perMinute;
        this.perHour = perHour;
        this.perDay = perDay;
        this.concurrent = concurrent;
    }

    /**
     * The clock: standing still for rejections; for successes real time when the load is spread over many users
     * (100 000 users at a few million decisions per second is a few hundred per user and minute), and accelerated
     * time for a single user, see {@link Clocks#ACCELERATED}.
     */
    public Clocks clock(int users) {
        if (this == REJECTION) {
            return Clocks.FIXED;
        }
        return users == 1 ? Clocks.ACCELERATED : Clocks.SYSTEM;
    }
}
