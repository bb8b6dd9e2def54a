package org.quotaware.engine;

import java.util.function.IntConsumer;

import org.quotaware.spi.StateOperation;

/**
 * The bytes a store that ships operations to where the state lives sends and gets back: the only door to the
 * engine's codecs. Internal to the library (its Hazelcast store uses it), not an API: the format may change in any
 * release, behind the version byte every encoded operation and state starts with.
 */
public final class WireFormat {

    private WireFormat() {
    }

    /** Whether {@code operation} can be shipped: one of the engine's {@link Operations}. */
    public static boolean compact(StateOperation<?> operation) {
        return OperationCodec.compact(operation);
    }

    /** The operation's bytes; see {@link #compact}. */
    public static byte[] operation(StateOperation<?> operation) {
        return OperationCodec.encode(operation);
    }

    /** The operation {@link #operation(StateOperation)} wrote; bytes of another format are refused by name. */
    public static StateOperation<?> operation(byte[] bytes) {
        return OperationCodec.decode(bytes);
    }

    /** What a shipped operation sends back: the change in the number of stored states, then its answer. */
    public static byte[] result(int trackedDelta, Object answer) {
        ByteWriter out = new ByteWriter().putByte(trackedDelta);
        AnswerCodec.write(out, answer);
        return out.toBytes();
    }

    /** The answer in a {@link #result}; the change in the number of stored states goes to {@code trackedDelta}. */
    public static Object answer(byte[] result, IntConsumer trackedDelta) {
        ByteReader in = new ByteReader(result);
        trackedDelta.accept(in.getByte());
        Object answer = AnswerCodec.read(in);
        in.requireEnd();
        return answer;
    }
}
