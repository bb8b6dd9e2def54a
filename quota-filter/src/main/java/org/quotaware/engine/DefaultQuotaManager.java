package org.quotaware.engine;

import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaStatistics;
import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.UserQuotaUsage;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.AdmissionGate;
import org.quotaware.spi.DecisionListener;
import org.quotaware.spi.HostedQuotaManager;
import org.quotaware.spi.QuotaStore;

/**
 * The {@link org.quotaware.QuotaManager}: resolves the user's limits, runs one atomic store operation per decision
 * ({@link QuotaDecisions}), and keeps the per-instance parts: this instance's slots, its admission gate and waiting
 * room ({@link InstanceSlots}), the permits it issued and their leases ({@link IssuedPermits}), its statistics and
 * its listeners ({@link DecisionListeners}). Made by {@link #builder()}.
 * <p>
 * A request that has to queue waits without a thread when it comes through {@link #acquireAsync}: it is handed a slot
 * by the release of the same user's task (in arrival order), by a poll every {@code queuePoll} that finds a slot
 * freed elsewhere (another member, another user's release of a system slot), or is denied when its wait ends. Through
 * {@link #acquire} it blocks its thread, and only up to the system's {@code maxBlockedWaits}.
 */
public final class DefaultQuotaManager implements HostedQuotaManager {

    private final QuotaStore store;
    private final QuotaTiers tiers;
    private final long queuePollNanos;
    private final Statistics statistics = new Statistics();
    private final InstanceSlots slots;
    private final WaitingRoom room;
    private final QueuePoll poll;
    private final QuotaDecisions decisions;
    private final DecisionListeners listeners = new DecisionListeners();

    DefaultQuotaManager(QuotaManagerBuilder b) {
        this.store = b.store != null ? b.store : new InMemoryQuotaStore(b.clock, b.maxTrackedUsers);
        this.tiers = b.tiers;
        this.queuePollNanos = b.queuePoll.toNanos();
        Denials denials = new Denials(statistics);
        this.slots = new InstanceSlots(store, b.systemLimits, statistics, denials, b.nanoClock);
        this.room = slots.room;
        this.poll = new QueuePoll(room::poll, queuePollNanos, b.scheduler);
        this.decisions = new QuotaDecisions(store, tiers, statistics, denials, slots, poll);
    }

    /** A manager over an in-memory store, the system clock and the seed's default tier; see the builder for more. */
    public static QuotaManagerBuilder builder() {
        return new QuotaManagerBuilder();
    }

    @Override
    public QuotaCheckResult check(String user, QuotaRequest request) {
        return decisions.check(user, request);
    }

    /**
     * {@inheritDoc}
     * <p>
     * A request that has to queue blocks this thread; at most the system's {@code maxBlockedWaits} requests do so at
     * once, beyond that they are denied ({@link Limit#SYSTEM_BLOCKED_WAITS}). Prefer {@link #acquireAsync}.
     */
    @Override
    public Acquisition acquire(String user, QuotaRequest request) {
        long start = listeners.start();
        Object decided = decisions.decide(user, request, true);
        Acquisition a = decided instanceof WaitingRoom.Waiter w ? room.await(w, queuePollNanos) : (Acquisition) decided;
        if (start != 0) {
            listeners.tell(user, request, a, start);
        }
        return a;
    }

    @Override
    public CompletionStage<Acquisition> acquireAsync(String user, QuotaRequest request) {
        long start = listeners.start();
        Object decided = decisions.decide(user, request, false);
        if (decided instanceof WaitingRoom.Waiter w) {
            if (start != 0) {
                listeners.tellWhenDone(user, request, w.outcome, start);
            }
            return w.outcome;
        }
        Acquisition a = (Acquisition) decided;
        if (start != 0) {
            listeners.tell(user, request, a, start);
        }
        return CompletableFuture.completedFuture(a);
    }

    /**
     * One poll of the waiting room now: ends the waits past their deadline and hands over slots freed where this
     * instance did not see it. The manager runs it every {@code queuePoll}; public for a test or a caller that
     * schedules it itself.
     */
    public void pollQueue() {
        poll.run();
    }

    @Override
    public int renewLeases() {
        return slots.permits.renewLeases();
    }

    @Override
    public UserQuotaUsage usage(String user, String callerTier) {
        QuotaTiers.Applied applied = tiers.resolve(user, callerTier);
        Operations.Snapshot s = store.execute(user, new Operations.Inspect(applied.limits()));
        return new UserQuotaUsage(user, applied.tier(), s.requestsPerMinute(), s.filesPerHour(), s.filesPerDay(),
                s.activeTasks(), s.queued(), s.completed(), s.failed(),
                s.lastActivity() == 0 ? null : Instant.ofEpochMilli(s.lastActivity()), s.limits());
    }

    @Override
    public QuotaStatistics statistics() {
        return statistics.snapshot(slots.active(), room.waiting(), room.blocked(), store.trackedUsers());
    }

    @Override
    public java.util.Set<org.quotaware.Counted> chargedAtEnd() {
        return tiers.chargedAtEnd();
    }

    @Override
    public QuotaTiers tiers() {
        return tiers;
    }

    @Override
    public SystemLimits systemLimits() {
        return slots.limits();
    }

    @Override
    public void systemLimits(SystemLimits limits) {
        slots.limits(limits);
    }

    @Override
    public void admission(AdmissionGate gate) {
        slots.admission(gate);
    }

    @Override
    public void listen(DecisionListener listener) {
        listeners.add(listener);
    }

    @Override
    public QuotaStore store() {
        return store;
    }

    @Override
    public void close() {
        slots.close();
        room.close();
        poll.close();
        store.close();
    }
}
