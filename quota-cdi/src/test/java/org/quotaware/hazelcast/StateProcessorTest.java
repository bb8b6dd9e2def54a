package org.quotaware.hazelcast;

import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.engine.Decision;
import org.quotaware.engine.Operations;
import org.quotaware.engine.WireFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** The processor outside a cluster: what it answers, and what it hands the backups instead of itself. */
class StateProcessorTest {

    private static final long T0 = 1_767_571_200_000L;
    private static final long TTL = Duration.ofHours(26).toMillis();
    private static final QuotaLimits LIMITS = QuotaLimits.builder().requestsPerMinute(2).build();
    private final AtomicInteger tracked = new AtomicInteger();

    @Test
    void theBackupSetsExactlyTheBytesTheOwnerWrote() {
        Map.Entry<String, byte[]> owner = new SimpleEntry<>("ann", null);
        Map.Entry<String, byte[]> replica = new SimpleEntry<>("ann", null);
        for (int i = 0; i < 3; i++) {
            StateProcessor p = acquire(T0 + i, true);
            Decision d = (Decision) WireFormat.answer(p.process(owner), tracked::addAndGet);
            assertThat(d.verdict()).isEqualTo(i < 2 ? Decision.Verdict.ADMITTED : Decision.Verdict.DENIED);
            p.getBackupProcessor().process(replica);
            assertThat(replica.getValue()).isEqualTo(owner.getValue()).isNotNull();
        }
        assertThat(tracked).hasValue(1);
    }

    @Test
    void nothingWrittenMeansNoBackup() {
        Map.Entry<String, byte[]> entry = new SimpleEntry<>("bob", null);
        StateProcessor p = acquire(T0, false); // no room for a new user
        Decision d = (Decision) WireFormat.answer(p.process(entry), tracked::addAndGet);
        assertThat(d.verdict()).isEqualTo(Decision.Verdict.NO_ROOM);
        assertThat(d.violations()).isEmpty();
        assertThat(entry.getValue()).isNull();
        assertThat(p.getBackupProcessor()).isNull();
        assertThat(tracked).hasValue(0);
    }

    @Test
    void anIdleStateIsRemovedOnTheBackupToo() {
        Map.Entry<String, byte[]> owner = new SimpleEntry<>("cy", null);
        acquire(T0, true).process(owner);
        Map.Entry<String, byte[]> replica = new SimpleEntry<>("cy", owner.getValue());

        StateProcessor later = new StateProcessor(new Operations.Export(), T0 + Duration.ofHours(26).toMillis(), true,
                TTL);
        assertThat(WireFormat.answer(later.process(owner), tracked::addAndGet)).isNotNull();
        assertThat(owner.getValue()).isNull();
        assertThat(tracked).hasValue(-1);
        later.getBackupProcessor().process(replica);
        assertThat(replica.getValue()).isNull();
    }

    @Test
    void theSweepIsReplayedOnTheBackup() {
        StateProcessor sweep = new StateProcessor(null, T0, false, TTL);
        assertThat(sweep.process(new SimpleEntry<>("dee", null))).isNull();
        assertThat(sweep.getBackupProcessor()).isSameAs(sweep);
    }

    private static StateProcessor acquire(long now, boolean roomForNewUser) {
        return new StateProcessor(new Operations.Acquire(QuotaRequest.request().withConcurrent(false), LIMITS, 0, 0),
                now, roomForNewUser, TTL);
    }
}
