package org.quotaware.engine;

import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.AbstractList;
import java.util.List;
import java.util.RandomAccess;

import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;

/**
 * Each enabled limit's state after one decision, as the immutable list {@link Decision#limits()} answers: the numbers
 * are read from the state under the store's lock, and the {@link LimitStatus} objects are made only when someone reads
 * them (most decisions are never asked: a caller that only runs its task reads no status). Equal, element by element,
 * to the list {@link QuotaEngine#statuses} builds at once.
 */
final class Statuses extends AbstractList<LimitStatus> implements RandomAccess, Serializable {

    private static final long serialVersionUID = 1L;

    /** Where each limit's maximum and whether it is on are read. */
    private final QuotaLimits limits;
    private final long minuteUsed;
    private final long hourUsed;
    private final long dayUsed;
    /** Whole seconds until some of the window's use is given back; below 26 hours, so an int. */
    private final int minuteReset;
    private final int hourReset;
    private final int dayReset;
    private final int activeSlots;
    private final byte size;

    /** The statuses of {@code s} at {@code now} (its windows' time or later), for {@code limits}. */
    Statuses(UserState s, QuotaLimits limits, long now) {
        this.limits = limits;
        int n = 0;
        long used = 0;
        int reset = 0;
        if (limits.requestsPerMinute() != QuotaLimits.OFF) {
            used = s.used(SlidingWindow.MINUTE, now);
            reset = resetSeconds(s, SlidingWindow.MINUTE, now, used);
            n++;
        }
        this.minuteUsed = used;
        this.minuteReset = reset;
        used = 0;
        reset = 0;
        if (limits.filesPerHour() != QuotaLimits.OFF) {
            used = s.used(SlidingWindow.HOUR, now);
            reset = resetSeconds(s, SlidingWindow.HOUR, now, used);
            n++;
        }
        this.hourUsed = used;
        this.hourReset = reset;
        used = 0;
        reset = 0;
        if (limits.filesPerDay() != QuotaLimits.OFF) {
            used = s.used(SlidingWindow.DAY, now);
            reset = resetSeconds(s, SlidingWindow.DAY, now, used);
            n++;
        }
        this.dayUsed = used;
        this.dayReset = reset;
        if (limits.maxConcurrentTasks() != QuotaLimits.OFF) {
            this.activeSlots = s.activeSlots(now);
            n++;
        } else {
            this.activeSlots = 0;
        }
        this.size = (byte) n;
    }

    /** Nothing in use means nothing to give back: the bucket scan is skipped (the common case of a quiet limit). */
    private static int resetSeconds(UserState s, SlidingWindow w, long now, long used) {
        return used == 0 ? 0 : (int) QuotaEngine.seconds(QuotaEngine.millisUntilReset(s, w, now));
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public LimitStatus get(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("index " + index + " of " + size + " statuses");
        }
        int i = index;
        if (limits.requestsPerMinute() != QuotaLimits.OFF && i-- == 0) {
            return window(Limit.REQUESTS_PER_MINUTE, limits.requestsPerMinute(), minuteUsed, minuteReset);
        }
        if (limits.filesPerHour() != QuotaLimits.OFF && i-- == 0) {
            return window(Limit.FILES_PER_HOUR, limits.filesPerHour(), hourUsed, hourReset);
        }
        if (limits.filesPerDay() != QuotaLimits.OFF && i-- == 0) {
            return window(Limit.FILES_PER_DAY, limits.filesPerDay(), dayUsed, dayReset);
        }
        long max = limits.maxConcurrentTasks();
        return new LimitStatus(Limit.CONCURRENT_TASKS, max, activeSlots, Math.max(0, max - activeSlots), 0);
    }

    private static LimitStatus window(Limit limit, long max, long used, long reset) {
        return new LimitStatus(limit, max, used, Math.max(0, max - used), reset);
    }

    /** Travels (Java serialization) as the plain immutable list it stands for. */
    private Object writeReplace() throws ObjectStreamException {
        return List.copyOf(this);
    }
}
