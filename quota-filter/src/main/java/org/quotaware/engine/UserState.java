package org.quotaware.engine;

import java.io.Serializable;

/**
 * One user's quota state, constant in size for the windows: 51 counters with a running total per window, the
 * concurrency slots held (a token and a lease expiry each), the queue places, the allowances granted to members
 * ({@link Allowances}) and two outcome counters. Changed only by
 * the engine's operations, which a store runs atomically; never shared outside a store's critical section.
 * <p>
 * Small on purpose (a store holds one per tracked user): the counters are 16 bits each while every one fits (51
 * {@code char}s) and two {@code char}s each from the first count above 65 535 on, so no count is ever cut; the running
 * totals make every window's use a read instead of a sum over its buckets.
 */
public final class UserState implements Serializable {

    private static final long serialVersionUID = 2L;

    private static final int NARROW = SlidingWindow.TOTAL_SLOTS;
    private static final int WIDE = 2 * SlidingWindow.TOTAL_SLOTS;
    /** The counters of a state a store has dropped; see {@link #retire()}. */
    private static final char[] RETIRED = new char[0];

    /** The time the windows were last advanced to; decisions never see time run backwards past it. */
    long advancedTo;
    /** Every window's ring of counters, {@link #NARROW} or {@link #WIDE} long; see {@link #count}. */
    private char[] counts = new char[NARROW];
    /** The sum of each window's ring ({@link SlidingWindow#MINUTE}, {@code HOUR}, {@code DAY}). */
    private long minuteTotal;
    private long hourTotal;
    private long dayTotal;
    /** Slots held: (token, lease expiry) pairs, see {@link Leases}. */
    long[] slots = Leases.NONE;
    /** Queue places, in arrival order: (token, lease expiry) pairs. */
    long[] waiting = Leases.NONE;
    /** What the owner granted members to decide on their own, see {@link Allowances}. */
    long[] allowances = Allowances.NONE;
    long completed;
    long failed;
    long lastActivity;
    /**
     * The last denial, while no other operation changed this state since it was made: see {@link RememberedDenial}.
     * Never encoded, copied or serialized: a state read from bytes starts without one.
     */
    transient RememberedDenial denial;

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
            for (int i = Allowances.firstExpired(allowances, now); i >= 0;
                    i = Allowances.firstExpired(allowances, now)) {
                long at = Math.max(allowances[i + Allowances.EXPIRY], advancedTo);
                advanceWindows(at);
                for (SlidingWindow w : SlidingWindow.all()) {
                    count(w, at, allowances[i + Allowances.UNITS + w.ordinal()]);
                }
                allowances = Allowances.remove(allowances, i);
            }
        }
        advanceWindows(now);
        slots = Leases.expire(slots, now);
        waiting = Leases.expire(waiting, now);
    }

    private void advanceWindows(long now) {
        if (now > advancedTo) {
            // each window named, not looped over: the JIT then folds every per-window constant (here and below)
            SlidingWindow.MINUTE.advance(this, advancedTo, now);
            SlidingWindow.HOUR.advance(this, advancedTo, now);
            SlidingWindow.DAY.advance(this, advancedTo, now);
            advancedTo = now;
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
        return allowances.length == 0 ? used : used + Allowances.outstanding(allowances, window, now);
    }

    /** Slots held at {@code now}: the leases still running and the slots of the allowances still live. */
    int activeSlots(long now) {
        int held = Leases.live(slots, now);
        return allowances.length == 0 ? held : (int) Math.min(Integer.MAX_VALUE,
                held + Allowances.liveSlots(allowances, now));
    }

    /** Queue places held with a lease still running at {@code now}. */
    int queued(long now) {
        return Leases.live(waiting, now);
    }

    /** Counter {@code i} of all windows' rings ({@link SlidingWindow#TOTAL_SLOTS} of them). */
    int count(int i) {
        char[] c = counts;
        return c.length == NARROW ? c[i] : c[2 * i] << 16 | c[2 * i + 1];
    }

    /** Sets counter {@code i} to {@code value} (0 to {@link Integer#MAX_VALUE}); the running total is the caller's. */
    void setCount(int i, int value) {
        char[] c = counts;
        if (c.length == NARROW) {
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
        char[] wide = new char[WIDE];
        for (int i = 0; i < NARROW; i++) {
            wide[2 * i + 1] = counts[i];
        }
        counts = wide;
        return wide;
    }

    long total(SlidingWindow w) {
        return switch (w) {
            case MINUTE -> minuteTotal;
            case HOUR -> hourTotal;
            case DAY -> dayTotal;
        };
    }

    void addTotal(SlidingWindow w, long delta) {
        switch (w) {
            case MINUTE -> minuteTotal += delta;
            case HOUR -> hourTotal += delta;
            case DAY -> dayTotal += delta;
        }
    }

    /** Zeroes every window counter (and so every total). */
    void clearCounts() {
        counts = new char[NARROW];
        minuteTotal = 0;
        hourTotal = 0;
        dayTotal = 0;
    }

    /** Recomputes the totals from the counters, after they were set one by one (decoding, merging). */
    void sumTotals() {
        for (SlidingWindow w : SlidingWindow.all()) {
            long sum = 0;
            for (int i = 0; i < w.slots; i++) {
                sum += count(w.offset + i);
            }
            addTotal(w, sum - total(w));
        }
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
        c.counts = counts.clone();
        c.minuteTotal = minuteTotal;
        c.hourTotal = hourTotal;
        c.dayTotal = dayTotal;
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
        for (int i = 0; i < NARROW; i++) {
            setCount(i, (int) Math.min((long) count(i) + o.count(i), Integer.MAX_VALUE));
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
        for (SlidingWindow w : SlidingWindow.all()) {
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
        return minuteTotal + hourTotal + dayTotal + completed + failed > 0;
    }

    /** How many allowances the state records: members deciding this user's requests on their own. */
    public int allowanceCount() {
        return Allowances.count(allowances);
    }

    /** What the state holds, for logs and test failures: the windows' totals, the leases, the allowances. */
    @Override
    public String toString() {
        return "UserState[at=" + advancedTo + ", totals=" + minuteTotal + "/" + hourTotal + "/" + dayTotal
                + ", slots=" + java.util.Arrays.toString(slots) + ", waiting=" + java.util.Arrays.toString(waiting)
                + ", allowances=" + java.util.Arrays.toString(allowances) + "]";
    }

    /**
     * True when the state holds nothing a later decision needs: no slot, nobody queued, no allowance that may still
     * count (live, or expired with units still in their windows), no unit counted in any window. A store drops an idle state; the user then starts again from zero, which is exactly what the state said.
     */
    public boolean idle(long now) {
        if (allowances.length != 0 && !Allowances.lapsed(allowances, now) || queued(now) > 0
                || activeSlots(now) > 0) {
            return false;
        }
        long t = clamp(now);
        return SlidingWindow.MINUTE.used(this, t) == 0 && SlidingWindow.HOUR.used(this, t) == 0
                && SlidingWindow.DAY.used(this, t) == 0;
    }
}
