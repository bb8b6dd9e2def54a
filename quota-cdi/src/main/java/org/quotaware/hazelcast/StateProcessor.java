package org.quotaware.hazelcast;

import java.io.Serializable;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import org.quotaware.engine.UserState;
import org.quotaware.spi.StateOperation;

/**
 * Runs one engine operation on the member that owns the user's entry, under the entry's partition lock: the
 * {@link HazelcastQuotaStore}'s atomic primitive.
 * <p>
 * Deterministic on purpose: the time and the tracked-user decision are taken by the caller and carried here, so
 * Hazelcast can replay the same processor on the backup replicas (its default backup processor) and reach the same
 * state. The entry holds the state's bytes ({@link UserState#toBytes}), so reading a value never needs the engine's
 * classes on the partition thread; this class, {@link StateProcessor.Outcome} and the engine classes must still be
 * loadable on every member that runs it: a WAR deployed under different names on different members is not enough
 * (use {@code --addlibs}).
 *
 * @param <R> the operation's answer
 */
public final class StateProcessor<R> implements EntryProcessor<String, byte[], StateProcessor.Outcome<R>> {

    private static final long serialVersionUID = 1L;

    /** Null for a sweep: drop the entry if idle, otherwise leave it untouched (no write, no TTL renewal). */
    private final StateOperation<R> operation;
    private final long nowMillis;
    private final boolean roomForNewUser;
    private final long ttlMillis;

    StateProcessor(StateOperation<R> operation, long nowMillis, boolean roomForNewUser, long ttlMillis) {
        this.operation = operation;
        this.nowMillis = nowMillis;
        this.roomForNewUser = roomForNewUser;
        this.ttlMillis = ttlMillis;
    }

    @Override
    public Outcome<R> process(Map.Entry<String, byte[]> entry) {
        // the value is plain bytes: reading it needs no class of the application on the partition thread
        byte[] stored = entry.getValue();
        UserState state = stored == null ? null : UserState.fromBytes(stored);
        boolean existed = state != null;
        if (operation == null) {
            if (existed && state.idle(nowMillis)) {
                entry.setValue(null);
                return new Outcome<>(null, -1);
            }
            return null;
        }
        if (!existed && roomForNewUser) {
            state = new UserState();
        }
        R answer = operation.apply(state, nowMillis); // a null state: the operation denies an untracked user
        if (state == null) {
            return new Outcome<>(answer, 0);
        }
        if (state.idle(nowMillis)) {
            if (existed) {
                entry.setValue(null);
            }
            return new Outcome<>(answer, existed ? -1 : 0);
        }
        // the TTL only bounds abandoned entries: a live entry is rewritten (and its TTL renewed) by every operation
        byte[] bytes = state.toBytes();
        if (entry instanceof ExtendedMapEntry<String, byte[]> extended) {
            extended.setValue(bytes, ttlMillis, TimeUnit.MILLISECONDS);
        } else {
            entry.setValue(bytes);
        }
        return new Outcome<>(answer, existed ? 0 : 1);
    }

    /**
     * The operation's answer and the change in the number of entries (+1 created, -1 removed), which the caller's
     * tracked-user estimate adds up between two exact counts.
     *
     * @param <R> the operation's answer
     */
    public static final class Outcome<R> implements Serializable {

        private static final long serialVersionUID = 1L;

        private final R answer;
        private final int trackedDelta;

        Outcome(R answer, int trackedDelta) {
            this.answer = answer;
            this.trackedDelta = trackedDelta;
        }

        public R answer() {
            return answer;
        }

        public int trackedDelta() {
            return trackedDelta;
        }
    }
}
