package org.quotaware.engine;

import java.io.Serializable;
import java.util.List;

import org.quotaware.LimitStatus;
import org.quotaware.Violation;

/**
 * What the engine decided for one request, inside the store.
 *
 * @param verdict    admitted now, queued for a slot, denied, or no room to track this new anonymous user
 * @param violations every violated limit (empty unless denied)
 * @param limits     each enabled limit after the decision
 * @param atMillis   the store time of the decision (a queued request's windows were counted then)
 */
public record Decision(Verdict verdict, List<Violation> violations, List<LimitStatus> limits, long atMillis)
        implements Serializable {

    /**
     * {@code NO_ROOM} decides nothing: the store could not make state for this new anonymous user (see
     * {@link org.quotaware.spi.QuotaStore#takesRoom}); the manager decides again on the tier's overflow.
     */
    public enum Verdict { ADMITTED, QUEUED, DENIED, NO_ROOM }
}
