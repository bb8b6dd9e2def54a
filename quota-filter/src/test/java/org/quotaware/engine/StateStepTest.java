package org.quotaware.engine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.engine.StateStep.Change;

/** The state's life cycle every store runs: no room, create, keep, drop when idle, and the tracked-user change. */
class StateStepTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final QuotaLimits LIMITS = QuotaLimits.builder().requestsPerMinute(5).build();
    private static final QuotaRequest REQUEST = QuotaRequest.request().withConcurrent(false);

    @Test
    void aNewUserWithoutRoomGetsNoStateAndTheOperationSaysSo() {
        UserState state = StateStep.begin(null, false);
        Decision d = new Operations.Acquire(REQUEST, LIMITS, 1, 30_000).apply(state, T0);
        assertThat(d.verdict()).isEqualTo(Decision.Verdict.NO_ROOM);
        assertThat(StateStep.end(false, state, T0)).isEqualTo(Change.NONE);
    }

    @Test
    void aNewUserWhoseOperationCountedSomethingIsCreated() {
        UserState state = StateStep.begin(null, true);
        new Operations.Acquire(REQUEST, LIMITS, 1, 30_000).apply(state, T0);
        Change change = StateStep.end(false, state, T0);
        assertThat(change).isEqualTo(Change.CREATE);
        assertThat(change.trackedDelta).isEqualTo(1);
        assertThat(change.keeps()).isTrue();
    }

    @Test
    void aNewUserLeftIdleIsNeverStored() {
        UserState state = StateStep.begin(null, true);
        new Operations.Inspect(LIMITS).apply(state, T0);
        assertThat(StateStep.end(false, state, T0)).isEqualTo(Change.NONE);
    }

    @Test
    void aStoredStateIsWrittenBackWhileItCountsAndRemovedOnceIdle() {
        UserState stored = new UserState();
        new Operations.Acquire(REQUEST, LIMITS, 1, 30_000).apply(stored, T0);
        assertThat(StateStep.begin(stored, false)).isSameAs(stored);
        assertThat(StateStep.end(true, stored, T0 + 1_000)).isEqualTo(Change.UPDATE);
        Change later = StateStep.end(true, stored, T0 + 26 * 3_600_000L);
        assertThat(later).isEqualTo(Change.REMOVE);
        assertThat(later.trackedDelta).isEqualTo(-1);
        assertThat(later.keeps()).isFalse();
    }

    @Test
    void aStateRebasedToAnotherClockKeepsEachUnitsAgeAndNeverLetsItLeaveEarlier() {
        UserState counted = new UserState();
        counted.advance(T0);
        Windows.LEGACY.rings[0].add(counted, T0, 3);
        counted.advance(T0 + 40_000); // the three are 40 s old on this clock
        for (long skew : new long[] {-30_000, 0, 30_000, 7_777}) {
            UserState rebased = counted.rebased(T0 + 40_000 + skew);
            long now = T0 + 40_000 + skew;
            assertThat(rebased.used(Windows.LEGACY.rings[0], now)).as("skew %d", skew).isEqualTo(3);
            assertThat(rebased.used(Windows.LEGACY.rings[0], now + 19_999)).as("skew %d", skew).isEqualTo(3);
            assertThat(rebased.used(Windows.LEGACY.rings[0], now + 30_000)).as("skew %d", skew).isZero();
        }
    }
}
