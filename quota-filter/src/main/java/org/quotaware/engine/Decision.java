package org.quotaware.engine;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

import org.quotaware.LimitStatus;
import org.quotaware.Violation;

/**
 * What the engine decided for one request, inside the store. A value: equal decisions are equal, whatever else it
 * carries (see {@link #published}).
 * <p>
 * A class rather than a record only for that one extra slot: the same denial is answered again from the state's
 * memory ({@link RememberedDenial}) while nothing changes, and the manager keeps what it made of it for its callers
 * there, so that a flood of refusals of one request is answered with one object.
 */
public final class Decision implements Serializable {

    private static final long serialVersionUID = 1L;

    /**
     * {@code NO_ROOM} decides nothing: the store could not make state for this new anonymous user (see
     * {@link org.quotaware.spi.QuotaStore#takesRoom}); the manager decides again on the tier's overflow.
     */
    public enum Verdict { ADMITTED, QUEUED, DENIED, NO_ROOM }

    private final Verdict verdict;
    private final List<Violation> violations;
    private final List<LimitStatus> limits;
    private final long atMillis;
    /** What the manager answered its caller for this decision, kept for the next time it is answered; never sent. */
    private transient volatile Object published;

    /**
     * @param verdict    admitted now, queued for a slot, denied, or no room to track this new anonymous user
     * @param violations every violated limit (empty unless denied)
     * @param limits     each enabled limit after the decision
     * @param atMillis   the store time of the decision (a queued request's windows were counted then); for a denial
     *                   answered again from the state's memory, the time it was first made (nothing reads a denial's)
     */
    public Decision(Verdict verdict, List<Violation> violations, List<LimitStatus> limits, long atMillis) {
        this.verdict = verdict;
        this.violations = violations;
        this.limits = limits;
        this.atMillis = atMillis;
    }

    public Verdict verdict() {
        return verdict;
    }

    public List<Violation> violations() {
        return violations;
    }

    public List<LimitStatus> limits() {
        return limits;
    }

    public long atMillis() {
        return atMillis;
    }

    /** What {@link #publish} kept, or null. */
    Object published() {
        return published;
    }

    /** Keeps what the manager made of this decision (immutable), for the next time the same decision is answered. */
    void publish(Object what) {
        published = what;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Decision d && verdict == d.verdict && atMillis == d.atMillis
                && Objects.equals(violations, d.violations) && Objects.equals(limits, d.limits);
    }

    @Override
    public int hashCode() {
        return Objects.hash(verdict, violations, limits, atMillis);
    }

    @Override
    public String toString() {
        return "Decision[verdict=" + verdict + ", violations=" + violations + ", limits=" + limits + ", atMillis="
                + atMillis + "]";
    }
}
