package org.quotaware.engine;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.quotaware.Acquisition;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.Violation;

/**
 * The requests waiting in this JVM for a concurrency slot. A waiter is a future, not a thread: it is completed by
 * whoever frees its slot (a release of the same user's task, a poll that finds a slot freed on another member), by
 * its deadline passing, or by the manager closing.
 * <p>
 * Each user's waiters are kept in arrival order under the user's own monitor, so waiting for one user never blocks
 * another. When this instance's own slots (not the users') are what is missing, a freed slot goes to the highest tier
 * waiting first, then to the earliest arrival. Outcomes are completed outside every monitor: what runs on completion
 * (a resumed request) never runs under a lock of ours.
 * <p>
 * Every waiter ends exactly once, whatever throws: a waiter taken out of its queue is always completed, with the
 * host's answer or, if the host threw while answering, with that failure; the outcomes decided in a pass are completed
 * even when a later step of the pass throws; and a waiter the store could not serve yet stays in its queue for the
 * next release or poll. A failure while handing a freed slot over is logged (at most once a minute), never thrown at
 * the request that released the slot or at one that is just arriving.
 */
final class WaitingRoom {

    private static final Logger LOG = Logger.getLogger(WaitingRoom.class.getName());

    /** What the room needs from the manager: one claim, and the answers it turns into outcomes. */
    interface Host {
        /** Claims a freed slot for {@code w}: the store's decision, or null when this instance has no slot left. */
        Decision claim(Waiter w);

        /** The permit of a claim that was admitted. */
        Acquisition admitted(Waiter w, Decision d);

        /** The waiter leaves the queue without a slot (its units stay counted) and is told so. */
        Acquisition expired(Waiter w, long waitedNanos);

        /** The answer to a waiter still waiting when the manager closed. */
        Acquisition closed(Waiter w);
    }

    /** One waiting request. */
    static final class Waiter {
        final String user;
        final QuotaRequest request;
        final QuotaLimits limits;
        final String tier;
        /** Its tier's priority when this instance's slots are short: higher goes first. */
        final int rank;
        final long queuedAtMillis;
        /** The token of its queue place, and of its slot once it gets one. */
        final long token;
        final long sinceNanos;
        final long deadlineNanos;
        /** Arrival order on this instance. */
        final long arrival;
        /** True while a thread blocks on it (the request could not wait asynchronously). */
        final boolean blocking;
        /** The limits in shadow mode it violated when it queued (it counted nothing then); usually empty. */
        final List<Violation> shadow;
        final CompletableFuture<Acquisition> outcome = new CompletableFuture<>();

        Waiter(String user, QuotaRequest request, QuotaLimits limits, String tier, int rank, long queuedAtMillis,
               long token, long sinceNanos, long arrival, boolean blocking, List<Violation> shadow) {
            this.user = user;
            this.request = request;
            this.limits = limits;
            this.tier = tier;
            this.rank = rank;
            this.queuedAtMillis = queuedAtMillis;
            this.token = token;
            this.sinceNanos = sinceNanos;
            this.deadlineNanos = sinceNanos + limits.maxQueueWait().toNanos();
            this.arrival = arrival;
            this.blocking = blocking;
            this.shadow = shadow;
        }
    }

    /** An outcome decided under a monitor, completed after it is left: an acquisition, or why there is none. */
    private record Outcome(Waiter waiter, Acquisition acquisition, Throwable failure) {
    }

    /** The host's answer for a waiter that has left its queue; when the host throws, the waiter ends with that. */
    private static Outcome decided(Waiter w, Supplier<Acquisition> answer) {
        try {
            return new Outcome(w, answer.get(), null);
        } catch (RuntimeException | Error e) {
            return new Outcome(w, null, e);
        }
    }

    private static final Comparator<Waiter> PRIORITY = Comparator.<Waiter>comparingInt(w -> -w.rank)
            .thenComparingLong(w -> w.arrival);

    private final Host host;
    private final LongSupplier nanoClock;
    private final Map<String, ArrayDeque<Waiter>> queues = new ConcurrentHashMap<>();
    private final AtomicInteger waiting = new AtomicInteger();
    private final AtomicInteger blocked = new AtomicInteger();
    private final AtomicLong arrivals = new AtomicLong();
    /** Set when a claim found this instance full: the next freed slot is offered across users, by priority. */
    private volatile boolean instanceFull;
    private volatile boolean closed;
    private volatile long failureLoggedAt = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);

    WaitingRoom(Host host, LongSupplier nanoClock) {
        this.host = host;
        this.nanoClock = nanoClock;
    }

    /** Requests waiting now. */
    int waiting() {
        return waiting.get();
    }

    /** Requests waiting now on a blocked thread. */
    int blocked() {
        return blocked.get();
    }

    long now() {
        return nanoClock.getAsLong();
    }

    /**
     * Takes a place if this instance's caps allow: {@code maxWaiting} waiters in all, {@code maxBlocked} of them on a
     * blocked thread ({@link QuotaLimits#OFF} for no cap). The caller enters the waiter after a null answer; otherwise
     * the answer is the cap that is full, and nothing was taken.
     */
    Limit reserve(boolean blocking, long maxWaiting, long maxBlocked) {
        if (!InstanceSlots.reserve(waiting, maxWaiting)) {
            return Limit.SYSTEM_QUEUE_SIZE;
        }
        if (blocking && !InstanceSlots.reserve(blocked, maxBlocked)) {
            waiting.decrementAndGet();
            return Limit.SYSTEM_BLOCKED_WAITS;
        }
        return null;
    }

    /** A new waiter in its user's queue; a place was reserved for it. */
    Waiter enter(String user, QuotaRequest request, QuotaLimits limits, String tier, int rank, long queuedAtMillis,
                 long token, boolean blocking, List<Violation> shadow) {
        Waiter w = new Waiter(user, request, limits, tier, rank, queuedAtMillis, token, now(),
                arrivals.incrementAndGet(), blocking, shadow);
        queues.compute(user, (k, q) -> {
            ArrayDeque<Waiter> queue = q != null ? q : new ArrayDeque<>();
            synchronized (queue) {
                queue.addLast(w);
            }
            return queue;
        });
        // a request that went away (its future cancelled) leaves at once instead of holding its place
        w.outcome.whenComplete((a, failure) -> {
            if (failure instanceof CancellationException) {
                giveUp(w);
            }
        });
        if (closed) {
            // close() may have passed this user's queue before the waiter was in it: never wait out the wait for it
            remove(w, host::closed);
        } else {
            try {
                offer(user); // a slot may have been freed before this waiter was registered
            } catch (RuntimeException e) {
                // the waiter is in its queue: it is offered a slot at the next release or poll
                failed(e);
            }
        }
        return w;
    }

    /**
     * Offers freed slots to one user's waiters, then, if this instance's slots were short, to every waiting user by
     * priority. Called on every release of a slot.
     */
    void released(String user) {
        if (queues.isEmpty()) {
            return;
        }
        try {
            offer(user);
            if (instanceFull) {
                offerAll();
            }
        } catch (RuntimeException e) {
            // the slot is back in the store; the waiters are offered it at the next poll
            failed(e);
        }
    }

    /**
     * One poll: ends the waits past their deadline, and offers slots freed where no release of this instance saw
     * them (another member, a lease that ran out). The manager schedules it every {@code queuePoll}.
     */
    void poll() {
        if (queues.isEmpty()) {
            return;
        }
        long now = now();
        List<Outcome> done = new ArrayList<>();
        for (ArrayDeque<Waiter> q : queues.values()) {
            synchronized (q) {
                for (Iterator<Waiter> it = q.iterator(); it.hasNext(); ) {
                    Waiter w = it.next();
                    if (now - w.deadlineNanos >= 0) {
                        it.remove();
                        done.add(decided(w, () -> host.expired(w, now - w.sinceNanos)));
                    }
                }
            }
        }
        complete(done);
        try {
            offerAll();
        } finally {
            dropEmpty();
        }
    }

    /**
     * Blocks the calling thread until the waiter has its outcome or its deadline passes (checked every
     * {@code pollNanos}, by this room's clock).
     */
    Acquisition await(Waiter w, long pollNanos) {
        boolean interrupted = false;
        while (!w.outcome.isDone()) {
            long left = w.deadlineNanos - now();
            if (left <= 0) {
                giveUp(w);
                break;
            }
            try {
                w.outcome.get(Math.min(left, pollNanos), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                // the deadline is this room's clock's, checked above
            } catch (InterruptedException e) {
                interrupted = true;
                giveUp(w);
                break;
            } catch (ExecutionException e) {
                break;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        try {
            return w.outcome.join(); // given up or not, its outcome is set by whoever took it out of the queue
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e; // the host's failure, as it was thrown
        }
    }

    /**
     * The waiter gives up (its deadline passed while a thread blocked on it, the thread was interrupted, or the
     * request went away): the expiry's answer if it was still waiting; otherwise it was just handed its outcome.
     */
    void giveUp(Waiter w) {
        remove(w, waiter -> host.expired(waiter, now() - waiter.sinceNanos));
    }

    /** Takes the waiter out of its queue with the answer {@code why} gives, unless it has left already. */
    private void remove(Waiter w, Function<Waiter, Acquisition> why) {
        ArrayDeque<Waiter> q = queues.get(w.user);
        Outcome outcome = null;
        if (q != null) {
            synchronized (q) {
                if (q.remove(w)) {
                    outcome = decided(w, () -> why.apply(w));
                }
            }
        }
        if (outcome != null) {
            leave(outcome);
            dropEmpty(w.user);
        }
    }

    /** Denies every waiter: the manager is closing. */
    void close() {
        closed = true;
        List<Outcome> done = new ArrayList<>();
        for (ArrayDeque<Waiter> q : queues.values()) {
            synchronized (q) {
                for (Waiter w; (w = q.pollFirst()) != null; ) {
                    Waiter leaving = w;
                    done.add(decided(leaving, () -> host.closed(leaving)));
                }
            }
        }
        complete(done);
    }

    /** Offers every waiting user a slot, the highest tier and then the earliest arrival first. */
    private void offerAll() {
        List<ArrayDeque<Waiter>> order = new ArrayList<>(queues.size());
        for (ArrayDeque<Waiter> q : queues.values()) {
            synchronized (q) {
                if (!q.isEmpty()) {
                    order.add(q);
                }
            }
        }
        if (order.isEmpty()) {
            return;
        }
        instanceFull = false;
        // heads can change while sorting; a snapshot of each head keeps the comparator consistent
        List<Waiter> heads = new ArrayList<>(order.size());
        for (ArrayDeque<Waiter> q : order) {
            synchronized (q) {
                Waiter head = q.peekFirst();
                if (head != null) {
                    heads.add(head);
                }
            }
        }
        heads.sort(PRIORITY);
        RuntimeException first = null;
        for (Waiter head : heads) {
            try {
                if (!offer(head.user)) {
                    break; // this instance is full: the rest wait for the next freed slot
                }
            } catch (RuntimeException e) {
                // one user's state the store could not serve: the others are still offered theirs
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Hands freed slots to one user's waiters. The store keeps the queue's order across every member, so each local
     * waiter is offered in turn (only the first in line can claim); a pass stops when the store shows no free slot.
     *
     * @return false when this instance has no slot left
     */
    private boolean offer(String user) {
        ArrayDeque<Waiter> q = queues.get(user);
        if (q == null) {
            return true;
        }
        List<Outcome> done = new ArrayList<>(1);
        boolean room = true;
        try {
            synchronized (q) {
                boolean claimed = true;
                while (claimed && !q.isEmpty()) {
                    claimed = false;
                    for (Iterator<Waiter> it = q.iterator(); it.hasNext(); ) {
                        Waiter w = it.next();
                        Decision d = host.claim(w); // may throw: w is still in its queue then
                        if (d == null) {
                            instanceFull = true;
                            room = false;
                            break;
                        }
                        if (d.verdict() == Decision.Verdict.ADMITTED) {
                            it.remove();
                            done.add(decided(w, () -> host.admitted(w, d)));
                            claimed = true;
                            break;
                        }
                        if (noSlotFree(d)) {
                            break; // no slot is free: nobody behind can claim either
                        }
                    }
                }
            }
        } finally {
            // the waiters admitted before a claim threw have their slots: they get their permits all the same
            complete(done);
            if (q.isEmpty()) {
                dropEmpty(user);
            }
        }
        return room;
    }

    private static boolean noSlotFree(Decision d) {
        for (LimitStatus status : d.limits()) {
            if (status.limit() == Limit.CONCURRENT_TASKS) {
                return status.remaining() == 0;
            }
        }
        return false;
    }

    private void complete(List<Outcome> done) {
        for (Outcome o : done) {
            leave(o);
        }
    }

    /** The waiter has left its queue: its place is free and it is told its outcome, or the host's failure. */
    private void leave(Outcome o) {
        Waiter w = o.waiter();
        waiting.decrementAndGet();
        if (w.blocking) {
            blocked.decrementAndGet();
        }
        if (o.failure() != null) {
            w.outcome.completeExceptionally(o.failure());
        } else if (!w.outcome.complete(o.acquisition()) && o.acquisition() instanceof QuotaPermit permit) {
            permit.close(); // nobody will take this slot (the request was cancelled): never keep it
        }
    }

    /** A step that could not be done now and is done again later (a release, a poll); logged once a minute. */
    private void failed(RuntimeException e) {
        long now = System.nanoTime();
        long last = failureLoggedAt;
        if (now - last >= TimeUnit.MINUTES.toNanos(1)) {
            failureLoggedAt = now;
            LOG.log(Level.WARNING, "quotaware: handing a slot to a waiting request failed; the waiting requests are "
                    + "offered their slots again at the next release or queue poll", e);
        }
    }

    /** Adds the token of every waiter's queue place to its user's list: the places to renew with the slots. */
    void addPlaces(Map<String, List<Long>> tokensByUser) {
        for (Map.Entry<String, ArrayDeque<Waiter>> e : queues.entrySet()) {
            ArrayDeque<Waiter> q = e.getValue();
            synchronized (q) {
                for (Waiter w : q) {
                    if (w.token != 0) {
                        tokensByUser.computeIfAbsent(w.user, u -> new ArrayList<>()).add(w.token);
                    }
                }
            }
        }
    }

    private void dropEmpty() {
        for (String user : queues.keySet()) {
            dropEmpty(user);
        }
    }

    private void dropEmpty(String user) {
        queues.computeIfPresent(user, (k, q) -> {
            synchronized (q) {
                return q.isEmpty() ? null : q;
            }
        });
    }
}
