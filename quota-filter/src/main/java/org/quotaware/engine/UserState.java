package org.quotaware.engine;

import java.io.Serializable;

/**
 * One user's quota state, constant in size for the windows: 51 counters, the concurrency slots held (a token and a
 * lease expiry each), the queue length and two outcome counters. Changed only by the engine's operations, which a
 * store runs atomically; never shared outside a store's critical section.
 */
public final class UserState implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The time the windows were last advanced to; decisions never see time run backwards past it. */
    long advancedTo;
    final int[] counts = new int[SlidingWindow.TOTAL_SLOTS];
    /** Slots held: (token, lease expiry) pairs, see {@link Leases}. */
    long[] slots = Leases.NONE;
    /** Queue places, in arrival order: (token, lease expiry) pairs. */
    long[] waiting = Leases.NONE;
    long completed;
    long failed;
    long lastActivity;

    /** The time a decision uses: the store's clock, but never earlier than a time this state has already seen. */
    long clamp(long now) {
        return Math.max(now, advancedTo);
    }

    /** Moves every window to {@code now} and gives back slots and queue places whose lease ended. */
    void advance(long now) {
        for (SlidingWindow w : SlidingWindow.all()) {
            w.advance(counts, advancedTo, now);
        }
        advancedTo = now;
        slots = Leases.expire(slots, now);
        waiting = Leases.expire(waiting, now);
    }

    long used(SlidingWindow window, long now) {
        return window.used(counts, advancedTo, now);
    }

    /** Slots held with a lease still running at {@code now}. */
    int activeSlots(long now) {
        return Leases.live(slots, now);
    }

    /** Queue places held with a lease still running at {@code now}. */
    int queued(long now) {
        return Leases.live(waiting, now);
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
        System.arraycopy(counts, 0, c.counts, 0, counts.length);
        c.slots = slots.length == 0 ? Leases.NONE : slots.clone();
        c.waiting = waiting.length == 0 ? Leases.NONE : waiting.clone();
        c.completed = completed;
        c.failed = failed;
        c.lastActivity = lastActivity;
        return c;
    }

    /**
     * Adds the window counts and outcome counters of {@code other} (e.g. what a member counted alone while the
     * distributed store was out of reach) to this state. Slots and queue places stay with the store that issued them.
     */
    void absorb(UserState other, long now) {
        long t = Math.max(clamp(now), other.advancedTo);
        advance(t);
        UserState o = other.copy();
        o.advance(t);
        for (int i = 0; i < counts.length; i++) {
            counts[i] = (int) Math.min((long) counts[i] + o.counts[i], Integer.MAX_VALUE);
        }
        completed += o.completed;
        failed += o.failed;
        lastActivity = Math.max(lastActivity, o.lastActivity);
    }

    /**
     * True when the state holds nothing a later decision needs: no slot, nobody queued, no unit counted in any
     * window. A store drops an idle state; the user then starts again from zero, which is exactly what the state said.
     */
    public boolean idle(long now) {
        if (queued(now) > 0 || activeSlots(now) > 0) {
            return false;
        }
        long t = clamp(now);
        for (SlidingWindow w : SlidingWindow.all()) {
            if (w.used(counts, advancedTo, t) > 0) {
                return false;
            }
        }
        return true;
    }
}
