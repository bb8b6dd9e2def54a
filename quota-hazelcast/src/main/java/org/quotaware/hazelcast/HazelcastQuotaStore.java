package org.quotaware.hazelcast;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Objects;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.config.Config;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MapStoreConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.engine.WireFormat;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StateOperation;
import org.quotaware.store.CompareAndSetStore;
import org.quotaware.store.QuotaStoreUnavailableException;
import org.quotaware.store.StateCap;
import org.quotaware.store.StoreFailures;

/**
 * Users' quota state in a Hazelcast {@link IMap}, shared by every member of the cluster.
 * <p>
 * <b>Exact.</b> Each operation is one {@code executeOnKey} with a {@link StateProcessor}: the engine's pure function
 * runs on the partition owner under the entry's lock, so two members can never both admit the last unit. The
 * operation and its answer travel in a compact binary form, and the synchronous backups receive the state bytes the
 * owner wrote (through Hazelcast's own processors) rather than running the engine again. That needs every member's
 * Hazelcast to read our processor back (Payara Micro's does, on threads of the application: see {@link #start()}); where one cannot,
 * the same decision is made here and written by compare-and-set on the entry's bytes, still exact: the kit's
 * {@link CompareAndSetStore} over a {@link HazelcastStateMap} ({@link DecisionPath} chooses, once per member). An operation of the application's own (not one of the engine's,
 * which have a compact form) is always decided by compare-and-set: no code but ours is shipped or deserialized.
 * A slot's release is sent without waiting ({@link #send}).
 * <p>
 * <b>Time.</b> The store's clock (default: Hazelcast's cluster time) is read by the caller and carried in the
 * processor. Members' clocks may differ a little; the engine never lets a user's time run backwards past a time the
 * state has already seen, so a member whose clock is behind cannot free units early, and one whose clock is ahead can
 * only make units leave the window early by its skew (cluster time keeps that small).
 * <p>
 * <b>Durable and bounded.</b> The map has synchronous backups (default 1) so counters survive a member's death;
 * concurrency slots are leases ({@link #slotLeaseMillis()}), so a dead member's slots come back after the lease, while
 * live members keep theirs by calling {@code DefaultQuotaManager.renewLeases()} every third of the lease. An idle state
 * is removed by the operation that leaves it idle; an abandoned one by the map's max-idle (the longest window plus a
 * bucket, 25 h, and the longest lease, 1 h), after which nothing in it can count any more (see {@link #maxIdleBounds}; a map the
 * operator configured without it gets a time-to-live on every write instead). The tracked-user cap and its sweep
 * are the kit's {@link StateCap}, see {@link Builder#maxTrackedUsers(int)}; at the cap, idle states are swept one
 * partition per second ({@link PartitionSweep}), never the whole map.
 * <p>
 * Failures of the cluster surface as {@link QuotaStoreUnavailableException}, never as a bare Hazelcast exception or
 * NullPointerException ({@link HazelcastFailures} tells them); wrap the store in a
 * {@link org.quotaware.store.FallbackQuotaStore} to keep deciding while they last.
 */
public final class HazelcastQuotaStore implements QuotaStore {

    /** The users' map of a store built without a name: one cluster-wide map, as before maps were named per application. */
    public static final String DEFAULT_MAP_NAME = "quotaware-users";
    public static final Duration DEFAULT_SLOT_LEASE = CompareAndSetStore.DEFAULT_SLOT_LEASE;
    /**
     * The map's max-idle: a state's life after its last write with the longest slot lease (see
     * {@link #maxIdleBounds}).
     */
    static final int MAX_IDLE_SECONDS = (int) (CompareAndSetStore.timeToLiveMillis(Duration.ofHours(1).toMillis())
            / 1000);
    private static final Logger LOG = Logger.getLogger(HazelcastQuotaStore.class.getName());

    private final HazelcastInstance hz;
    private final String mapName;
    private final IMap<String, byte[]> map;
    private final InstantSource clock;
    private final long leaseMillis;
    /** The time to live of the processor's writes: 0 while the map's max-idle bounds the entries. */
    private final long ttlMillis;
    /** The processor path's cap; the compare-and-set path has its own in {@link #compareAndSet}. */
    private final StateCap cap;
    private final PartitionSweep sweep;
    private final CompareAndSetStore compareAndSet;
    private final AtomicBoolean classesMissingLogged = new AtomicBoolean();
    private final AtomicBoolean sendFailureLogged = new AtomicBoolean();
    /**
     * Whether a decision runs the {@link StateProcessor} on the owner or reads, decides here and compare-and-sets the
     * entry's bytes, which no member needs any class of ours for (still exact; two round trips instead of one, more
     * under contention). Chosen once per member and sticky; the processor only while every member can load it.
     */
    private volatile DecisionPath path;

    private HazelcastQuotaStore(Builder b) {
        this.hz = b.hz;
        this.clock = b.clock != null ? b.clock : new ClusterClock(hz);
        this.leaseMillis = b.slotLease.toMillis();
        ensureMapConfig(hz, new MapConfig(b.mapName).setBackupCount(b.backupCount)
                .setMaxIdleSeconds(MAX_IDLE_SECONDS).setMapStoreConfig(b.persistence != null ? b.persistence.states()
                        : new MapStoreConfig().setEnabled(false))); // a MapStoreConfig is enabled by default
        ensureMapConfig(hz, new MapConfig(DecisionPath.mapName(b.mapName))); // announcements never expire
        boolean bounded = maxIdleBounds(hz, b.mapName, leaseMillis);
        this.ttlMillis = bounded ? 0 : CompareAndSetStore.timeToLiveMillis(leaseMillis);
        this.mapName = b.mapName;
        // Taken here, where quota-cdi builds the store: while the application deploys, Payara Micro gives the map no
        // tenant, so its operations run on the partition threads without Payara pushing the application's request
        // context around each of them (8% of the CPU per request, profiled). Nothing of the map needs that context:
        // the processor names its application in its own bytes, and the backups are Hazelcast's own processors.
        this.map = hz.getMap(b.mapName);
        this.sweep = new PartitionSweep(hz.getPartitionService());
        this.cap = new StateCap(b.maxTrackedUsers, map::size, System::nanoTime, this::sweepPartition);
        this.compareAndSet = CompareAndSetStore.builder(new HazelcastStateMap(map, clock, sweep, bounded))
                .failures(HazelcastFailures.INSTANCE).slotLease(b.slotLease).maxTrackedUsers(b.maxTrackedUsers)
                .build();
        if (!b.deferStart) {
            start();
        }
    }

    /**
     * Chooses this member's decision path ({@link DecisionPath}) now, on the calling thread, unless done already, and
     * answers whether it is chosen. {@link Builder#build()} calls it unless {@link Builder#deferStart()} was asked
     * for; every operation calls it until it is chosen, deciding by compare-and-set meanwhile. On Payara Micro it can
     * be chosen only on a thread of the started application (a request, or a container's managed thread once the
     * application has started): Payara's Hazelcast reads a Java-serialized object with the class loader of the
     * application named by the thread that wrote it, so the check that it reads the processor back must run there.
     * quota-cdi calls it on the container's managed thread every second until it answers true.
     */
    public boolean start() {
        return path() != null;
    }

    /** This member's path, or null while it cannot be chosen on this thread (see {@link #start()}). */
    private DecisionPath path() {
        DecisionPath p = path;
        if (p == null) {
            synchronized (this) {
                p = path;
                if (p == null) {
                    p = DecisionPath.choose(hz, mapName);
                    path = p;
                }
            }
        }
        return p;
    }

    /** Whether a decision made now runs the {@link StateProcessor} on the owner (by compare-and-set otherwise). */
    private boolean processor() {
        DecisionPath p = path();
        return p != null && p.processor();
    }

    public static Builder builder(HazelcastInstance hz) {
        return new Builder(hz);
    }

    @Override
    public <R> R execute(String user, StateOperation<R> operation) {
        Objects.requireNonNull(user, "user");
        try {
            long now = clock.millis();
            if (WireFormat.compact(operation) && processor()) {
                try {
                    byte[] result = map.executeOnKey(user,
                            new StateProcessor(operation, now, cap.roomFor(user, operation, now), ttlMillis));
                    @SuppressWarnings("unchecked") // the operation's own answer, decoded from its bytes
                    R answer = (R) WireFormat.answer(result, cap::add);
                    return answer;
                } catch (RuntimeException e) {
                    if (!HazelcastFailures.processorClassesMissing(e)) {
                        throw e;
                    }
                    // the owner could not read the processor, which so never ran: deciding again counts nothing twice
                    path().processorFailed(e);
                }
            }
            return compareAndSet.execute(user, operation);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    /**
     * Sends the operation to the entry's owner and returns without waiting (a slot's release: the caller needs no
     * answer). Hazelcast keeps one member's operations on one partition in the order they were sent, so this
     * member's next decision on the user sees it. A failure is logged, once at WARNING, then at FINE; the slot it
     * would have freed stays counted until its lease runs out. On the compare-and-set path it is decided here, as
     * {@link #execute} does: a read and a write cannot be left to run by themselves.
     */
    @Override
    public void send(String user, StateOperation<?> operation) {
        Objects.requireNonNull(user, "user");
        if (!WireFormat.compact(operation) || !processor()) {
            execute(user, operation);
            return;
        }
        try {
            long now = clock.millis();
            // The answer is read on the thread that completes the future (the owner's partition thread, or the
            // response thread): it only adds to a counter. Hazelcast's own default executor starts a new thread
            // per callback where the common pool has one worker (two cores), a thread per request (profiled on
            // Payara). A failure may announce the member's path, a map call no partition thread may block on, so it
            // goes to the common pool, whose workers are bounded.
            map.submitToKey(user, new StateProcessor(operation, now, cap.roomFor(user, operation, now), ttlMillis))
                    .whenCompleteAsync((result, failure) -> {
                        if (failure == null) {
                            WireFormat.answer(result, cap::add);
                        } else {
                            ForkJoinPool.commonPool().execute(() -> notDelivered(operation, failure));
                        }
                    }, Runnable::run);
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    private void notDelivered(StateOperation<?> operation, Throwable failure) {
        if (failure instanceof RuntimeException e && HazelcastFailures.processorClassesMissing(e)) {
            path().processorFailed(e);
        }
        Level level = sendFailureLogged.compareAndSet(false, true) ? Level.WARNING : Level.FINE;
        LOG.log(level, "quotaware: " + operation.getClass().getSimpleName() + " sent without waiting did not run; "
                + "its slot is free when its lease runs out (" + leaseMillis + " ms)", failure);
    }

    /**
     * The processor path's sweep at the cap: the engine's idle check run on the owners of one partition's entries
     * ({@link StateProcessor} without an operation), never the whole map.
     */
    private void sweepPartition() {
        map.executeOnEntries(new StateProcessor(null, clock.millis(), false, ttlMillis), sweep.next());
    }

    private RuntimeException translate(RuntimeException e) {
        String failure = HazelcastFailures.INSTANCE.explain(e);
        if (failure == null) {
            return e; // an operation's own exception: a bug to see as it is
        }
        QuotaStoreUnavailableException unavailable = e instanceof QuotaStoreUnavailableException q ? q
                : new QuotaStoreUnavailableException(failure, e);
        // a deployment mistake that will not heal by itself: say it once, loudly, with the fix
        if (HazelcastFailures.processorClassesMissing(e) && classesMissingLogged.compareAndSet(false, true)) {
            LOG.log(Level.WARNING, unavailable.getMessage(), e);
        }
        return unavailable;
    }

    /** Users with state in the whole cluster: an exact count, a call to every member. */
    @Override
    public long trackedUsers() {
        try {
            return cap.refresh();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public long currentTimeMillis() {
        try {
            return clock.millis();
        } catch (RuntimeException e) {
            throw translate(e);
        }
    }

    @Override
    public long slotLeaseMillis() {
        return leaseMillis;
    }

    @Override
    public StoreFailures failures() {
        return HazelcastFailures.INSTANCE;
    }

    /** Members of the cluster as this member sees it now, 0 when the instance is not running. */
    @Override
    public int members() {
        try {
            return hz.getLifecycleService().isRunning() ? hz.getCluster().getMembers().size() : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /** Whether a decision made now runs the {@link StateProcessor} on the owner; see {@link DecisionPath}. */
    boolean decidesByProcessor() {
        return processor();
    }

    /** The map's name. */
    public String mapName() {
        return mapName;
    }

    /** Stops listening to the cluster; leaves the map and the instance alone: both belong to the cluster. */
    @Override
    public void close() {
        DecisionPath p = path;
        if (p != null) {
            p.close();
        }
    }

    /**
     * Adds {@code wanted} with synchronous backups only and no statistics, unless the operator configured the map
     * already. Nothing reads these maps' statistics, and with them on every operation called on a map pays for two
     * clock reads and a latency count on the calling member (Hazelcast 5.3's map proxy).
     */
    private static void ensureMapConfig(HazelcastInstance hz, MapConfig wanted) {
        Config config = hz.getConfig();
        try {
            if (config.getMapConfigOrNull(wanted.getName()) != null) {
                return;
            }
        } catch (UnsupportedOperationException e) {
            // a client's view of the configuration cannot be read; adding is still allowed
        }
        try {
            config.addMapConfig(wanted.setAsyncBackupCount(0).setStatisticsEnabled(false));
        } catch (RuntimeException e) {
            // another member added a different configuration first: the cluster keeps that one
            LOG.log(Level.INFO, "Keeping the cluster's configuration of map " + wanted.getName() + ": " + e);
        }
    }

    /**
     * Whether the map's max-idle removes an abandoned entry no earlier than a per-entry time-to-live of
     * {@link CompareAndSetStore#timeToLiveMillis} would, and so can stand in for it: every operation writes the
     * entry it keeps (a write is an access), so an entry idle that long was last written that long ago; after its
     * last write a slot, queue place or allowance lives for at most the lease, and a unit counts for at most
     * {@link org.quotaware.WindowedLimit#LONGEST_COUNT_MILLIS} from then (an allowance's units are counted at its
     * expiry), so nothing in it counts any more. False when the map's configuration cannot be read (a client) or has a shorter or no max-idle
     * (the operator's own): then each write sets the time-to-live.
     */
    static boolean maxIdleBounds(HazelcastInstance hz, String name, long leaseMillis) {
        try {
            MapConfig c = hz.getConfig().getMapConfigOrNull(name);
            return c != null && c.getMaxIdleSeconds() > 0
                    && c.getMaxIdleSeconds() * 1000L >= CompareAndSetStore.timeToLiveMillis(leaseMillis)
                    && c.getTimeToLiveSeconds() == 0;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Hazelcast's cluster time: the same clock on every member, within the cluster's clock-sync error. */
    private static final class ClusterClock implements InstantSource {
        private final HazelcastInstance hz;

        ClusterClock(HazelcastInstance hz) {
            this.hz = hz;
        }

        @Override
        public long millis() {
            return hz.getCluster().getClusterTime();
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }
    }

    /** Builds a {@link HazelcastQuotaStore}; every setting but the instance has a default. */
    public static final class Builder {
        private final HazelcastInstance hz;
        private String mapName = DEFAULT_MAP_NAME;
        private InstantSource clock;
        private Duration slotLease = DEFAULT_SLOT_LEASE;
        private int maxTrackedUsers = 100_000;
        private int backupCount = 1;
        private boolean deferStart;
        private org.quotaware.hazelcast.persist.Persistence persistence;

        private Builder(HazelcastInstance hz) {
            this.hz = Objects.requireNonNull(hz, "hazelcastInstance");
        }

        /** The map holding users' state, default {@value HazelcastQuotaStore#DEFAULT_MAP_NAME}; same on every member. */
        public Builder mapName(String mapName) {
            if (mapName == null || mapName.isBlank()) {
                throw InvalidQuotaConfigException.invalid("mapName", mapName, "a non-blank map name");
            }
            this.mapName = mapName;
            return this;
        }

        /** The time decisions use; default the cluster time, which every member shares. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * How long a concurrency slot lives without renewal, default 30 s: how long a dead member's slots stay
         * taken. The managers on this store must call {@code renewLeases()} every third of it.
         */
        public Builder slotLease(Duration lease) {
            InvalidQuotaConfigException.requireRange("slotLeaseMillis", lease.toMillis(), 1_000, 3_600_000);
            this.slotLease = lease;
            return this;
        }

        /**
         * The most states in the whole cluster under which a new anonymous user still gets one of its own, default
         * 100 000 (identified users and the overflows always get one, see {@link QuotaStore}). Enforced against this
         * member's estimate (a count, {@code map.size()}, at most once a second plus its own changes), so the cluster
         * may exceed it by the new users the other members admit within a second.
         */
        public Builder maxTrackedUsers(int max) {
            this.maxTrackedUsers = (int) InvalidQuotaConfigException.requireRange("maxTrackedUsers", max, 1,
                    100_000_000);
            return this;
        }

        /** Synchronous backups of each entry, default 1: how many members may die at once without losing counts. */
        public Builder backupCount(int count) {
            this.backupCount = (int) InvalidQuotaConfigException.requireRange("backupCount", count, 0, 6);
            return this;
        }

        /**
         * Leaves taking the map and choosing the decision path to {@link HazelcastQuotaStore#start()} or the first
         * operation, for a store built on a thread outside the application's context (quota-cdi builds it while the
         * application deploys, and starts it on the container's managed thread).
         */
        public Builder deferStart() {
            this.deferStart = true;
            return this;
        }

        /**
         * Keeps the states in a database as well, written behind, so that they outlive a full restart of the
         * cluster; default none (memory only). Applies when this store adds the map's configuration (not when the
         * operator configured the map).
         */
        public Builder persistence(org.quotaware.hazelcast.persist.Persistence persistence) {
            this.persistence = persistence;
            return this;
        }

        public HazelcastQuotaStore build() {
            return new HazelcastQuotaStore(this);
        }
    }
}
