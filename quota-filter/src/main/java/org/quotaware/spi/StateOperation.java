package org.quotaware.spi;

import java.io.Serializable;

import org.quotaware.engine.UserState;

/**
 * A pure engine function over one user's state: deterministic, no I/O, no clock of its own. Serializable so a
 * distributed store can run it where the state lives.
 *
 * @param <R> what it answers
 */
@FunctionalInterface
public interface StateOperation<R> extends Serializable {

    /**
     * @param state     the user's state, which the function may change; a fresh one when the user had none;
     *                  {@code null} only for an {@link #anonymous()} operation, when the store has no room to track
     *                  one more user (see {@link QuotaStore#takesRoom})
     * @param nowMillis the store's wall-clock time in epoch milliseconds
     */
    R apply(UserState state, long nowMillis);

    /**
     * Whether it decides for an anonymous caller, whose new state needs room under the store's tracked-user cap.
     * False by default: operations that only follow a decision (release, renew, claim, inspect, merge) never need
     * room, and always get a state.
     */
    default boolean anonymous() {
        return false;
    }

    // What a store wrapping others (a fallback) may know of an operation without knowing the operation's type.

    /** No slot tokens. */
    long[] NO_SLOTS = {};

    /**
     * This operation deciding with {@code 1/members} of each of its limits (see
     * {@link org.quotaware.QuotaLimits#share}), for a store that decides apart from {@code members} others; itself
     * when it carries no limits.
     */
    default StateOperation<R> shared(int members) {
        return this;
    }

    /**
     * The tokens of the concurrency slots (or queue places) this operation acts on, a release's or a renewal's, so a
     * wrapping store can run it where those were issued. None by default; never changed by the caller.
     */
    default long[] slotTokens() {
        return NO_SLOTS;
    }

    /** Whether it ends the slots of {@link #slotTokens()} (a release) rather than keeping them (a renewal). */
    default boolean endsSlots() {
        return false;
    }

    /** The same operation on {@code tokens} only, a part of {@link #slotTokens()}; see {@link #combine}. */
    default StateOperation<R> forSlots(long[] tokens) {
        return this;
    }

    /** One answer from the answers of two {@link #forSlots} parts run in two stores. */
    default R combine(R first, R second) {
        return first;
    }

    /** The token of the slot {@code answer} says this operation took (an admission), 0 when it took none. */
    default long slotTaken(R answer) {
        return 0;
    }
}
