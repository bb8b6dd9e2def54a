package org.quotaware.engine;

import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.WindowedLimit;

/**
 * Each enabled limit's state after one decision, as the immutable list {@link Decision#limits()} answers: the numbers
 * are read from the state under the store's lock, and the {@link LimitStatus} objects are made only when someone reads
 * them (most decisions are never asked: a caller that only runs its task reads no status). The windowed limits come
 * first, in the order of {@link QuotaLimits#windows()}, then the concurrency limit when it is on.
 */
final class Statuses extends AbstractList<LimitStatus> implements RandomAccess, Serializable {

    private static final long serialVersionUID = 2L;
    /** Bits of a row's whole seconds until reset in {@link #first}: 31 days and a bucket fit in 22. */
    private static final int RESET_BITS = 22;

    /** The limits decided under: the layout of the rows ({@link Windows#of}) and the concurrency limit. */
    private final transient QuotaLimits limits;
    /**
     * Each windowed row shown: its use shifted left by {@link #RESET_BITS}, or'ed with its whole seconds until reset.
     * The first three in fields, the others in {@link #more}: most tiers have three rows at most, and a decision
     * then allocates no array (every decision makes a Statuses).
     */
    private final long first;
    private final long second;
    private final long third;
    private final long[] more;
    /** The row of the layout each shown row is, when not every row is shown; null when all are (then, as many). */
    private final int[] shown;
    private final int activeSlots;

    /**
     * The statuses of {@code s} (in {@code layout}, the layout of {@code limits}) at {@code now}, showing only the
     * limits that count {@code request} (null: every limit): a rule's limits are not the business of a request the
     * rule does not match.
     */
    static Statuses of(UserState s, QuotaLimits limits, Windows layout, long now, QuotaRequest request) {
        // each shape in a method of its own: this test then inlines into the decision
        return layout.seedRows ? seed(s, limits, now) : new Statuses(s, limits, layout, now, request);
    }

    /** Every row of the seed's layout (no rule), the rings' numbers as literals: see {@link Windows#seed}. */
    private static Statuses seed(UserState s, QuotaLimits limits, long now) {
        long maxTasks = limits.maxConcurrentTasks();
        long minute = s.used(SlidingWindow.MINUTE, now);
        long hour = s.used(SlidingWindow.HOUR, now);
        long day = s.used(SlidingWindow.DAY, now);
        return new Statuses(limits, maxTasks == QuotaLimits.OFF ? 0 : s.activeSlots(now),
                minute == 0 ? 0 : row(s, SlidingWindow.MINUTE, now, minute, SlidingWindow.minuteUntilReset(s, now)),
                hour == 0 ? 0 : row(s, SlidingWindow.HOUR, now, hour, SlidingWindow.hourUntilReset(s, now)),
                day == 0 ? 0 : row(s, SlidingWindow.DAY, now, day, SlidingWindow.dayUntilReset(s, now)));
    }

    /** The seed's three rows. */
    private Statuses(QuotaLimits limits, int activeSlots, long first, long second, long third) {
        this.limits = limits;
        this.activeSlots = activeSlots;
        this.first = first;
        this.second = second;
        this.third = third;
        this.more = null;
        this.shown = null;
    }

    private Statuses(UserState s, QuotaLimits limits, Windows layout, long now, QuotaRequest request) {
        this.limits = limits;
        this.activeSlots = limits.maxConcurrentTasks() == QuotaLimits.OFF ? 0 : s.activeSlots(now);
        WindowedLimit[] r = layout.rows;
        int[] pick = null;
        int n = r.length;
        if (request != null) {
            for (int i = 0; i < r.length; i++) {
                if (!layout.rings[layout.ringOfRow[i]].applies(request)) {
                    if (pick == null) { // the rows before this one are all shown
                        pick = new int[r.length];
                        for (n = 0; n < i; n++) {
                            pick[n] = n;
                        }
                    }
                } else if (pick != null) {
                    pick[n++] = i;
                }
            }
        }
        this.shown = pick == null ? null : java.util.Arrays.copyOf(pick, n);
        long a = 0;
        long b = 0;
        long c = 0;
        long[] extra = n > 3 ? new long[n - 3] : null;
        for (int k = 0; k < n; k++) {
            int i = shown == null ? k : shown[k];
            long row = row(s, layout.rings[layout.ringOfRow[i]], now);
            switch (k) {
                case 0 -> a = row;
                case 1 -> b = row;
                case 2 -> c = row;
                default -> extra[k - 3] = row;
            }
        }
        this.first = a;
        this.second = b;
        this.third = c;
        this.more = extra;
    }

    /** Ring {@code w}'s row: its use and its whole seconds until reset, see {@link #first}. */
    private static long row(UserState s, SlidingWindow w, long now) {
        long used = s.used(w, now);
        // nothing in use means nothing to give back: the bucket scan is skipped (the common case of a quiet limit)
        return used == 0 ? 0 : row(s, w, now, used, w.millisUntilReset(s, now));
    }

    /** The row of {@code w}, {@code used} (not 0) and its own {@link SlidingWindow#millisUntilReset} given. */
    private static long row(UserState s, SlidingWindow w, long now, long used, long ringReset) {
        long reset = Math.min(QuotaEngine.seconds(QuotaEngine.millisUntilReset(s, w, now, ringReset)),
                (1L << RESET_BITS) - 1);
        return Math.min(used, Long.MAX_VALUE >>> RESET_BITS) << RESET_BITS | reset;
    }

    private long row(int k) {
        return k == 0 ? first : k == 1 ? second : k == 2 ? third : more[k - 3];
    }

    /** How many windowed rows are shown. */
    private int windowed() {
        return shown == null ? Windows.of(limits).rows.length : shown.length;
    }

    @Override
    public int size() {
        return windowed() + (limits.maxConcurrentTasks() == QuotaLimits.OFF ? 0 : 1);
    }

    @Override
    public LimitStatus get(int index) {
        if (index < 0 || index >= size()) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size() + " statuses");
        }
        if (index == windowed()) {
            long maxTasks = limits.maxConcurrentTasks();
            return new LimitStatus(Limit.CONCURRENT_TASKS, maxTasks, activeSlots,
                    Math.max(0, maxTasks - activeSlots), 0);
        }
        int i = shown == null ? index : shown[index];
        Windows layout = Windows.of(limits);
        WindowedLimit row = layout.rows[i];
        long shownRow = row(index);
        long used = shownRow >>> RESET_BITS;
        long reset = shownRow & ((1L << RESET_BITS) - 1);
        return new LimitStatus(layout.rowLimits[i], row.max(), used, Math.max(0, row.max() - used), reset,
                row.qualifiedName(), row.windowSeconds());
    }

    /** Travels (Java serialization) as the plain immutable list it stands for. */
    private Object writeReplace() throws ObjectStreamException {
        return List.copyOf(this);
    }
}
