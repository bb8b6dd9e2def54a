package org.quotaware.store;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.engine.Allotments.Allot;
import org.quotaware.engine.Allotments.Allotment;
import org.quotaware.engine.Allotments.Grant;
import org.quotaware.engine.Allotments.Settle;
import org.quotaware.engine.Decision;
import org.quotaware.engine.Holding;
import org.quotaware.engine.Operations;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;

/**
 * A store shared by several JVMs, made nearly as cheap as a local one: the owner of a user's state grants this member
 * an <b>allowance</b> (slots and units of each window, recorded in the user's state), and the member decides that
 * user's requests on its own while they fit in it; a release of a slot of the allowance is a local decrement. When a
 * request does not fit, one operation on the owner settles what the member used, decides that request exactly, and
 * may grant a new allowance. Wraps any store whose slots are leases ({@link QuotaStore#slotLeaseMillis()} finite):
 * Hazelcast's, or any later remote store. A store inside one JVM needs none of it.
 * <p>
 * <b>Exact.</b> An allowance counts at the owner as taken for everyone else: its slots as held, its units as used,
 * until the member settles it. Used units are then counted at the time of the settlement, which is at or after
 * every use, and the rest is freed. An allowance nobody settles (its member died) expires one slot lease after it was
 * made or last settled: its slots come back then, and its units are counted as used at its expiry. So the
 * allowances plus the slots held never pass the concurrency limit, and no window admits more than its limit. Every
 * denial, {@code Retry-After} and violation list comes from the owner; so do queues.
 * <p>
 * <b>What it costs.</b> The owner grants a member at most what is free divided by twice the number of members, and
 * only what the member's demand asks for (twice what it used in the last {@link Builder#period period}); nothing
 * near a limit, while anyone queues for the user, or while a limit is in shadow mode: then requests go to the owner
 * one by one. Capacity a member holds and does not use is lost to the others until it goes back: after
 * {@link Builder#linger linger} without use, at once when one of its requests had to queue, and at the latest at the
 * member's next settlement ({@code period}). A member's {@code RateLimit} view of a locally decided request is the
 * owner's at the last settlement, with the member's own use since.
 * <p>
 * <b>Clocks.</b> A member stops using a grant {@link Builder#skew skew} before the owner's expiry of it, on its own
 * monotonic clock from before it asked: while members' clocks differ by less than that, none can count a grant
 * expired while its member still uses it.
 */
public final class AllowanceStore implements QuotaStore {

    private static final Logger LOG = Logger.getLogger(AllowanceStore.class.getName());
    /** The longest a request waits for another's exchange before it goes to the owner itself. */
    private static final long WAIT_FOR_EXCHANGE_MILLIS = 2_000;

    private final QuotaStore remote;
    private final IntSupplier members;
    private final LongSupplier nanoClock;
    private final LongSupplier millis;
    private final long leaseMillis;
    private final long periodNanos;
    private final long lingerNanos;
    private final long skewNanos;
    private final int maxHoldings;
    private final ConcurrentHashMap<String, Holding> holdings = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ownScheduler;
    private final ScheduledFuture<?> tick;
    private final LongAdder local = new LongAdder();
    private final LongAdder exchanges = new LongAdder();
    private final LongAdder settlements = new LongAdder();
    private volatile boolean closed;

    private AllowanceStore(Builder b) {
        this.remote = b.remote;
        this.members = b.members;
        this.nanoClock = b.nanoClock;
        this.millis = remote::currentTimeMillis;
        this.leaseMillis = remote.slotLeaseMillis();
        this.periodNanos = b.period != null ? b.period.toNanos() : TimeUnit.MILLISECONDS.toNanos(leaseMillis / 3);
        this.lingerNanos = b.linger.toNanos();
        this.skewNanos = b.skew.toNanos();
        this.maxHoldings = b.maxHoldings;
        if (TimeUnit.MILLISECONDS.toNanos(leaseMillis) - skewNanos < periodNanos) {
            throw InvalidQuotaConfigException.invalid("allowance skew (ms)", b.skew.toMillis(),
                    "below the slot lease (" + leaseMillis + " ms) less the period (" + periodNanos / 1_000_000
                            + " ms)");
        }
        ScheduledExecutorService scheduler = b.scheduler;
        this.ownScheduler = scheduler == null ? Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "quotaware-allowances");
            t.setDaemon(true);
            return t;
        }) : null;
        long every = b.tick.toNanos();
        this.tick = b.manualTick ? null : (scheduler != null ? scheduler : ownScheduler)
                .scheduleWithFixedDelay(this::maintain, every, every, TimeUnit.NANOSECONDS);
    }

    /** An allowance store over {@code remote}, whose slots must be leases. */
    public static Builder builder(QuotaStore remote) {
        return new Builder(remote);
    }

    @Override
    @SuppressWarnings("unchecked") // each branch answers what its operation answers
    public <R> R execute(String user, StateOperation<R> operation) {
        if (operation instanceof Operations.Acquire a) {
            return (R) acquire(user, a);
        }
        if (operation instanceof Operations.Release r && released(user, r)) {
            return (R) Boolean.TRUE;
        }
        if (operation instanceof Operations.Renew r) {
            return (R) renew(user, r);
        }
        return remote.execute(user, operation);
    }

    @Override
    public void send(String user, StateOperation<?> operation) {
        if (operation instanceof Operations.Release r && released(user, r)) {
            return;
        }
        if (operation instanceof Operations.Acquire || operation instanceof Operations.Renew) {
            execute(user, operation);
            return;
        }
        remote.send(user, operation);
    }

    private Decision acquire(String user, Operations.Acquire a) {
        long nanos = nanoClock.getAsLong();
        Holding h = holding(user, nanos, a.anonymous());
        if (h == null) {
            return remote.execute(user, a);
        }
        Decision d = h.admit(a, nanos, millis);
        if (d == null && h.awaitExchange(nanos, WAIT_FOR_EXCHANGE_MILLIS)) {
            nanos = nanoClock.getAsLong();
            d = h.admit(a, nanos, millis);
        }
        if (d != null) {
            local.increment();
            return d;
        }
        Allot allot = h.exchange(a, members.getAsInt(), nanos, newGrantId(), periodNanos);
        if (allot == null) {
            d = remote.execute(user, a);
        } else {
            Allotment answer;
            try {
                answer = remote.execute(user, allot);
            } catch (RuntimeException | Error e) {
                h.failed();
                throw e;
            }
            exchanges.increment();
            install(h, answer.grant(), a.limits(), a.token(), nanos);
            d = h.viewed(answer.decision(), nanos);
        }
        if (d.verdict() == Decision.Verdict.QUEUED) {
            h.queued();
        }
        return d;
    }

    /**
     * The user's holding, made when missing while there is room for one; null beyond the cap. An anonymous caller
     * (known by an address it can change at will) gets a new one only below half the cap: a flood of new addresses
     * leaves the other half to identified callers.
     */
    private Holding holding(String user, long nanos, boolean anonymous) {
        while (true) {
            Holding h = holdings.get(user);
            if (h == null) {
                if (holdings.size() >= (anonymous ? maxHoldings / 2 : maxHoldings)) {
                    return null;
                }
                h = holdings.computeIfAbsent(user, u -> new Holding(nanos));
            }
            if (!h.retired()) {
                return h;
            }
            holdings.remove(user, h);
        }
    }

    private void install(Holding h, Grant grant, org.quotaware.QuotaLimits limits, long token, long sent) {
        h.settled(grant, limits, token, sent, periodNanos, TimeUnit.MILLISECONDS.toNanos(leaseMillis), skewNanos);
    }

    private boolean released(String user, Operations.Release r) {
        Holding h = holdings.get(user);
        return h != null && r.token() != 0 && h.release(r.token(), r.success());
    }

    /**
     * The manager's lease renewal: the slots of the grant are renewed by settling the grant (use is reported on the
     * lease renewal), the others by the remote store.
     */
    private Integer renew(String user, Operations.Renew r) {
        Holding h = holdings.get(user);
        long[] rest = h == null ? r.tokens() : h.notHeld(r.tokens());
        int renewed = r.tokens().length - rest.length;
        if (renewed > 0) {
            long nanos = nanoClock.getAsLong();
            Settle s = h.renewal(nanos, members.getAsInt(), newGrantId(), leaseMillis, periodNanos);
            if (s != null) {
                settle(user, h, s, nanos);
            }
        }
        return rest.length == 0 ? renewed : renewed + remote.execute(user, r.forSlots(rest));
    }

    /**
     * One round of upkeep: gives back the grants unused for the linger time, settles and renews the others every
     * period (which keeps the slots of the tasks running on them alive), and forgets users without a grant who made
     * no request for two periods. Runs on the store's schedule ({@link Builder#scheduler}); public for tests and for
     * a caller that schedules it itself ({@link Builder#manualTick()}).
     */
    public void maintain() {
        try {
            long nanos = nanoClock.getAsLong();
            int m = members.getAsInt();
            for (Map.Entry<String, Holding> e : holdings.entrySet()) {
                Holding h = e.getValue();
                if (h.retireIfUnused(nanos, 2 * periodNanos)) {
                    holdings.remove(e.getKey(), h);
                    continue;
                }
                Settle s = closed ? null : h.due(nanos, m, newGrantId(), leaseMillis, lingerNanos, periodNanos);
                if (s != null) {
                    settle(e.getKey(), h, s, nanos);
                }
            }
        } catch (RuntimeException e) {
            // never let one round's failure cancel the schedule
            LOG.log(Level.WARNING, "quotaware: a round of allowance upkeep failed; the next one runs as planned", e);
        }
    }

    private void settle(String user, Holding h, Settle s, long nanos) {
        try {
            Grant g = remote.execute(user, s);
            settlements.increment();
            install(h, g, s.limits(), 0, nanos);
        } catch (RuntimeException e) {
            h.failed();
            LOG.log(Level.FINE, "quotaware: settling the allowance of " + user + " failed; retried at the next tick",
                    e);
        }
    }

    private static long newGrantId() {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong();
        } while (id == 0);
        return id;
    }

    /** Requests decided here, on an allowance, since the store started. */
    public long localDecisions() {
        return local.sum();
    }

    /** Requests sent to the owner with a settlement (each may have granted a new allowance). */
    public long exchanges() {
        return exchanges.sum();
    }

    /** Settlements without a request: renewals and allowances given back. */
    public long settlements() {
        return settlements.sum();
    }

    /** Users this member holds an allowance, or a record of demand, for. */
    public int holdings() {
        return holdings.size();
    }

    @Override
    public long trackedUsers() {
        return remote.trackedUsers();
    }

    @Override
    public long currentTimeMillis() {
        return remote.currentTimeMillis();
    }

    @Override
    public long slotLeaseMillis() {
        return leaseMillis;
    }

    @Override
    public StoreFailures failures() {
        return remote.failures();
    }

    @Override
    public int members() {
        return remote.members();
    }

    /** The store this one decides on. */
    public QuotaStore remote() {
        return remote;
    }

    /**
     * Gives every allowance back (best effort: one that cannot be settled now expires at the owner after the lease),
     * then closes the remote store.
     */
    @Override
    public void close() {
        closed = true;
        if (tick != null) {
            tick.cancel(false);
        }
        if (ownScheduler != null) {
            ownScheduler.shutdownNow();
        }
        long nanos = nanoClock.getAsLong();
        int m = members.getAsInt();
        for (Map.Entry<String, Holding> e : holdings.entrySet()) {
            Settle s = e.getValue().due(nanos, m, newGrantId(), leaseMillis, 0, Long.MAX_VALUE);
            if (s != null) {
                settle(e.getKey(), e.getValue(), s, nanos);
            }
        }
        remote.close();
    }

    /** Builds an {@link AllowanceStore}; every setting but the remote store has a default. */
    public static final class Builder {
        private final QuotaStore remote;
        private IntSupplier members = () -> 2;
        private LongSupplier nanoClock = System::nanoTime;
        private Duration period;
        private Duration linger = Duration.ofSeconds(1);
        private Duration skew = Duration.ofSeconds(1);
        private Duration tick = Duration.ofMillis(250);
        private int maxHoldings = 10_000;
        private ScheduledExecutorService scheduler;
        private boolean manualTick;

        private Builder(QuotaStore remote) {
            this.remote = Objects.requireNonNull(remote, "remote");
            long lease = remote.slotLeaseMillis();
            if (lease == Long.MAX_VALUE) {
                throw new IllegalArgumentException("quotaware: allowances need a store whose slots are leases (a "
                        + "store shared by several JVMs); " + remote.getClass().getName() + " holds them forever");
            }
        }

        /**
         * How many members share the store now (each is granted at most what is free divided by twice the larger of
         * this and the members holding a grant); default 2. For Hazelcast, the cluster's size.
         */
        public Builder members(IntSupplier members) {
            this.members = Objects.requireNonNull(members, "members");
            return this;
        }

        /**
         * How long a grant may be used before the member settles it again and asks anew; also how often the slots of
         * its running tasks are renewed. Default a third of the slot lease, the lease renewal's own rhythm.
         */
        public Builder period(Duration period) {
            InvalidQuotaConfigException.requireRange("allowance period (ms)", period.toMillis(), 10,
                    remote.slotLeaseMillis() / 2);
            this.period = period;
            return this;
        }

        /** How long an unused grant stays with the member before it goes back; default 1 s. */
        public Builder linger(Duration linger) {
            InvalidQuotaConfigException.requireRange("allowance linger (ms)", linger.toMillis(), 10, 3_600_000);
            this.linger = linger;
            return this;
        }

        /**
         * The largest difference between two members' clocks this store tolerates (Hazelcast's cluster time keeps
         * them within milliseconds); a member stops using a grant this long before the owner can count it expired.
         * Default 1 s.
         */
        public Builder skew(Duration skew) {
            InvalidQuotaConfigException.requireRange("allowance skew (ms)", skew.toMillis(), 0, 600_000);
            this.skew = skew;
            return this;
        }

        /** How often the upkeep runs ({@link #maintain()}); default 250 ms. */
        public Builder tick(Duration tick) {
            InvalidQuotaConfigException.requireRange("allowance tick (ms)", tick.toMillis(), 1, 60_000);
            this.tick = tick;
            return this;
        }

        /** The most users this member keeps a holding for; beyond it, new users' requests go to the owner. */
        public Builder maxHoldings(int max) {
            this.maxHoldings = (int) InvalidQuotaConfigException.requireRange("maxHoldings", max, 0, 10_000_000);
            return this;
        }

        /** Where the upkeep runs; in a Jakarta EE container its managed scheduled executor. Default: its own thread. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /** No schedule: the caller runs {@link #maintain()}. For tests. */
        public Builder manualTick() {
            this.manualTick = true;
            return this;
        }

        /** The monotonic clock of grants' use-by times, in nanoseconds; default {@link System#nanoTime()}. */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        public AllowanceStore build() {
            return new AllowanceStore(this);
        }
    }
}
