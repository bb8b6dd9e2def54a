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
}
