package org.quotaware.hazelcast;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.hazelcast.internal.serialization.InternalSerializationService;
import com.hazelcast.internal.serialization.impl.DefaultSerializationServiceBuilder;
import com.hazelcast.map.impl.LazyMapEntry;
import org.junit.jupiter.api.Test;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.engine.Decision;
import org.quotaware.engine.Operations;
import org.quotaware.engine.WireFormat;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The processor outside a cluster, on the entries Hazelcast hands it: what it answers, and the Hazelcast processors it
 * hands the backups instead of itself.
 */
class StateProcessorTest {

    private static final InternalSerializationService SERIALIZATION = new DefaultSerializationServiceBuilder().build();

    private static final long T0 = 1_767_571_200_000L;
    private static final long TTL = Duration.ofHours(26).toMillis();
    private static final QuotaLimits LIMITS = QuotaLimits.builder().requestsPerMinute(2).build();
    private final AtomicInteger tracked = new AtomicInteger();

    @Test
    void theBackupSetsExactlyTheBytesTheOwnerWrote() {
        Map.Entry<String, byte[]> owner = entry("ann", null);
        Map.Entry<String, byte[]> replica = entry("ann", null);
        for (int i = 0; i < 3; i++) {
            StateProcessor p = acquire(T0 + i, true);
            Decision d = (Decision) WireFormat.answer(p.process(owner), tracked::addAndGet);
            assertThat(d.verdict()).isEqualTo(i < 2 ? Decision.Verdict.ADMITTED : Decision.Verdict.DENIED);
            p.getBackupProcessor().process(replica);
            assertThat(stored(replica)).isEqualTo(owner.getValue()).isNotNull();
        }
        assertThat(tracked).hasValue(1);
    }

    @Test
    void nothingWrittenMeansNoBackup() {
        Map.Entry<String, byte[]> entry = entry("bob", null);
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
        Map.Entry<String, byte[]> owner = entry("cy", null);
        acquire(T0, true).process(owner);
        Map.Entry<String, byte[]> replica = entry("cy", owner.getValue());

        StateProcessor later = new StateProcessor(new Operations.Export(), T0 + Duration.ofHours(26).toMillis(), true,
                TTL);
        assertThat(WireFormat.answer(later.process(owner), tracked::addAndGet)).isNotNull();
        assertThat(owner.getValue()).isNull();
        assertThat(tracked).hasValue(-1);
        later.getBackupProcessor().process(replica);
        assertThat(stored(replica)).isNull();
    }

    @Test
    void theSweepSendsTheBackupsNothing() {
        Map.Entry<String, byte[]> idle = entry("dee", null);
        acquire(T0, true).process(idle);
        StateProcessor sweep = new StateProcessor(null, T0 + Duration.ofHours(26).toMillis(), false, TTL);
        assertThat(sweep.process(idle)).isNull();
        assertThat(idle.getValue()).isNull();
        assertThat(sweep.getBackupProcessor()).isNull();
    }

    @Test
    void theBackupsAreHazelcastsOwnProcessorsReadWithoutOurClasses() {
        Map.Entry<String, byte[]> owner = entry("eve", null);
        StateProcessor p = acquire(T0, true);
        p.process(owner);
        Object backup = p.getBackupProcessor();
        assertThat(backup.getClass().getName()).startsWith("com.hazelcast.");
        Object read = SERIALIZATION.toObject(SERIALIZATION.toData(backup));
        Map.Entry<String, byte[]> replica = entry("eve", null);
        ((com.hazelcast.map.EntryProcessor<String, byte[], ?>) read).process(replica);
        assertThat(stored(replica)).isEqualTo(owner.getValue()).isNotNull();
    }

    @Test
    void aMemberAloneInItsClusterBuildsNoBackup() {
        Map.Entry<String, byte[]> owner = entry("fay", null);
        StateProcessor alone = acquire(T0, true);
        alone.setHazelcastInstance(member(1));
        alone.process(owner);
        assertThat(owner.getValue()).isNotNull();
        assertThat(alone.getBackupProcessor()).as("no replica can exist").isNull();

        StateProcessor withCompany = acquire(T0 + 1, true);
        withCompany.setHazelcastInstance(member(2));
        withCompany.process(owner);
        Map.Entry<String, byte[]> replica = entry("fay", null);
        withCompany.getBackupProcessor().process(replica);
        assertThat(stored(replica)).isEqualTo(owner.getValue());
    }

    @Test
    void withoutATimeToLiveTheEntryKeepsTheMapsExpiry() {
        Map.Entry<String, byte[]> owner = entry("gus", null);
        new StateProcessor(new Operations.Acquire(QuotaRequest.request().withConcurrent(false), LIMITS, 0, 0), T0,
                true, 0).process(owner);
        assertThat(owner.getValue()).isNotNull();
        Map.Entry<String, byte[]> plain = entry("gus", null);
        plain.setValue(new byte[] {1});
        assertThat(((LazyMapEntry<String, byte[]>) owner).getNewTtl()).as("as a plain write leaves it")
                .isEqualTo(((LazyMapEntry<String, byte[]>) plain).getNewTtl()).isNotEqualTo(TTL);
        Map.Entry<String, byte[]> timed = entry("gus", null);
        acquire(T0, true).process(timed);
        assertThat(((LazyMapEntry<String, byte[]>) timed).getNewTtl()).isEqualTo(TTL);
    }

    /** A member whose cluster has {@code members} members: only its member list is answered. */
    private static com.hazelcast.core.HazelcastInstance member(int members) {
        java.util.Set<Object> set = new java.util.HashSet<>();
        for (int i = 0; i < members; i++) {
            set.add(new Object());
        }
        Object cluster = java.lang.reflect.Proxy.newProxyInstance(StateProcessorTest.class.getClassLoader(),
                new Class<?>[] {com.hazelcast.cluster.Cluster.class}, (proxy, method, args) -> {
                    if (method.getName().equals("getMembers")) {
                        return set;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
        return (com.hazelcast.core.HazelcastInstance) java.lang.reflect.Proxy.newProxyInstance(
                StateProcessorTest.class.getClassLoader(), new Class<?>[] {com.hazelcast.core.HazelcastInstance.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getCluster")) {
                        return cluster;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    /** The value as the record store keeps it (a backup's processor sets it in its serialized form). */
    private static byte[] stored(Map.Entry<String, byte[]> entry) {
        return SERIALIZATION.toObject(((LazyMapEntry<String, byte[]>) entry).getValueData());
    }

    /** The kind of entry Hazelcast hands a processor on the owner and on a backup. */
    private static Map.Entry<String, byte[]> entry(String key, byte[] value) {
        return new LazyMapEntry<>(SERIALIZATION.toData(key), value, SERIALIZATION); // a key as Hazelcast holds it
    }

    private static StateProcessor acquire(long now, boolean roomForNewUser) {
        return new StateProcessor(new Operations.Acquire(QuotaRequest.request().withConcurrent(false), LIMITS, 0, 0),
                now, roomForNewUser, TTL);
    }
}
