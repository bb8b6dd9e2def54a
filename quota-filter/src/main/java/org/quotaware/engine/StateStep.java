package org.quotaware.engine;

/**
 * The life cycle of one user's state around one operation, the same in every store: which state the operation runs
 * on, and what the store then does with it. A store only adds its atomic primitive around these two calls:
 * <pre>
 * UserState state = StateStep.begin(stored, roomForNewUser);
 * R answer = operation.apply(state, now);
 * switch (StateStep.end(stored != null, state, now)) { ... write, remove, or leave; count trackedDelta ... }
 * </pre>
 * Two calls and an enum rather than one call answering a record, so the Hazelcast partition thread allocates
 * nothing for it.
 */
public final class StateStep {

    private StateStep() {
    }

    /** What a store does with a user's state after an operation. */
    public enum Change {
        /** Nothing stored before or after: a new user left nothing to keep, or the store had no room for it. */
        NONE(0),
        /** Store the new state: one more tracked user. */
        CREATE(1),
        /** Write the stored state back (a live entry's write also renews its time-to-live). */
        UPDATE(0),
        /** Remove the stored state, now idle: one tracked user less. */
        REMOVE(-1);

        /** The change in the number of states the store holds. */
        public final int trackedDelta;

        Change(int trackedDelta) {
            this.trackedDelta = trackedDelta;
        }

        /** Whether the store keeps a state for the user afterwards. */
        public boolean keeps() {
            return this == CREATE || this == UPDATE;
        }
    }

    /**
     * The state the operation runs on: the stored one, else a new one when the store has room for it, else null (the
     * operation then answers that there is no room; see {@link org.quotaware.spi.QuotaStore#takesRoom}).
     */
    public static UserState begin(UserState stored, boolean roomForNewUser) {
        return stored != null ? stored : roomForNewUser ? new UserState() : null;
    }

    /**
     * What the store does with {@code state} after the operation: an idle state is not kept (removed if it was
     * stored, never stored if it was new), any other is written. Called after every operation on a state, also one
     * that threw: it ends what the state remembers of the operation before (see {@link UserState#endOperation}).
     */
    public static Change end(boolean existed, UserState state, long now) {
        if (state == null) {
            return Change.NONE;
        }
        state.endOperation();
        if (state.idle(now)) {
            return existed ? Change.REMOVE : Change.NONE;
        }
        return existed ? Change.UPDATE : Change.CREATE;
    }
}
