package org.quotaware.hazelcast;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceAware;
import com.hazelcast.internal.serialization.Data;
import com.hazelcast.jet.impl.connector.AbstractUpdateMapP.ApplyValuesEntryProcessor;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.ExtendedMapEntry;
import com.hazelcast.map.impl.EntryRemovingProcessor;
import com.hazelcast.query.impl.QueryableEntry;
import org.quotaware.engine.StateStep;
import org.quotaware.engine.UserState;
import org.quotaware.engine.WireFormat;
import org.quotaware.spi.StateOperation;

/**
 * Runs one engine operation on the member that owns the user's entry, under the entry's partition lock: the
 * {@link HazelcastQuotaStore}'s atomic primitive.
 * <p>
 * Deterministic on purpose: the time and the tracked-user decision are taken by the caller and carried here, so the
 * answer depends only on the entry and the processor. The backup replicas do not run the engine again: they get what
 * this processor wrote ({@link #getBackupProcessor}), synchronously, as for any other write of the map. The entry holds
 * the state's bytes ({@link UserState#toBytes}), so reading a value never needs the engine's classes on the partition
 * thread.
 * <p>
 * Compact on the wire: {@link Externalizable}, carrying the operation in the engine's {@link WireFormat}, and
 * answering a {@code byte[]} (the tracked-user change, then the answer: {@link WireFormat#result}), which Hazelcast
 * sends without a class descriptor. Java serialization rather than Hazelcast's {@code DataSerializable} on purpose:
 * Payara Micro's Hazelcast reads a {@code DataSerializable} with its own class loader, which cannot see the
 * application's classes, but reads a Java-serialized object through its global serializer with the class loader of
 * the application named by the thread that wrote it. So this class is read on every member that runs the same
 * application, the plain Hazelcast way (its configured class loader) or Payara's.
 */
public final class StateProcessor implements EntryProcessor<String, byte[], byte[]>, Externalizable,
        HazelcastInstanceAware {

    private static final long serialVersionUID = 1L;

    /** Null for a sweep: drop the entry if idle, otherwise leave it untouched (no write). */
    private StateOperation<?> operation;
    private long nowMillis;
    private boolean roomForNewUser;
    /** The entry's time-to-live, or 0 for none: the map's max-idle bounds it (see HazelcastQuotaStore). */
    private long ttlMillis;
    /** The key of the entry {@link #process} wrote, as Hazelcast holds it; null when it wrote nothing. Never sent. */
    private transient Data writtenKey;
    /** The value it wrote, in the form the record store keeps (so made once for both); null for a removal. */
    private transient Data writtenValue;
    /** The member this runs on (Hazelcast hands it to processors it runs); null when not told. Never sent. */
    private transient HazelcastInstance member;

    /** For Java serialization, which fills it in {@link #readExternal}. */
    public StateProcessor() {
    }

    StateProcessor(StateOperation<?> operation, long nowMillis, boolean roomForNewUser, long ttlMillis) {
        this.operation = operation;
        this.nowMillis = nowMillis;
        this.roomForNewUser = roomForNewUser;
        this.ttlMillis = ttlMillis;
    }

    @Override
    public void setHazelcastInstance(HazelcastInstance member) {
        this.member = member;
    }

    @Override
    public byte[] process(Map.Entry<String, byte[]> entry) {
        writtenKey = null;
        writtenValue = null;
        // the value is plain bytes: reading it needs no class of the application on the partition thread
        byte[] stored = entry.getValue();
        UserState state = stored == null ? null : UserState.fromBytes(stored);
        if (operation == null) {
            if (state != null && state.idle(nowMillis)) {
                entry.setValue(null);
            }
            return null; // the sweep's caller counts the entries exactly afterwards: nothing to send back
        }
        boolean existed = state != null;
        state = StateStep.begin(state, roomForNewUser);
        Object answer = operation.apply(state, nowMillis); // a null state: the operation answers there is no room
        StateStep.Change change = StateStep.end(existed, state, nowMillis);
        if (change.keeps()) {
            write(entry, state.toBytes(), ttlMillis);
            written(entry);
        } else if (change == StateStep.Change.REMOVE) {
            write(entry, null, ttlMillis);
            written(entry);
        }
        return WireFormat.result(change.trackedDelta, answer);
    }

    /**
     * Remembers what {@link #process} left in the entry, for the backups: the key's and the value's serialized forms,
     * which Hazelcast has or makes anyway (the record store keeps the value's form {@link QueryableEntry} made here).
     */
    @SuppressWarnings("unchecked")
    private void written(Map.Entry<String, byte[]> entry) {
        QueryableEntry<String, byte[]> written = (QueryableEntry<String, byte[]>) entry;
        writtenKey = written.getKeyData();
        writtenValue = entry.getValue() == null ? null : written.getValueData();
    }

    /**
     * Called by Hazelcast on the owner after {@link #process} on this same instance, before it knows whether a backup
     * replica exists: the backups set the bytes it wrote (or remove the entry), and get nothing when it wrote nothing.
     * On a member alone in its cluster no replica can exist (Hazelcast allows no backup there), so none is built;
     * a replica that joins later receives the partition whole, this write included. The sweep sends nothing: the idle
     * entries it removes count nothing, and a backup drops its copies by the map's max-idle (a promoted backup's
     * operations remove them earlier, as any idle state).
     */
    @Override
    @SuppressWarnings({"unchecked", "rawtypes"})
    public EntryProcessor<String, byte[], byte[]> getBackupProcessor() {
        if (writtenKey == null || alone()) {
            return null;
        }
        return (EntryProcessor) backup(writtenKey, writtenValue);
    }

    /** Whether this member is the only one of its cluster (a lite member or an unknown cluster counts as company). */
    private boolean alone() {
        HazelcastInstance m = member;
        return m != null && m.getCluster().getMembers().size() == 1;
    }

    /**
     * What the backups run to end in the entry the owner left: Hazelcast's own processors, which set the value's
     * serialized bytes or remove the entry. They are {@code IdentifiedDataSerializable} by Hazelcast's own factories,
     * so every member reads them without any class of the application and without its context: on Payara Micro the
     * map then needs no tenant, whose request context Payara pushed around every operation on the partition thread (8%
     * of the CPU per request, profiled).
     */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private static EntryProcessor<String, byte[], ?> backup(Data key, Data value) {
        if (value == null) {
            return (EntryProcessor) EntryRemovingProcessor.ENTRY_REMOVING_PROCESSOR;
        }
        return new ApplyValuesEntryProcessor<>(Map.<Data, Object>of(key, value));
    }

    /** A backup processor as {@link #process} sends, for {@link DecisionPath#unreadable} to read back. */
    static Object sampleBackup() {
        return new ApplyValuesEntryProcessor<String, byte[]>(Map.of());
    }

    /** Sets a state's bytes, with a time-to-live unless it is 0, or removes the entry for null bytes. */
    static void write(Map.Entry<String, byte[]> entry, byte[] bytes, long ttlMillis) {
        if (bytes != null && ttlMillis > 0 && entry instanceof ExtendedMapEntry<String, byte[]> extended) {
            extended.setValue(bytes, ttlMillis, TimeUnit.MILLISECONDS);
        } else {
            entry.setValue(bytes);
        }
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        writeBytes(out, operation == null ? null : WireFormat.operation(operation)); // null: the sweep
        out.writeLong(nowMillis);
        out.writeBoolean(roomForNewUser);
        out.writeLong(ttlMillis);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        byte[] encoded = readBytes(in);
        operation = encoded == null ? null : WireFormat.operation(encoded);
        nowMillis = in.readLong();
        roomForNewUser = in.readBoolean();
        ttlMillis = in.readLong();
    }

    /** A length (-1 for null) and the bytes. */
    private static void writeBytes(ObjectOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    private static byte[] readBytes(ObjectInput in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        if (length > 1 << 20) {
            throw new IOException("quotaware: " + length + " bytes is no quota operation");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
