package org.quotaware.hazelcast;

import java.io.Externalizable;
import java.io.IOException;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.Map;

import com.hazelcast.map.EntryProcessor;

/**
 * What a {@link StateProcessor} left in a user's entry on the owner, set as it is on a backup replica: the state's
 * bytes with the same time-to-live, or the entry's removal. The backup so ends in exactly the owner's state without
 * running the engine again, and without the operation crossing the wire a second time. Java-serialized, as the
 * {@link StateProcessor} is, for the same reason (Payara Micro).
 */
public final class StateBackup implements EntryProcessor<String, byte[], byte[]>, Externalizable {

    private static final long serialVersionUID = 1L;

    /** Null: the owner removed the entry. */
    private byte[] state;
    private long ttlMillis;

    /** For Java serialization, which fills it in {@link #readExternal}. */
    public StateBackup() {
    }

    StateBackup(byte[] state, long ttlMillis) {
        this.state = state;
        this.ttlMillis = ttlMillis;
    }

    @Override
    public byte[] process(Map.Entry<String, byte[]> entry) {
        StateProcessor.write(entry, state, ttlMillis);
        return null; // a backup's answer goes nowhere
    }

    @Override
    public void writeExternal(ObjectOutput out) throws IOException {
        writeBytes(out, state);
        out.writeLong(ttlMillis);
    }

    @Override
    public void readExternal(ObjectInput in) throws IOException {
        state = readBytes(in);
        ttlMillis = in.readLong();
    }

    /** A length (-1 for null) and the bytes. */
    static void writeBytes(ObjectOutput out, byte[] bytes) throws IOException {
        out.writeInt(bytes == null ? -1 : bytes.length);
        if (bytes != null) {
            out.write(bytes);
        }
    }

    static byte[] readBytes(ObjectInput in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        if (length > 1 << 20) {
            throw new IOException("quotaware: " + length + " bytes is no quota operation or state");
        }
        byte[] bytes = new byte[length];
        in.readFully(bytes);
        return bytes;
    }
}
