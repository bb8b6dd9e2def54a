package org.quotaware.hazelcast;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import com.hazelcast.internal.serialization.SerializationService;
import com.hazelcast.spi.impl.SerializationServiceSupport;

/**
 * Which way this member's {@link HazelcastQuotaStore} decides: with a {@link StateProcessor} on the entry's owner (one
 * round trip) or by compare-and-set on the entry's bytes (two round trips, no class of ours on any other member).
 * <p>
 * The processor path needs every member to load our processor on its partition threads, as the owner of some entry.
 * The backups it sends are Hazelcast's own processors (the bytes it wrote, or the entry's removal), which every
 * Hazelcast 5 member reads without any class of ours. So that no decision is sent to a member that cannot read it:
 * <ul>
 * <li>each member checks once, at start ({@link HazelcastQuotaStore#start()}), whether its own Hazelcast reads our
 * classes back ({@link #unreadable}), and announces the answer in a small map of plain strings
 * ({@code <map>.paths}: member id to {@code processor} or {@code compare-and-set});</li>
 * <li>a member uses the processor only while every member now in the cluster has announced {@code processor}. A member
 * that has not announced yet (still starting, or a member without this store) is not trusted: decisions take the
 * compare-and-set path meanwhile, which needs nothing from it;</li>
 * <li>once any member announces {@code compare-and-set}, or a processor sent to a member fails to load there, this
 * member switches to compare-and-set for good, announces it in turn, and logs it once.</li>
 * </ul>
 * A member's announcement outlives its deployment: a store started again on the same member (a redeployment, or the
 * second start Payara Micro makes at boot of an application given with {@code --deploy}) keeps compare-and-set if it
 * was chosen, and does not log a choice already logged.
 * The two paths may meet on one entry while a member joins: both are atomic on the owner, and both paths' writes are
 * backed up as plain bytes, so no backup is lost. On Payara Micro, whose Hazelcast reads
 * Java-serialized objects with the class loader of the application the writing thread runs in, a member started on a
 * thread of the application reads the processor back and takes the processor path; started on a thread outside any
 * application (while it deploys) it could not, so quota-cdi starts the store on the container's managed thread.
 */
final class DecisionPath implements AutoCloseable {

    static final String PROCESSOR = "processor";
    static final String COMPARE_AND_SET = "compare-and-set";
    /** What {@link #unreadable} answers when the object came back as null: Payara's serializer outside a started
     * application (it swallows the ClassNotFoundException there). */
    static final String NOT_IN_APPLICATION = "read back as null";
    private static final Logger LOG = Logger.getLogger(DecisionPath.class.getName());

    private final HazelcastInstance hz;
    private final IMap<String, String> paths;
    /** Null for a client, which holds no partitions and so announces nothing. */
    private final UUID self;
    private final Set<UUID> announcedProcessor = ConcurrentHashMap.newKeySet();
    /**
     * The last answer of {@link #processor()} and what it was made from: the cluster's member set (Hazelcast hands out
     * the same set object until the membership changes) and the number of announcements heard then.
     */
    private volatile Answer answer = new Answer(null, -1, false);
    /** Announcements of the processor heard so far; each one may change the answer. */
    private final AtomicInteger heard = new AtomicInteger();
    private final UUID listener;
    /** What this member announced before this store started (an earlier deployment), or null. */
    private final String before;
    private volatile boolean compareAndSet;

    private DecisionPath(HazelcastInstance hz, String mapName, UUID self, boolean cannotLoadHere) {
        this.hz = hz;
        this.paths = hz.getMap(mapName(mapName));
        this.self = self;
        // listen first, then read: no announcement falls between the two
        this.listener = paths.addEntryListener(new Announcements(), true);
        Map<String, String> announced = new HashMap<>(paths);
        // an earlier deployment on this member chose already: compare-and-set stays, and neither is said again
        this.before = self == null ? null : announced.get(self.toString());
        this.compareAndSet = cannotLoadHere || COMPARE_AND_SET.equals(before);
        announced.forEach(this::heard);
    }

    /** The name of the map of announcements that goes with the store's map {@code storeMap}. */
    static String mapName(String storeMap) {
        return storeMap + ".paths";
    }

    /**
     * Chooses this member's path, announces it and logs it, once per member; see the class comment. Null when this
     * thread cannot tell: Payara's serializer read the processor back as null, its sign of a thread outside a started
     * application (while the application deploys): ask again on a thread of the application.
     */
    static DecisionPath choose(HazelcastInstance hz, String mapName) {
        UUID self = localMember(hz);
        String missing = self == null ? null : unreadable(hz);
        if (NOT_IN_APPLICATION.equals(missing)) {
            LOG.fine(() -> "quotaware: the decision path is chosen later, on a thread of the started application, not "
                    + "on " + Thread.currentThread().getName());
            return null;
        }
        DecisionPath path = new DecisionPath(hz, mapName, self, missing != null);
        if (missing != null) {
            if (!COMPARE_AND_SET.equals(path.before)) {
                log(Level.INFO, "this member's Hazelcast cannot read back " + missing + " on thread "
                        + Thread.currentThread().getName(), null);
                path.announce(COMPARE_AND_SET);
            }
        } else if (!path.compareAndSet) {
            path.announce(PROCESSOR);
            if (!PROCESSOR.equals(path.before)) {
                LOG.info("quotaware: deciding with the StateProcessor on each entry's owner (one round trip): this "
                        + "member's Hazelcast reads it back; while every member of the cluster announces the same, by "
                        + "compare-and-set otherwise");
            }
        }
        // else compare-and-set was chosen before, or a member's announcement read above switched to it and said why
        return path;
    }

    /**
     * True when this decision may run the processor: see the class comment. The members are walked only when the
     * membership or the announcements changed since the last answer, not per decision; the member set is read on
     * every call, so a member that just joined is never trusted before it announced.
     */
    boolean processor() {
        if (compareAndSet) {
            return false;
        }
        Set<Member> members = hz.getCluster().getMembers();
        Answer last = answer;
        int announcements = heard.get();
        if (last.members == members && last.announcements == announcements) {
            return last.processor;
        }
        boolean all = true;
        for (Member m : members) {
            if (!announcedProcessor.contains(m.getUuid())) {
                all = false;
                break;
            }
        }
        answer = new Answer(members, announcements, all); // read before the walk: a later announcement walks again
        return all;
    }

    /** One answer of {@link #processor()}, for the member set and the announcement count it was made from. */
    private record Answer(Set<Member> members, int announcements, boolean processor) {
    }

    /** A processor sent to a member could not be loaded there: compare-and-set from now on, everywhere. */
    void processorFailed(RuntimeException cause) {
        switchToCompareAndSet("a member could not load the StateProcessor sent to it", cause);
    }

    private void switchToCompareAndSet(String why, Throwable cause) {
        synchronized (this) {
            if (compareAndSet) {
                return;
            }
            compareAndSet = true;
        }
        log(Level.WARNING, why, cause);
        announce(COMPARE_AND_SET);
    }

    private static void log(Level level, String why, Throwable cause) {
        LOG.log(level, "quotaware: deciding by compare-and-set on the entry's bytes: " + why + ". Still exact, two "
                + "round trips per decision; for one, every member's Hazelcast must read the quota classes back "
                + "(see docs/cluster.md)", cause);
    }

    private void announce(String path) {
        if (self == null) {
            return;
        }
        if (PROCESSOR.equals(path)) {
            announcedProcessor.add(self); // its own event may come later than its first decision
            heard.incrementAndGet();
        }
        try {
            paths.put(self.toString(), path);
        } catch (RuntimeException e) {
            // the others then never see this member announce the processor, and keep to compare-and-set with it
            LOG.log(Level.WARNING, "quotaware: could not announce this member's decision path (" + path + ")", e);
        }
    }

    private void heard(String member, String path) {
        if (COMPARE_AND_SET.equals(path)) {
            if (!member.equals(String.valueOf(self))) {
                switchToCompareAndSet("member " + member + " cannot load the quota classes", null);
            }
        } else if (PROCESSOR.equals(path)) {
            announcedProcessor.add(UUID.fromString(member));
            heard.incrementAndGet();
        }
    }

    /** Stops listening: the announcements stay for the members that remain and those that join. */
    @Override
    public void close() {
        try {
            paths.removeEntryListener(listener);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "quotaware: the Hazelcast instance went first", e);
        }
    }

    /**
     * The class this member's Hazelcast cannot read back, or null: a {@link StateProcessor} and the backup processor
     * it sends ({@link StateProcessor#sampleBackup()}, Hazelcast's own) are written and read through the member's own
     * serialization, as on a partition thread (the thread's context class loader is Hazelcast's). Payara Micro reads
     * a Java-serialized object with the application's class loader (its global serializer names the application in
     * the stream), so the processor comes back there; a member whose Hazelcast has no quota classes answers an
     * exception, one without the backup's class (not Hazelcast 5) a linkage error, and Payara's serializer on a thread
     * outside a started application answers {@link #NOT_IN_APPLICATION}.
     */
    static String unreadable(HazelcastInstance hz) {
        if (!(hz instanceof SerializationServiceSupport support)) {
            return StateProcessor.class.getName() + " (not a member's instance: " + hz.getClass().getName() + ")";
        }
        SerializationService serialization = support.getSerializationService();
        ClassLoader configured = hz.getConfig().getClassLoader();
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(configured != null ? configured : HazelcastInstance.class.getClassLoader());
        try {
            for (Object sample : samples()) {
                Object read;
                try {
                    read = serialization.toObject(serialization.toData(sample));
                } catch (RuntimeException | LinkageError e) {
                    return sample.getClass().getName() + " (" + e + ")";
                }
                if (read == null) {
                    return NOT_IN_APPLICATION;
                }
                if (read.getClass() != sample.getClass()) {
                    return sample.getClass().getName() + " (read back as " + read.getClass().getName() + " of "
                            + read.getClass().getClassLoader() + ")";
                }
            }
            return null;
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    private static Object[] samples() {
        try {
            return new Object[] {new StateProcessor(null, 0, false, 0), StateProcessor.sampleBackup()};
        } catch (LinkageError e) {
            return new Object[] {e};
        }
    }

    private static UUID localMember(HazelcastInstance hz) {
        try {
            return hz.getCluster().getLocalMember().getUuid();
        } catch (UnsupportedOperationException client) {
            return null;
        }
    }

    /** Every member's announcement, its own included, as it is made. */
    private final class Announcements implements EntryAddedListener<String, String>,
            EntryUpdatedListener<String, String> {
        @Override
        public void entryAdded(EntryEvent<String, String> event) {
            heard(event.getKey(), event.getValue());
        }

        @Override
        public void entryUpdated(EntryEvent<String, String> event) {
            heard(event.getKey(), event.getValue());
        }
    }
}
