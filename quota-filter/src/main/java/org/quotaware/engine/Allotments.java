package org.quotaware.engine;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;
import org.quotaware.engine.Operations.Acquire;
import org.quotaware.engine.Operations.WithLimits;
import org.quotaware.spi.StateOperation;

/**
 * The operations and answers of allowances: a member that decides a user's requests on its own, within what the
 * owner of the user's state granted it, and settles with the owner now and then (see {@link Allowances} for the
 * owner's side, {@link Holding} for the member's). Arrays are indexed by the rings of the limits' {@link Windows} (shorter: 0 beyond) and never
 * changed after they are made.
 */
public final class Allotments {

    private Allotments() {
    }

    /** What a member used of an allowance since it was granted, and what it still holds. */
    public record Usage(long[] units, int inUse, int completed, int failed) implements Serializable {
        /** Nothing used, nothing held. */
        public static final Usage NONE = new Usage(new long[3], 0, 0, 0);
    }

    /** What a member asks for: units of each window, and spare slots. */
    public record Want(long[] units, int slots) implements Serializable {
        /** Nothing: settle only. */
        public static final Want NONE = new Want(new long[3], 0);

        boolean empty() {
            return slots <= 0 && Arrays.stream(units).allMatch(u -> u <= 0);
        }
    }

    /**
     * What a member may now decide on its own: grant {@code id} (0 when the owner keeps nothing for it), holding
     * {@code slots} slots (those its tasks hold, and spare ones) and {@code units} of each window, each to be settled
     * before the grant expires, one slot lease after the owner made it.
     *
     * @param folded whether the slot of the request decided with it is one of the grant's slots (released by the
     *               member) rather than a lease of its own
     * @param view   the owner's limit statuses after the grant, counting the grant as used
     */
    public record Grant(long id, int slots, long[] units, boolean folded, List<LimitStatus> view)
            implements Serializable {
    }

    /** The answer of an {@link Allot}: the owner's decision on the request, and the member's grant after it. */
    public record Allotment(Decision decision, Grant grant) implements Serializable {
    }

    /**
     * A request the member could not decide within its allowance, sent to the owner with the member's settlement:
     * the owner counts what the member used of grant {@code settled} (at the time of this operation, which is at or
     * after every use), drops that grant, keeps the member's running tasks' slots in grant {@code grant}, decides the
     * request exactly as {@link Acquire} does, and may grant more (see {@link QuotaEngine#allot}).
     */
    public record Allot(Acquire acquire, long settled, long grant, Usage usage, Want want, int members)
            implements WithLimits<Allotment> {

        @Override
        public QuotaLimits limits() {
            return acquire.limits();
        }

        @Override
        public StateOperation<Allotment> withLimits(QuotaLimits limits) {
            return new Allot(acquire.withLimits(limits), settled, grant, usage, want, members);
        }

        @Override
        public Allotment apply(UserState state, long now) {
            return state == null ? new Allotment(Operations.noRoom(now), QuotaEngine.NO_GRANT)
                    : QuotaEngine.allot(state, this, now);
        }

        @Override
        public boolean anonymous() {
            return acquire.anonymous();
        }

        @Override
        public long slotTaken(Allotment answer) {
            return answer.grant().folded() ? 0 : acquire.slotTaken(answer.decision());
        }
    }

    /**
     * A member settles grant {@code settled} without a request: on its lease renewal (then asking for what it wants
     * next) or when it gives the allowance back ({@link Want#NONE}). Answers its grant afterwards.
     */
    public record Settle(QuotaLimits limits, long settled, long grant, Usage usage, Want want, int members,
                         long leaseMillis) implements WithLimits<Grant> {

        @Override
        public StateOperation<Grant> withLimits(QuotaLimits other) {
            return new Settle(other, settled, grant, usage, want, members, leaseMillis);
        }

        @Override
        public Grant apply(UserState state, long now) {
            return QuotaEngine.settle(state, this, now);
        }
    }
}
