package org.quotaware.engine;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;
import org.quotaware.Limit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.engine.Decision.Verdict;

import static org.assertj.core.api.Assertions.assertThat;

class SlidingWindowTest {

    private static final long T0 = 1_767_571_200_000L; // 2026-01-05T00:00:00Z, a bucket boundary of every window

    private final QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(30).filesPerHour(50).filesPerDay(200)
            .off(Limit.CONCURRENT_TASKS).build();

    private static Decision upload(UserState s, QuotaLimits limits, long now) {
        return QuotaEngine.decide(s, QuotaRequest.upload(1, 1), limits, now, true, 0, QuotaEngine.NO_LEASE);
    }

    /** Replays random traffic and checks the promise against an exact log: never more than the limit in any window. */
    @Test
    void neverAdmitsMoreThanTheLimitInAnyIntervalOfTheWindowLength() {
        for (long seed = 1; seed <= 5; seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            UserState s = new UserState();
            Deque<Long> minute = new ArrayDeque<>();
            Deque<Long> hour = new ArrayDeque<>();
            Deque<Long> day = new ArrayDeque<>();
            long now = T0 + random.nextLong(3_600_000);
            long admitted = 0;
            for (int i = 0; i < 60_000; i++) {
                // bursts and lulls: mostly a few ms apart, sometimes minutes or hours
                int kind = random.nextInt(100);
                now += kind < 80 ? random.nextLong(2_000) : kind < 98 ? random.nextLong(600_000) : random.nextLong(7_200_000);
                if (upload(s, limits, now).verdict() == Verdict.ADMITTED) {
                    admitted++;
                    assertThat(countAfterAdding(minute, now, 60_000)).isLessThanOrEqualTo(30);
                    assertThat(countAfterAdding(hour, now, 3_600_000)).isLessThanOrEqualTo(50);
                    assertThat(countAfterAdding(day, now, 86_400_000)).isLessThanOrEqualTo(200);
                }
            }
            assertThat(admitted).as("seed %d admitted", seed).isGreaterThan(1_000);
        }
    }

    /** Adds an event at {@code now} and answers how many events lie in the interval (now - window, now]. */
    private static int countAfterAdding(Deque<Long> log, long now, long window) {
        log.addLast(now);
        while (log.peekFirst() <= now - window) {
            log.removeFirst();
        }
        return log.size();
    }

    @Test
    void noDoubleBurstAtAWindowBoundary() {
        UserState s = new UserState();
        for (int i = 0; i < 30; i++) {
            assertThat(upload(s, limits, T0 + 59_000).verdict()).isEqualTo(Verdict.ADMITTED);
        }
        Decision d = upload(s, limits, T0 + 61_000);
        assertThat(d.verdict()).isEqualTo(Verdict.DENIED);
        assertThat(d.violations()).singleElement().extracting(v -> v.limit()).isEqualTo(Limit.REQUESTS_PER_MINUTE);
    }

    @Test
    void retryAfterIsWhenTheOldestBucketLeaves() {
        UserState s = new UserState();
        for (int i = 0; i < 30; i++) {
            upload(s, limits, T0 + 2_000);
        }
        // the requests sit in bucket [T0, T0+5 s), counted until T0 + 65 s: 63 s after T0 + 2 s
        Decision d = upload(s, limits, T0 + 2_000);
        assertThat(d.violations().get(0).retryAfterSeconds()).isEqualTo(63);
        assertThat(upload(s, limits, T0 + 64_999).verdict()).isEqualTo(Verdict.DENIED);
        assertThat(upload(s, limits, T0 + 65_000).verdict()).isEqualTo(Verdict.ADMITTED);
    }

    @Test
    void aUnitCountsAtLeastOneWindowAndAtMostOneBucketLonger() {
        QuotaLimits one = QuotaLimits.builder().requestsPerMinute(1).off(Limit.CONCURRENT_TASKS).build();
        for (long offset : new long[] {0, 1, 2_500, 4_999}) {
            UserState s = new UserState();
            long at = T0 + offset;
            assertThat(upload(s, one, at).verdict()).isEqualTo(Verdict.ADMITTED);
            assertThat(upload(s, one, at + 59_999).verdict()).isEqualTo(Verdict.DENIED);
            assertThat(upload(s, one, at + 65_000).verdict()).isEqualTo(Verdict.ADMITTED);
        }
    }

    @Test
    void statusReportsRemainingAndReset() {
        UserState s = new UserState();
        for (int i = 0; i < 18; i++) {
            upload(s, limits, T0);
        }
        Decision d = upload(s, limits, T0 + 20_000);
        assertThat(d.limits()).extracting(l -> l.limit() + "=" + l.remaining() + "/" + l.resetSeconds())
                .containsExactly("REQUESTS_PER_MINUTE=11/45", "FILES_PER_HOUR=31/3880", "FILES_PER_DAY=181/89980");
    }

    @Test
    void timeRunningBackwardsNeverFreesUnits() {
        QuotaLimits one = QuotaLimits.builder().requestsPerMinute(1).off(Limit.CONCURRENT_TASKS).build();
        UserState s = new UserState();
        upload(s, one, T0 + 600_000);
        assertThat(upload(s, one, T0).verdict()).isEqualTo(Verdict.DENIED);
    }
}
