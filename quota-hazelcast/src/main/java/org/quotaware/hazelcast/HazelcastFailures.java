package org.quotaware.hazelcast;

import com.hazelcast.core.HazelcastException;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import com.hazelcast.core.MemberLeftException;
import com.hazelcast.nio.serialization.HazelcastSerializationException;
import org.quotaware.store.QuotaStoreUnavailableException;
import org.quotaware.store.StoreFailures;

/**
 * Hazelcast's classifier: the ways a call on the cluster fails that are not the engine's doing, as a
 * {@link org.quotaware.store.FallbackQuotaStore} must tell them from a bug.
 */
public final class HazelcastFailures implements StoreFailures {

    /** The one instance: the classifier keeps no state. */
    public static final HazelcastFailures INSTANCE = new HazelcastFailures();

    /**
     * A member could not load {@link StateProcessor} or an engine class. Hazelcast reports it as
     * {@code NullPointerException: ... "this.entryProcessor" is null} (the processor deserialized to nothing on a
     * member whose application has another name), or as a serialization failure ({@code Problem while reading
     * DataSerializable ... class: 'org.quotaware.hazelcast.StateProcessor'}) with a {@link ClassNotFoundException}
     * cause. A deployment mistake that will not heal by itself: the store says it once, loudly.
     */
    static final String PROCESSOR_CLASSES_MISSING = "the quota classes (org.quotaware.hazelcast.StateProcessor and "
            + "the quota engine) are missing on a Hazelcast member. Deploy the application under the same WAR file "
            + "name on every member, or give every member the quota-filter and quota-hazelcast jars with --addlibs";

    /** The instance is shut down, the owner left, or the call timed out: the cluster does not answer now. */
    static final String UNREACHABLE = "the Hazelcast cluster holding quota state does not answer";

    private HazelcastFailures() {
    }

    @Override
    public String explain(Throwable e) {
        String translated = TRANSLATED.explain(e);
        if (translated != null) {
            return translated;
        }
        if (processorClassesMissing(e)) {
            return describe(PROCESSOR_CLASSES_MISSING, e);
        }
        return unreachable(e) ? describe(UNREACHABLE, e) : null;
    }

    /** Whether {@code e} says a member could not read the processor (which so never ran). */
    static boolean processorClassesMissing(Throwable e) {
        // the signs may sit anywhere in the chain, under a generic HazelcastException
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof QuotaStoreUnavailableException) {
                return t.getMessage() != null && t.getMessage().contains(PROCESSOR_CLASSES_MISSING);
            }
            if (t instanceof ClassNotFoundException || t instanceof NoClassDefFoundError
                    || t instanceof HazelcastSerializationException
                    || t instanceof NullPointerException && String.valueOf(t.getMessage()).contains("entryProcessor")) {
                return true;
            }
        }
        return false;
    }

    /** Whether {@code e} says the cluster does not answer now. */
    static boolean unreachable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // HazelcastInstanceNotActiveException is an IllegalStateException, MemberLeftException an
            // ExecutionException: neither is a HazelcastException
            if (t instanceof HazelcastException || t instanceof HazelcastInstanceNotActiveException
                    || t instanceof MemberLeftException) {
                return true;
            }
        }
        return false;
    }

    /** A one-line message: what failed, what to do, and the original exception. */
    private static String describe(String explanation, Throwable cause) {
        return "Quota store failure: " + explanation + " (" + cause + ")";
    }
}
