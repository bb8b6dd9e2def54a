package org.quotaware.hazelcast;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;

/**
 * The ways a distributed store call fails that are not the engine's doing, and how to recognise them in an exception
 * thrown by Hazelcast (or by any primary store handed to {@link FallbackQuotaStore}).
 */
public enum StoreFailure {

    /**
     * A member could not load {@link StateProcessor} or an engine class. Hazelcast reports it as
     * {@code NullPointerException: ... "this.entryProcessor" is null} (the processor deserialized to nothing on a member
     * whose application has another name), or as a serialization failure ({@code Problem while reading
     * DataSerializable ... class: 'org.quotaware.hazelcast.StateProcessor'}) with a {@link ClassNotFoundException}
     * cause.
     */
    PROCESSOR_CLASSES_MISSING("the quota classes (org.quotaware.hazelcast.StateProcessor and the quota engine) are "
            + "missing on a Hazelcast member. Deploy the application under the same WAR file name on every member, or "
            + "give every member the quota-filter and quota-cdi jars with --addlibs"),

    /** The instance is shut down, the owner left, or the call timed out: the cluster does not answer now. */
    UNREACHABLE("the Hazelcast cluster holding quota state does not answer");

    private final String explanation;

    StoreFailure(String explanation) {
        this.explanation = explanation;
    }

    /** A one-line message: what failed, what to do, and the original exception. */
    String describe(Throwable cause) {
        return "Quota store failure: " + explanation + " (" + cause + ")";
    }

    /** The failure {@code e} stands for, or null when it is none of them (e.g. a bug in an operation). */
    public static StoreFailure classify(Throwable e) {
        // the missing-classes signs may sit anywhere in the chain, under a generic HazelcastException
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof QuotaStoreUnavailableException q) {
                return q.failure();
            }
            if (t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError
                    || t instanceof HazelcastSerializationException
                    || t instanceof NullPointerException && String.valueOf(t.getMessage()).contains("entryProcessor")) {
                return PROCESSOR_CLASSES_MISSING;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // HazelcastInstanceNotActiveException is an IllegalStateException, MemberLeftException an
            // ExecutionException: neither is a HazelcastException
            if (t instanceof HazelcastException || t instanceof HazelcastInstanceNotActiveException
                    || t instanceof MemberLeftException) {
                return UNREACHABLE;
            }
        }
        return null;
    }
}
