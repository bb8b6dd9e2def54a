package org.quotaware.engine;

import java.io.Serializable;

/**
 * One user's quota state, constant in size for the windows: 51 counters, the concurrency slots held (a token and a
 * lease expiry each), the queue length and two outcome counters. Changed only by the engine's operations, which a
 * store runs atomically; never shared outside a store's critical section.
 */
public final class UserState implements Serializable {

    private static final long serialVersionUID = 1L;
    private static final long[] NO_SLOTS = new long[0];

    /** The time the windows were last advanced to; decisions never see time run backwards past it. */
    long advancedTo;
    final int[] counts = new int[SlidingWindow.TOTAL_SLOTS];
    /** Pairs of (slot token, lease expiry in epoch ms); token 0 marks a free pair. */
    long[] slots = NO_SLOTS;
    int queued;
    long completed;
    long failed;
    long lastActivity;

    /** The time a decision uses: the store's clock, but never earlier than a time this state has already seen. */
    long clamp(long now) {
        return Math.max(now, advancedTo);
    }

    /** Moves every window to {@code now} and gives back slots whose lease expired. */
    void advance(long now) {
        for (SlidingWindow w : SlidingWindow.all()) {
            w.advance(counts, advancedTo, now);
        }
        advancedTo = now;
        for (int i = 0; i < slots.length; i += 2) {
            if (slots[i] != 0 && slots[i + 1] <= now) {
                slots[i] = 0;
            }
        }
    }

    long used(SlidingWindow window, long now) {
        return window.used(counts, advancedTo, now);
    }

    /** Slots held with a lease still running at {@code now}. */
    int activeSlots(long now) {
        int n = 0;
        for (int i = 0; i < slots.length; i += 2) {
            if (slots[i] != 0 && slots[i + 1] > now) {
                n++;
            }
        }
        return n;
    }

    void takeSlot(long token, long leaseExpiry) {
        for (int i = 0; i < slots.length; i += 2) {
            if (slots[i] == 0) {
                slots[i] = token;
                slots[i + 1] = leaseExpiry;
                return;
            }
        }
        long[] grown = java.util.Arrays.copyOf(slots, slots.length + 2);
        grown[slots.length] = token;
        grown[slots.length + 1] = leaseExpiry;
        slots = grown;
    }

    /** Frees the slot with this token; false when no slot has it (already freed, or its lease expired). */
    boolean releaseSlot(long token) {
        boolean found = false;
        boolean anyLeft = false;
        for (int i = 0; i < slots.length; i += 2) {
            if (slots[i] == token) {
                slots[i] = 0;
                found = true;
            } else if (slots[i] != 0) {
                anyLeft = true;
            }
        }
        if (!anyLeft) {
            slots = NO_SLOTS;
        }
        return found;
    }

    /** Extends the lease of the slot with this token; false when no slot has it. */
    boolean renewSlot(long token, long leaseExpiry) {
        for (int i = 0; i < slots.length; i += 2) {
            if (slots[i] == token) {
                slots[i + 1] = leaseExpiry;
                return true;
            }
        }
        return false;
    }

    /** A deep copy, for a store that hands state from one place to another. */
    public UserState copy() {
        UserState c = new UserState();
        c.advancedTo = advancedTo;
        System.arraycopy(counts, 0, c.counts, 0, counts.length);
        c.slots = slots.length == 0 ? NO_SLOTS : slots.clone();
        c.queued = queued;
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
        if (queued > 0 || activeSlots(now) > 0) {
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
