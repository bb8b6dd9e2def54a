package org.quotaware.hazelcast;

import java.io.IOException;
import java.util.Map;

import com.hazelcast.map.EntryProcessor;
import com.hazelcast.nio.ObjectDataInput;
import com.hazelcast.nio.ObjectDataOutput;
import com.hazelcast.nio.serialization.DataSerializable;

/**
 * What a {@link StateProcessor} left in a user's entry on the owner, set as it is on a backup replica: the state's
 * bytes with the same time-to-live, or the entry's removal. The backup so ends in exactly the owner's state without
 * running the engine again, and without the operation crossing the wire a second time.
 */
public final class StateBackup implements EntryProcessor<String, byte[], byte[]>, DataSerializable {

    private static final long serialVersionUID = 1L;

    /** Null: the owner removed the entry. */
    private byte[] state;
    private long ttlMillis;

    /** For Hazelcast, which fills it in {@link #readData}. */
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
    public void writeData(ObjectDataOutput out) throws IOException {
        out.writeByteArray(state);
        out.writeLong(ttlMillis);
    }

    @Override
    public void readData(ObjectDataInput in) throws IOException {
        state = in.readByteArray();
        ttlMillis = in.readLong();
    }
}
