package org.quotaware.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;

/** The compact counters and the running totals: every window's use equals the sum an exact log gives. */
class UserStateTest {

    private static final long T0 = 1_700_000_000_000L;

    @Test
    void aCountAbove16BitsWidensTheCountersAndLosesNothing() {
        UserState s = new UserState();
        s.advance(T0);
        Windows.LEGACY.rings[0].add(s, T0, 3);
        Windows.LEGACY.rings[2].add(s, T0, 65_535);
        assertThat(s.used(Windows.LEGACY.rings[2], T0)).isEqualTo(65_535);
        Windows.LEGACY.rings[2].add(s, T0, 1);
        Windows.LEGACY.rings[1].add(s, T0, 2_000_000_000);
        Windows.LEGACY.rings[1].add(s, T0, 2_000_000_000); // saturates at the largest int, never wraps
        assertThat(s.used(Windows.LEGACY.rings[0], T0)).isEqualTo(3);
        assertThat(s.used(Windows.LEGACY.rings[2], T0)).isEqualTo(65_536);
        assertThat(s.used(Windows.LEGACY.rings[1], T0)).isEqualTo(Integer.MAX_VALUE);
        UserState back = UserState.fromBytes(s.toBytes());
        assertThat(back.used(Windows.LEGACY.rings[2], T0)).isEqualTo(65_536);
        assertThat(back.used(Windows.LEGACY.rings[1], T0)).isEqualTo(Integer.MAX_VALUE);
        assertThat(s.copy().used(Windows.LEGACY.rings[0], T0)).isEqualTo(3);
    }

    @Test
    void runningTotalsMatchAnExactLogThroughAdvancesRefundsAndMerges() {
        Random random = new Random(7);
        for (SlidingWindow w : Windows.LEGACY.rings) {
            UserState s = new UserState();
            List<long[]> log = new ArrayList<>(); // (bucket, amount)
            long now = T0;
            s.advance(now);
            for (int step = 0; step < 20_000; step++) {
                now += random.nextInt(4) == 0 ? random.nextLong(w.width * (w.slots + 2)) : random.nextLong(w.width);
                s.advance(now);
                switch (random.nextInt(5)) {
                    case 0 -> {
                        // a large amount now and then, so the counters widen part-way through
                        int amount = random.nextInt(50) == 0 ? 40_000 + random.nextInt(40_000) : 1 + random.nextInt(9);
                        w.add(s, now, amount);
                        log.add(new long[] {w.bucket(now), amount});
                    }
                    case 1 -> {
                        if (!log.isEmpty()) {
                            long[] entry = log.get(random.nextInt(log.size()));
                            long at = entry[0] * w.width;
                            long before = exact(log, w, now);
                            w.refund(s, now, at, 1);
                            if (exact(log, w, now) > 0 && counted(w, now, entry[0]) > 0) {
                                takeOne(log, entry[0]);
                            }
                            assertThat(exact(log, w, now)).isBetween(before - 1, before);
                        }
                    }
                    default -> { }
                }
                long probe = now + random.nextLong(w.width * 3);
                assertThat(w.used(s, probe)).as("step %d", step).isEqualTo(exact(log, w, probe));
                assertThat(s.total(w)).isEqualTo(ringSum(s, w));
            }
        }
    }

    @Test
    void mergingAddsCountsAndKeepsTotalsExact() {
        UserState a = new UserState();
        UserState b = new UserState();
        a.advance(T0);
        b.advance(T0 + 7_000);
        Windows.LEGACY.rings[0].add(a, T0, 60_000);
        Windows.LEGACY.rings[0].add(b, T0 + 7_000, 10_000);
        a.absorb(b, T0 + 8_000);
        assertThat(a.used(Windows.LEGACY.rings[0], T0 + 8_000)).isEqualTo(70_000);
        assertThat(a.total(Windows.LEGACY.rings[0])).isEqualTo(ringSum(a, Windows.LEGACY.rings[0]));
        a.clearCounts();
        assertThat(a.idle(T0 + 8_000)).isTrue();
    }

    @Test
    void theWrittenOutDivisorsAreTheWindowsOwn() {
        Random random = new Random(3);
        for (SlidingWindow w : Windows.LEGACY.rings) {
            assertThat(w.slots).isEqualTo(w == Windows.LEGACY.rings[2] ? 25 : 13);
            assertThat(w.offset).isEqualTo(w.ring * 15); // 13 counters and a total of two chars a ring
            for (int i = 0; i < 10_000; i++) {
                long millis = random.nextLong(Long.MAX_VALUE);
                assertThat(w.bucket(millis)).isEqualTo(millis / w.width);
            }
        }
    }

    @Test
    void aRetiredStateSaysSo() {
        UserState s = new UserState();
        assertThat(s.retired()).isFalse();
        s.retire();
        assertThat(s.retired()).isTrue();
    }

    private static long exact(List<long[]> log, SlidingWindow w, long now) {
        long newest = w.bucket(now);
        long sum = 0;
        for (long[] e : log) {
            if (e[0] > newest - w.slots && e[0] <= newest) {
                sum += e[1];
            }
        }
        return Math.min(sum, Integer.MAX_VALUE);
    }

    private static long counted(SlidingWindow w, long now, long bucket) {
        return bucket > w.bucket(now) - w.slots ? 1 : 0;
    }

    private static void takeOne(List<long[]> log, long bucket) {
        for (long[] e : log) {
            if (e[0] == bucket && e[1] > 0) {
                e[1]--;
                return;
            }
        }
    }

    private static long ringSum(UserState s, SlidingWindow w) {
        long sum = 0;
        for (int i = 0; i < w.slots; i++) {
            sum += s.count(w.offset + i);
        }
        return sum;
    }
}
