package org.quotaware.engine;

import java.util.List;
import java.util.Set;

import org.quotaware.LimitStatus;
import org.quotaware.Counted;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.engine.Decision.Verdict;
import org.quotaware.spi.StateOperation;

/**
 * The engine's operations as serializable values, so any store can run them where the state lives. Each is one call
 * into {@link QuotaEngine}. Only {@link Acquire} and {@link Check} can be given a {@code null} state (they are the
 * {@linkplain StateOperation#anonymous() anonymous} ones): the store had no room for a new anonymous user.
 */
public final class Operations {

    private Operations() {
    }

    /** The answer for a new anonymous user the store has no room for: nothing decided, nothing counted. */
    static Decision noRoom(long now) {
        return new Decision(Verdict.NO_ROOM, List.of(), List.of(), now);
    }

    /** An operation that carries limits, so a store can decide with a share of them (see {@link QuotaLimits#share}). */
    public interface WithLimits<R> extends StateOperation<R> {
        QuotaLimits limits();

        StateOperation<R> withLimits(QuotaLimits limits);

        @Override
        default StateOperation<R> shared(int members) {
            return withLimits(limits().share(members));
        }
    }

    /** The token of a slot taken when the decision admitted, else 0. */
    private static long takenIfAdmitted(Decision d, long token) {
        return d != null && d.verdict() == Verdict.ADMITTED ? token : 0;
    }

    /** Checks every limit and reserves: a slot (token) when admitted, a queue place when only the slots are full. */
    public record Acquire(QuotaRequest request, QuotaLimits limits, long token, long leaseMillis, boolean instanceFull)
            implements WithLimits<Decision> {

        /** An acquisition on an instance with a slot free for it. */
        public Acquire(QuotaRequest request, QuotaLimits limits, long token, long leaseMillis) {
            this(request, limits, token, leaseMillis, false);
        }

        @Override
        public Acquire withLimits(QuotaLimits other) {
            return new Acquire(request, other, token, leaseMillis, instanceFull);
        }

        @Override
        public Decision apply(UserState state, long now) {
            return state == null ? noRoom(now)
                    : QuotaEngine.decide(state, request, limits, now, true, token, leaseMillis, instanceFull);
        }

        @Override
        public boolean anonymous() {
            return request.anonymous();
        }

        @Override
        public long slotTaken(Decision answer) {
            return takenIfAdmitted(answer, token);
        }
    }

    /** The same decision as {@link Acquire}, leaving the state as it was. */
    public record Check(QuotaRequest request, QuotaLimits limits) implements WithLimits<Decision> {
        @Override
        public Check withLimits(QuotaLimits other) {
            return new Check(request, other);
        }

        @Override
        public Decision apply(UserState state, long now) {
            return state == null ? noRoom(now) : QuotaEngine.decide(state, request, limits, now, false, 0, 0);
        }

        @Override
        public boolean anonymous() {
            return request.anonymous();
        }
    }

    /**
     * The queued request {@code token} takes a freed slot if it is first in line: {@code ADMITTED} when it did,
     * {@code QUEUED} while it waits (its place's lease renewed).
     */
    public record Claim(QuotaLimits limits, long token, long leaseMillis) implements WithLimits<Decision> {
        @Override
        public Claim withLimits(QuotaLimits other) {
            return new Claim(other, token, leaseMillis);
        }

        @Override
        public Decision apply(UserState state, long now) {
            boolean claimed = QuotaEngine.claim(state, limits, now, token, leaseMillis);
            return new Decision(claimed ? Verdict.ADMITTED : Verdict.QUEUED, List.of(),
                    QuotaEngine.statuses(state, limits, state.clamp(now)), now);
        }

        @Override
        public long slotTaken(Decision answer) {
            return takenIfAdmitted(answer, token);
        }
    }

    /**
     * A queued request leaves the queue without a slot and gets back what {@code request} counted at
     * {@code atMillis}. Answers the limits' state afterwards.
     */
    public record Unqueue(QuotaRequest request, long token, long atMillis, QuotaLimits limits)
            implements WithLimits<List<LimitStatus>> {

        /**
         * A queued request whose wait ended leaves the queue. Its request stays counted: it was one, and a refund
         * would let a caller queue and time out forever for free. Its files, never uploaded, are given back.
         */
        public static Unqueue afterWait(QuotaRequest request, long token, long atMillis, QuotaLimits limits) {
            return new Unqueue(request.alreadyCounted(), token, atMillis, limits);
        }

        @Override
        public Unqueue withLimits(QuotaLimits other) {
            return new Unqueue(request, token, atMillis, other);
        }

        @Override
        public List<LimitStatus> apply(UserState state, long now) {
            if (state == null) {
                return List.of();
            }
            QuotaEngine.unqueue(state, request, limits, token, atMillis, now);
            return QuotaEngine.statuses(state, limits, state.clamp(now));
        }
    }

    /**
     * What a request used that is counted when it ends, in the units its rings count ({@link Counted#units}): CPU
     * milliseconds and allocated KiB, for the rings of every request and those of {@code rules}.
     */
    public record Charges(long cpuMillis, long allocatedKiB, Set<String> rules) implements java.io.Serializable {
        public static final Charges NONE = new Charges(0, 0, Set.of());

        public Charges {
            rules = Set.copyOf(rules);
        }

        /** The charges of a permit ({@link org.quotaware.QuotaPermit#charges()}, null for none) for its request. */
        public static Charges of(long[] charged, QuotaRequest request) {
            if (charged == null) {
                return NONE;
            }
            long cpu = Counted.CPU.units(charged[Counted.CPU.ordinal()]);
            long allocated = Counted.ALLOCATED.units(charged[Counted.ALLOCATED.ordinal()]);
            return cpu == 0 && allocated == 0 ? NONE : new Charges(cpu, allocated, request.rules());
        }

        boolean none() {
            return cpuMillis == 0 && allocatedKiB == 0;
        }
    }

    /** A task ends: its slot (if any) is freed, and how it ended ({@link Ending}) is counted. */
    public record Release(long token, Ending ending) implements StateOperation<Boolean> {

        public Release {
            java.util.Objects.requireNonNull(ending, "ending");
        }

        public Release(long token, boolean success) {
            this(token, Ending.of(success, Charges.NONE, null));
        }

        public Release(long token, boolean success, Charges charges) {
            this(token, Ending.of(success, charges, null));
        }

        public Release(long token, boolean success, Charges charges, QuotaLimits limits) {
            this(token, Ending.of(success, charges, limits));
        }

        public boolean success() {
            return ending.success();
        }

        public Charges charges() {
            return ending.charges();
        }

        public QuotaLimits limits() {
            return ending.limits();
        }

        @Override
        public Boolean apply(UserState state, long now) {
            return state != null && QuotaEngine.release(state, token, ending.success(), ending.charges(),
                    ending.limits(), now);
        }

        @Override
        public long[] slotTokens() {
            return new long[] {token};
        }

        @Override
        public boolean endsSlots() {
            return true;
        }
    }

    /**
     * How a task ended: its outcome, and what it was charged, in the rings of {@code limits}, the limits it was
     * admitted under (null when it carries no charges). Apart from {@link Release} so that the release of a task
     * charged nothing (nearly every one) shares one of two constants and is itself a token and a reference: every
     * admitted request makes one.
     */
    public record Ending(boolean success, Charges charges, QuotaLimits limits) implements java.io.Serializable {

        static final Ending SUCCEEDED = new Ending(true, Charges.NONE, null);
        static final Ending FAILED = new Ending(false, Charges.NONE, null);

        public Ending {
            java.util.Objects.requireNonNull(charges, "charges");
        }

        static Ending of(boolean success, Charges charges, QuotaLimits limits) {
            return charges == Charges.NONE && limits == null ? (success ? SUCCEEDED : FAILED)
                    : new Ending(success, charges, limits);
        }
    }

    /** Extends the leases of slots held and queue places. Answers how many of them were found. */
    public record Renew(long[] tokens, long leaseMillis) implements StateOperation<Integer> {
        @Override
        public Integer apply(UserState state, long now) {
            if (state == null) {
                return 0;
            }
            int found = 0;
            long expiry = state.clamp(now) + leaseMillis;
            for (long token : tokens) {
                if (Leases.renew(state.slots, token, expiry) || Leases.renew(state.waiting, token, expiry)) {
                    found++;
                }
            }
            return found;
        }

        @Override
        public long[] slotTokens() {
            return tokens;
        }

        @Override
        public Renew forSlots(long[] part) {
            return new Renew(part, leaseMillis);
        }

        @Override
        public Integer combine(Integer first, Integer second) {
            return first + second;
        }
    }

    /**
     * Adds what was counted elsewhere (a fallback's state, as {@link Drain} answered it) to this user's windows; see
     * {@link UserState#absorb}. By age, not by clock: {@code counted} is taken as of this store's time, so a unit
     * counted ten seconds before the drain counts here until ten seconds less than a full window from now, whatever
     * the other store's clock said.
     */
    public record Merge(UserState counted) implements StateOperation<Boolean> {
        @Override
        public Boolean apply(UserState state, long now) {
            if (state == null) {
                return false;
            }
            state.absorb(counted.rebased(state.clamp(now)), now);
            return true;
        }
    }

    /** A copy of the user's state (null for a user without state), e.g. to hand it to another store. */
    public record Export() implements StateOperation<UserState> {
        @Override
        public UserState apply(UserState state, long now) {
            return state == null ? null : state.copy();
        }
    }

    /**
     * Hands over what the user's windows counted: answers a copy of the state (null for a user without state) and
     * zeroes its window and outcome counters here, keeping slots and queue places. Used to move a fallback's counts
     * into the distributed store exactly once.
     */
    public record Drain() implements StateOperation<UserState> {
        @Override
        public UserState apply(UserState state, long now) {
            if (state == null) {
                return null;
            }
            UserState copy = state.copy();
            copy.advance(state.clamp(now)); // the copy's time is the drain's: a merge reads its counts by their age
            state.clearCounts();
            state.completed = 0;
            state.failed = 0;
            return copy;
        }
    }

    /** A read-only snapshot of the user's use. */
    public record Inspect(QuotaLimits limits) implements WithLimits<Snapshot> {
        @Override
        public Inspect withLimits(QuotaLimits other) {
            return new Inspect(other);
        }

        @Override
        public Snapshot apply(UserState state, long nowMillis) {
            if (state == null) {
                return new Snapshot(0, 0, 0, 0, 0, 0, 0, 0, List.of());
            }
            long now = state.clamp(nowMillis);
            return new Snapshot(QuotaEngine.used(state, Counted.REQUESTS, 60_000, now),
                    QuotaEngine.used(state, Counted.FILES, 3_600_000, now),
                    QuotaEngine.used(state, Counted.FILES, 86_400_000, now), state.activeSlots(now), state.queued(now),
                    state.completed,
                    state.failed, state.lastActivity, QuotaEngine.statuses(state, limits, now));
        }
    }

    /** What {@link Inspect} sees. {@code lastActivity} is 0 for a user without state. */
    public record Snapshot(long requestsPerMinute, long filesPerHour, long filesPerDay, long activeTasks, long queued,
                           long completed, long failed, long lastActivity, List<LimitStatus> limits)
            implements java.io.Serializable {
    }
}
