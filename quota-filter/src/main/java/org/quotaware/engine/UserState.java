package org.quotaware.engine;

import java.io.Serializable;

/**
 * One user's quota state: the counters of its windows' rings ({@link Windows}) with a running total per ring, the
 * concurrency slots held (a token and a lease expiry each), the queue places, the allowances granted to members
 * ({@link Allowances}) and two outcome counters. Changed only by
 * the engine's operations, which a store runs atomically; never shared outside a store's critical section.
 * <p>
 * Small on purpose (a store holds one per tracked user): the counters are 16 bits each while every one fits (51
 * {@code char}s for the seed's three windows) and two {@code char}s each from the first count above 65 535 on, so no
 * count is ever cut; the running totals, kept in the same array, make every window's use a read instead of a sum over
 * its buckets.
 */
public final class UserState implements Serializable {

    private static final long serialVersionUID = 3L;

    /** The counters of a state a store has dropped; see {@link #retire()}. */
    private static final char[] RETIRED = new char[0];

    /** The time the windows were last advanced to; decisions never see time run backwards past it. */
    long advancedTo;
    /** The layout of {@link #counts}: which windows it counts, see {@link Windows}. */
    Windows windows = Windows.LEGACY;
    /**
     * Every ring's counters, then each ring's running total (the sum of its counters). Narrow while every counter
     * fits in 16 bits: one {@code char} a counter, two a total; wide from the first count above 65 535 on: two a
     * counter, four a total. See {@link #count}.
     */
    private char[] counts = new char[narrow(Windows.LEGACY)];
    /** Whether {@link #counts} holds two {@code char}s a counter (and four a total): read on every count. */
    private boolean wide;
    /** Slots held: (token, lease expiry) pairs, see {@link Leases}. */
    long[] slots = Leases.NONE;
    /** Queue places, in arrival order: (token, lease expiry) pairs. */
    long[] waiting = Leases.NONE;
    /** What the owner granted members to decide on their own, see {@link Allowances}; {@link #stride()} a grant. */
    long[] allowances = Allowances.NONE;
    long completed;
    long failed;
    long lastActivity;
    /**
     * The last denial, while no other operation changed this state since it was made: see {@link RememberedDenial}.
     * Never encoded, copied or serialized: a state read from bytes starts without one.
     */
    transient RememberedDenial denial;

    private static int narrow(Windows w) {
        return w.length;
    }

    /** Longs per allowance: id, expiry, slots, then the units of each ring. */
    int stride() {
        return Allowances.UNITS + windows.rings.length;
    }

    /** The time a decision uses: the store's clock, but never earlier than a time this state has already seen. */
    long clamp(long now) {
        return Math.max(now, advancedTo);
    }

    /**
     * The end of one operation on this state ({@link StateStep#end}, which every store calls): a remembered denial
     * survives only the operation that made or used it, so any other operation (whatever it changed) forgets it.
     */
    void endOperation() {
        RememberedDenial d = denial;
        if (d != null) {
            if (d.kept) {
                d.kept = false;
            } else {
                denial = null;
            }
        }
    }

    /**
     * Moves every window to {@code now}, gives back slots and queue places whose lease ended, and settles the
     * allowances that expired: their units are counted as used at their expiry, the latest their member could have
     * used them (a member that stops reporting has died), so they stay counted a full window from then.
     */
    void advance(long now) {
        if (allowances.length != 0) {
            for (int i = Allowances.firstExpired(allowances, now, stride()); i >= 0;
                    i = Allowances.firstExpired(allowances, now, stride())) {
                long at = Math.max(allowances[i + Allowances.EXPIRY], advancedTo);
                advanceWindows(at);
                for (SlidingWindow w : windows.rings) {
                    count(w, at, allowances[i + Allowances.UNITS + w.ring]);
                }
                allowances = Allowances.remove(allowances, i, stride());
            }
        }
        advanceWindows(now);
        slots = Leases.expire(slots, now);
        waiting = Leases.expire(waiting, now);
    }

    private void advanceWindows(long now) {
        if (now > advancedTo) {
            Windows layout = windows;
            // the seed's rings (see Windows#seed) move only when the minute's 5 s bucket does: the hour's and the
            // day's buckets are whole numbers of it. Most decisions then move none, in two multiplications
            if (!layout.seed || now / 5_000 != advancedTo / 5_000) {
                move(layout, now); // on its own, to inline this test
            }
            advancedTo = now;
        }
    }

    private void move(Windows layout, long now) {
        for (SlidingWindow w : layout.rings) {
            w.advance(this, advancedTo, now);
        }
    }

    /** Counts {@code units} in window {@code w} at {@code now}, to which the windows were advanced. */
    void count(SlidingWindow w, long now, long units) {
        if (units > 0) {
            w.add(this, now, (int) Math.min(units, Integer.MAX_VALUE));
        }
    }

    /** Units of window {@code window} counted at {@code now}, the allowances' unsettled units included. */
    long used(SlidingWindow window, long now) {
        long used = window.used(this, now);
        return allowances.length == 0 ? used : used + Allowances.outstanding(allowances, stride(), window, now);
    }

    /** Slots held at {@code now}: the leases still running and the slots of the allowances still live. */
    int activeSlots(long now) {
        int held = Leases.live(slots, now);
        return allowances.length == 0 ? held : (int) Math.min(Integer.MAX_VALUE,
                held + Allowances.liveSlots(allowances, stride(), now));
    }

    /** Queue places held with a lease still running at {@code now}. */
    int queued(long now) {
        return Leases.live(waiting, now);
    }

    /** Counter {@code i} of all rings ({@link Windows#counters} of them). */
    int count(int i) {
        char[] c = counts;
        return wide ? c[2 * i] << 16 | c[2 * i + 1] : c[i];
    }

    /** Sets counter {@code i} to {@code value} (0 to {@link Integer#MAX_VALUE}); the running total is the caller's. */
    void setCount(int i, int value) {
        char[] c = counts;
        if (!wide) {
            if (value <= Character.MAX_VALUE) {
                c[i] = (char) value;
                return;
            }
            c = widen();
        }
        c[2 * i] = (char) (value >>> 16);
        c[2 * i + 1] = (char) value;
    }

    private char[] widen() {
        Windows w = windows;
        char[] wide = new char[2 * narrow(w)];
        for (SlidingWindow ring : w.rings) {
            for (int i = ring.offset; i < ring.offset + ring.slots; i++) {
                wide[2 * i + 1] = counts[i];
            }
            long t = total(ring);
            int at = ring.wideTotal;
            wide[at] = (char) (t >>> 48);
            wide[at + 1] = (char) (t >>> 32);
            wide[at + 2] = (char) (t >>> 16);
            wide[at + 3] = (char) t;
        }
        counts = wide;
        this.wide = true;
        return wide;
    }

    /** Ring {@code w}'s running total ({@code w} of this state's layout, or of one it extends). */
    long total(SlidingWindow w) {
        return total(w.narrowTotal);
    }

    /**
     * The running total a narrow array keeps at {@code at} (a ring's {@code offset + slots}; a wide array at twice
     * that): a literal for the seed's rings, see {@link SlidingWindow#add(UserState, long, int, long, int, int)}.
     */
    long total(int at) {
        char[] c = counts;
        if (!wide) {
            return c[at] << 16 | c[at + 1];
        }
        int w = 2 * at;
        return (long) c[w] << 48 | (long) c[w + 1] << 32 | (long) c[w + 2] << 16 | c[w + 3];
    }

    void addTotal(SlidingWindow w, long delta) {
        addTotal(w.narrowTotal, delta);
    }

    void addTotal(int at, long delta) {
        if (delta == 0) {
            return;
        }
        long t = total(at) + delta;
        char[] c = counts;
        if (!wide) {
            // a narrow ring's total is at most 25 counters of 16 bits: 31 bits
            c[at] = (char) (t >>> 16);
            c[at + 1] = (char) t;
            return;
        }
        int w = 2 * at;
        c[w] = (char) (t >>> 48);
        c[w + 1] = (char) (t >>> 32);
        c[w + 2] = (char) (t >>> 16);
        c[w + 3] = (char) t;
    }

    /** Zeroes every window counter (and so every total). */
    void clearCounts() {
        counts = new char[narrow(windows)];
        wide = false;
    }

    /** Recomputes the totals from the counters, after they were set one by one (decoding, merging). */
    void sumTotals() {
        for (SlidingWindow w : windows.rings) {
            long sum = 0;
            for (int i = 0; i < w.slots; i++) {
                sum += count(w.offset + i);
            }
            addTotal(w, sum - total(w));
        }
    }

    /**
     * Puts this state in {@code layout}, the layout of the limits an operation decides with: at once when it is
     * already in it (or in one extending it), by naming it when the rings are the same (a state read from bytes),
     * and otherwise by moving the counters of every ring both have, and keeping the rings only this state has, after
     * the layout's, while they count something. Allowances move with their rings. The windows must be advanced.
     */
    void adopt(Windows layout) {
        if (!windows.fits(layout)) { // nearly always fits: the move on its own, so that this test is inlined
            move(layout);
        }
    }

    private void move(Windows layout) {
        Windows from = windows;
        if (from.sameRings(layout)) {
            windows = layout;
            return;
        }
        java.util.List<Windows.Key> extra = new java.util.ArrayList<>();
        for (SlidingWindow w : from.rings) {
            if (layout.indexOf(w.key()) < 0 && total(w) > 0) {
                extra.add(w.key());
            }
        }
        Windows to = extra.isEmpty() ? layout : Windows.extended(layout, extra);
        UserState moved = new UserState();
        moved.windows = to;
        moved.clearCounts();
        int oldStride = stride();
        long[] a = allowances.length == 0 ? Allowances.NONE
                : new long[allowances.length / oldStride * (Allowances.UNITS + to.rings.length)];
        int newStride = Allowances.UNITS + to.rings.length;
        for (int g = 0; g * oldStride < allowances.length; g++) {
            System.arraycopy(allowances, g * oldStride, a, g * newStride, Allowances.UNITS);
        }
        for (SlidingWindow w : to.rings) {
            int r = from.indexOf(w.key());
            if (r < 0) {
                continue;
            }
            SlidingWindow old = from.rings[r];
            for (int i = 0; i < w.slots; i++) {
                moved.setCount(w.offset + i, count(old.offset + i));
            }
            for (int g = 0; g * oldStride < allowances.length; g++) {
                a[g * newStride + Allowances.UNITS + w.ring] = allowances[g * oldStride + Allowances.UNITS + r];
            }
        }
        moved.sumTotals();
        windows = to;
        counts = moved.counts;
        wide = moved.wide;
        allowances = a;
    }

    /** This state seen in {@code layout}, for an operation that changes nothing: itself, or a moved copy. */
    UserState in(Windows layout) {
        if (windows.fits(layout)) {
            return this;
        }
        UserState c = copy();
        c.adopt(layout);
        return c;
    }

    /**
     * Marks this state as dropped by its store; a store that looks states up without a lock checks {@link #retired()}
     * under the state's lock, and looks again when another thread dropped it in between. Uses the counters' field so
     * the mark costs no memory; a retired state is never read again.
     */
    public void retire() {
        counts = RETIRED;
    }

    public boolean retired() {
        return counts == RETIRED;
    }

    /** The compact binary form, for a store that keeps bytes; see {@link #fromBytes}. */
    public byte[] toBytes() {
        return StateCodec.encode(this);
    }

    /** The state {@link #toBytes} wrote. */
    public static UserState fromBytes(byte[] bytes) {
        return StateCodec.decode(bytes);
    }

    /** A deep copy, for a store that hands state from one place to another. */
    public UserState copy() {
        UserState c = new UserState();
        c.advancedTo = advancedTo;
        c.windows = windows;
        c.counts = counts.clone();
        c.wide = wide;
        c.slots = slots.length == 0 ? Leases.NONE : slots.clone();
        c.waiting = waiting.length == 0 ? Leases.NONE : waiting.clone();
        c.allowances = allowances.length == 0 ? Allowances.NONE : allowances.clone();
        c.completed = completed;
        c.failed = failed;
        c.lastActivity = lastActivity;
        return c;
    }

    /**
     * Adds the window counts and outcome counters of {@code other} (e.g. what a member counted alone while the
     * distributed store was out of reach) to this state. Slots, queue places and allowances stay with the store that
     * issued them.
     */
    void absorb(UserState other, long now) {
        long t = Math.max(clamp(now), other.advancedTo);
        advance(t);
        UserState o = other.copy();
        o.allowances = Allowances.NONE;
        o.advance(t);
        for (SlidingWindow w : o.windows.rings) {
            if (o.total(w) == 0) {
                continue;
            }
            int r = windows.indexOf(w.key());
            if (r < 0) {
                adopt(Windows.extended(windows, java.util.List.of(w.key())));
                r = windows.indexOf(w.key());
            }
            SlidingWindow mine = windows.rings[r];
            for (int i = 0; i < w.slots; i++) {
                int at = mine.offset + i;
                setCount(at, (int) Math.min((long) count(at) + o.count(w.offset + i), Integer.MAX_VALUE));
            }
        }
        sumTotals();
        completed += o.completed;
        failed += o.failed;
        lastActivity = Math.max(lastActivity, o.lastActivity);
    }

    /**
     * A copy of the window counts and outcome counters as if this state had been counted up to {@code to} instead of
     * up to its own time: each unit keeps its age (rounded up to the next bucket, so it never leaves a window earlier
     * than it would have). Used to merge a state counted on another clock; slots and queue places are not copied.
     */
    UserState rebased(long to) {
        long delta = to - advancedTo;
        UserState r = new UserState();
        r.advancedTo = to;
        r.windows = windows;
        r.clearCounts();
        for (SlidingWindow w : windows.rings) {
            w.moveInto(this, r, delta);
        }
        r.sumTotals();
        r.completed = completed;
        r.failed = failed;
        r.lastActivity = lastActivity == 0 ? 0 : lastActivity + delta;
        return r;
    }

    /** Whether any window counts a unit or any outcome is counted: what a merge would add. */
    public boolean counts() {
        if (completed + failed > 0) {
            return true;
        }
        for (SlidingWindow w : windows.rings) {
            if (total(w) > 0) {
                return true;
            }
        }
        return false;
    }

    /** How many allowances the state records: members deciding this user's requests on their own. */
    public int allowanceCount() {
        return allowances.length / stride();
    }

    /** What the state holds, for logs and test failures: the windows' totals, the leases, the allowances. */
    @Override
    public String toString() {
        StringBuilder totals = new StringBuilder();
        for (SlidingWindow w : windows.rings) {
            totals.append(totals.length() == 0 ? "" : "/").append(total(w));
        }
        return "UserState[at=" + advancedTo + ", windows=" + windows + ", totals=" + totals
                + ", slots=" + java.util.Arrays.toString(slots) + ", waiting=" + java.util.Arrays.toString(waiting)
                + ", allowances=" + java.util.Arrays.toString(allowances) + "]";
    }

    /**
     * True when the state holds nothing a later decision needs: no slot, nobody queued, no allowance that may still
     * count (live, or expired with units still in their windows), no unit counted in any window. A store drops an idle state; the user then starts again from zero, which is exactly what the state said.
     */
    public boolean idle(long now) {
        if (allowances.length != 0 && !Allowances.lapsed(allowances, windows, now) || queued(now) > 0
                || activeSlots(now) > 0) {
            return false;
        }
        long t = clamp(now);
        Windows layout = windows;
        if (layout.seed) { // constants, see Windows#seed
            return SlidingWindow.MINUTE.used(this, t) == 0 && SlidingWindow.HOUR.used(this, t) == 0
                    && SlidingWindow.DAY.used(this, t) == 0;
        }
        for (SlidingWindow w : layout.rings) {
            if (w.used(this, t) != 0) {
                return false;
            }
        }
        return true;
    }
}
