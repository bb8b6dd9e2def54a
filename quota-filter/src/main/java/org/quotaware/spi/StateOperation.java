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
     *                  {@code null} when the store is at its tracked-user cap and cannot take this user
     * @param nowMillis the store's wall-clock time in epoch milliseconds
     */
    R apply(UserState state, long nowMillis);
}
