package org.quotaware.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Counted;
import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.Violation;
import org.quotaware.WindowedLimit;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviour every {@link QuotaStore} must have, run through a {@link QuotaManager} on the store. Extended once
 * per store (in-memory and the compare-and-set store here, Hazelcast in quota-hazelcast, any third party's); shipped in this
 * module's test-jar.
 */
public abstract class QuotaStoreContract {

    protected static final int THREADS = 16;

    protected MutableClock clock;
    protected QuotaStore store;
    private ExecutorService pool;

    /** A new, empty store on this clock that tracks at most {@code maxTrackedUsers} users. */
    protected abstract QuotaStore newStore(MutableClock clock, int maxTrackedUsers);

    @BeforeEach
    void setUpStore() {
        clock = new MutableClock();
        store = newStore(clock, 1_000);
        pool = Executors.newFixedThreadPool(THREADS);
    }

    @AfterEach
    void tearDownStore() throws InterruptedException {
        pool.shutdownNow();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        store.close();
    }

    protected QuotaManager manager(QuotaLimits limits) {
        return DefaultQuotaManager.builder().store(store).tiers(new QuotaTiers(limits)).build();
    }

    private <T> List<T> runAll(int n, Callable<T> task) throws Exception {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<T>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(pool.submit(() -> {
                start.await();
                return task.call();
            }));
        }
        start.countDown();
        List<T> out = new ArrayList<>();
        for (Future<T> f : futures) {
            out.add(f.get(60, TimeUnit.SECONDS));
        }
        return out;
    }

    /**
     * The same request refused again is answered from what the state remembers, and any other operation on the user
     * ends that: a slot released in the same instant is taken by the next request, a refused one stays refused with
     * the same reasons, and a refusal counts nothing.
     */
    @Test
    void aRefusalRepeatedIsTheSameAndEndsWithTheNextOperation() {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(3).maxConcurrentTasks(1).maxQueueSize(0)
                .build());
        QuotaPermit held = (QuotaPermit) m.acquire("ivy", QuotaRequest.request());
        Acquisition first = m.acquire("ivy", QuotaRequest.request());
        Acquisition again = m.acquire("ivy", QuotaRequest.request());
        assertThat(first.admitted()).isFalse();
        assertThat(again.result()).isEqualTo(first.result());
        assertThat(again.result().violations()).extracting(Violation::limit).containsExactly(Limit.CONCURRENT_TASKS);
        held.close();
        QuotaPermit next = (QuotaPermit) m.acquire("ivy", QuotaRequest.request());
        next.close();
        assertThat(m.usage("ivy").requestsPerMinute()).isEqualTo(2);
        Acquisition spent = m.acquire("ivy", QuotaRequest.request());
        assertThat(spent.admitted()).as("the third of three").isTrue();
        ((QuotaPermit) spent).close();
        for (int i = 0; i < 3; i++) {
            assertThat(m.acquire("ivy", QuotaRequest.request()).result().violated(Limit.REQUESTS_PER_MINUTE)).isTrue();
        }
        clock.advance(Duration.ofSeconds(65));
        assertThat(m.acquire("ivy", QuotaRequest.request()).admitted()).as("a minute later").isTrue();
    }

    @Test
    void concurrentRequestsOfOneUserAdmitExactlyTheLimit() throws Exception {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(25).off(Limit.CONCURRENT_TASKS).build());
        List<Acquisition> results = runAll(100, () -> {
            Acquisition a = m.acquire("alice", QuotaRequest.request());
            if (a instanceof QuotaPermit p) {
                p.close();
            }
            return a;
        });
        assertThat(results.stream().filter(Acquisition::admitted)).hasSize(25);
        assertThat(results.stream().filter(a -> a.result().violated(Limit.REQUESTS_PER_MINUTE))).hasSize(75);
        assertThat(m.usage("alice").requestsPerMinute()).isEqualTo(25);
    }

    @Test
    void concurrentUploadsAdmitExactlyTheFileLimit() throws Exception {
        QuotaManager m = manager(QuotaLimits.builder().filesPerHour(12).filesPerDay(40).off(Limit.CONCURRENT_TASKS)
                .build());
        List<Acquisition> results = runAll(60, () -> {
            Acquisition a = m.acquire("alice", QuotaRequest.upload(1, 100));
            if (a instanceof QuotaPermit p) {
                p.close();
            }
            return a;
        });
        assertThat(results.stream().filter(Acquisition::admitted)).hasSize(12);
        assertThat(m.usage("alice").filesPerHour()).isEqualTo(12);
    }

    @Test
    void concurrencySlotsAreExactAndNeverLost() throws Exception {
        QuotaManager m = manager(QuotaLimits.builder().maxConcurrentTasks(3).maxQueueSize(0).off(Limit.REQUESTS_PER_MINUTE)
                .build());
        CountDownLatch allTried = new CountDownLatch(40);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger maxHeld = new AtomicInteger();
        List<Acquisition> results = runAll(40, () -> {
            Acquisition a = m.acquire("alice", QuotaRequest.request());
            if (a instanceof QuotaPermit p) {
                maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
                allTried.countDown();
                allTried.await(30, TimeUnit.SECONDS); // hold the slot until every thread has tried
                held.decrementAndGet();
                p.close();
                p.close();
            } else {
                allTried.countDown();
            }
            return a;
        });
        assertThat(results.stream().filter(Acquisition::admitted)).hasSize(3);
        assertThat(results.stream().filter(a -> a.result().violated(Limit.CONCURRENT_TASKS))).hasSize(37);
        assertThat(maxHeld.get()).isEqualTo(3);
        assertThat(m.usage("alice").activeTasks()).isZero();
        assertThat(m.statistics().active()).isZero();
        // all three slots are back
        List<QuotaPermit> again = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            again.add((QuotaPermit) m.acquire("alice", QuotaRequest.request()));
        }
        assertThat(m.acquire("alice", QuotaRequest.request()).admitted()).isFalse();
        again.forEach(QuotaPermit::close);
    }

    @Test
    void aRateInShadowAdmitsEveryRequestAndReportsExactlyTheDenialsEnforcementWouldMake() throws Exception {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(25).off(Limit.CONCURRENT_TASKS)
                .shadow(List.of(Limit.REQUESTS_PER_MINUTE)).build());
        List<Acquisition> results = runAll(100, () -> {
            Acquisition a = m.acquire("alice", QuotaRequest.request());
            ((QuotaPermit) a).close();
            return a;
        });
        assertThat(results.stream().filter(Acquisition::admitted)).hasSize(100);
        assertThat(results.stream().filter(a -> a.result().shadowed())).hasSize(75)
                .allSatisfy(a -> assertThat(a.result().violations()).singleElement()
                        .satisfies(v -> assertThat(List.of(v.limit(), v.max(), v.current()))
                                .containsExactly(Limit.REQUESTS_PER_MINUTE, 25L, 25L)));
        // counted as when enforced: the window holds what enforcement would have let through
        assertThat(m.usage("alice").requestsPerMinute()).isEqualTo(25);
        assertThat(m.statistics().shadowDenied()).isEqualTo(75);
        assertThat(m.statistics().denied()).isZero();
    }

    @Test
    void slotsInShadowAdmitEveryoneBeyondTheLimitAndEverySlotComesBack() throws Exception {
        QuotaManager m = manager(QuotaLimits.builder().maxConcurrentTasks(3).maxQueueSize(0)
                .off(Limit.REQUESTS_PER_MINUTE).shadow(List.of(Limit.CONCURRENT_TASKS)).build());
        CountDownLatch allTried = new CountDownLatch(THREADS);
        AtomicInteger held = new AtomicInteger();
        AtomicInteger maxHeld = new AtomicInteger();
        List<Acquisition> results = runAll(THREADS, () -> {
            Acquisition a = m.acquire("alice", QuotaRequest.request());
            maxHeld.accumulateAndGet(held.incrementAndGet(), Math::max);
            allTried.countDown();
            allTried.await(30, TimeUnit.SECONDS); // every slot held until every thread has one
            held.decrementAndGet();
            ((QuotaPermit) a).close();
            return a;
        });
        assertThat(results.stream().filter(Acquisition::admitted)).hasSize(THREADS);
        assertThat(maxHeld.get()).isEqualTo(THREADS);
        assertThat(results.stream().filter(a -> a.result().shadowed())).hasSize(THREADS - 3)
                .allSatisfy(a -> assertThat(a.result().violations()).extracting(Violation::limit)
                        .containsExactly(Limit.CONCURRENT_TASKS));
        assertThat(m.usage("alice").activeTasks()).isZero();
        assertThat(m.statistics().active()).isZero();
    }

    @Test
    void usersNeverShareAQuota() throws Exception {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(10).off(Limit.CONCURRENT_TASKS).build());
        AtomicInteger next = new AtomicInteger();
        List<String> admittedUsers = runAll(8 * 30, () -> {
            String user = "user-" + (next.getAndIncrement() % 8);
            Acquisition a = m.acquire(user, QuotaRequest.request());
            if (a instanceof QuotaPermit p) {
                p.close();
                return user;
            }
            return null;
        });
        for (int u = 0; u < 8; u++) {
            String user = "user-" + u;
            assertThat(admittedUsers.stream().filter(user::equals)).as(user).hasSize(10);
            assertThat(m.usage(user).requestsPerMinute()).isEqualTo(10);
        }
    }

    // Windowed limits of every kind, declared as rows: each counts exactly under N threads on every store and mode.

    /** Only these rows: the presets (requests per minute, files per hour and per day) and the slots off. */
    private static QuotaLimits.Builder only(WindowedLimit... rows) {
        QuotaLimits.Builder b = QuotaLimits.builder().off(Limit.REQUESTS_PER_MINUTE).off(Limit.FILES_PER_HOUR)
                .off(Limit.FILES_PER_DAY).off(Limit.CONCURRENT_TASKS);
        for (WindowedLimit row : rows) {
            b.limit(row);
        }
        return b;
    }

    /** {@code n} requests of {@code user} at once, each permit closed at once: how many were admitted. */
    private long admitted(QuotaManager m, String user, QuotaRequest request, int n) throws Exception {
        return runAll(n, () -> {
            Acquisition a = m.acquire(user, request);
            if (a instanceof QuotaPermit p) {
                p.close();
            }
            return a;
        }).stream().filter(Acquisition::admitted).count();
    }

    /** What the limit named {@code name} (a rule's: {@code rule.name}) holds of {@code user} now. */
    private static long used(QuotaManager m, String user, String name) {
        return m.usage(user).limits().stream().filter(s -> s.name().equals(name)).findFirst()
                .map(LimitStatus::used).orElseThrow(() -> new AssertionError("no limit named " + name));
    }

    /**
     * A row of each kind counted at admission, alone in its tier: 40 requests at once admit exactly as many as fit
     * (the files, bytes and cost of one request are all or nothing), the row holds exactly what they counted, and a
     * refusal names the row.
     */
    @Test
    void everyKindCountedAtAdmissionAdmitsExactlyItsLimit() throws Exception {
        record Kind(WindowedLimit row, QuotaRequest request, long admitted, long used) {
        }
        QuotaRequest plain = QuotaRequest.request();
        List<Kind> kinds = List.of(
                new Kind(new WindowedLimit("calls", Counted.REQUESTS, Duration.ofSeconds(10), 25), plain, 25, 25),
                new Kind(new WindowedLimit("uploads", Counted.FILES, Duration.ofHours(1), 25),
                        QuotaRequest.upload(2, 10), 12, 24),
                new Kind(new WindowedLimit("volume", Counted.BYTES, Duration.ofDays(1), 25),
                        QuotaRequest.upload(1, 1025), 12, 24), // 2 KiB each, rounded up
                new Kind(new WindowedLimit("credits", Counted.COST, Duration.ofMinutes(1), 25), plain.withCost(3),
                        8, 24));
        for (Kind k : kinds) {
            QuotaManager m = manager(only(k.row()).build());
            String user = "kind-" + k.row().name();
            assertThat(admitted(m, user, k.request(), 40)).as(k.row().name()).isEqualTo(k.admitted());
            assertThat(used(m, user, k.row().name())).as(k.row().name()).isEqualTo(k.used());
            assertThat(m.acquire(user, k.request()).result().violations()).as(k.row().name()).singleElement()
                    .satisfies(v -> {
                        assertThat(v.name()).isEqualTo(k.row().name());
                        assertThat(v.current()).isEqualTo(k.used());
                    });
        }
    }

    /**
     * CPU time and allocated KiB, charged through {@link QuotaPermit#charge} when each request ends: every request
     * finds its budget free while none has ended (so all are admitted), every unit charged is counted (rounded up per
     * request, none lost to a concurrent release), and once the budget is spent nobody is admitted until the units
     * leave the window. Each permit holds a slot.
     */
    @Test
    void cpuAndAllocationChargedAtReleaseAreCountedExactly() throws Exception {
        WindowedLimit cpu = new WindowedLimit("cpu", Counted.CPU, Duration.ofMinutes(1), 100); // ms
        WindowedLimit heap = new WindowedLimit("heap", Counted.ALLOCATED, Duration.ofMinutes(1), 100); // KiB
        QuotaManager m = manager(only(cpu, heap).maxConcurrentTasks(THREADS).maxQueueSize(0).build());
        assertThat(m.chargedAtEnd()).containsExactlyInAnyOrder(Counted.CPU, Counted.ALLOCATED);
        CountDownLatch allIn = new CountDownLatch(THREADS);
        List<Acquisition> first = runAll(THREADS, () -> {
            Acquisition a = m.acquire("carl", QuotaRequest.request());
            allIn.countDown();
            allIn.await(30, TimeUnit.SECONDS); // nobody ends before everyone was decided
            if (a instanceof QuotaPermit p) {
                p.charge(Counted.CPU, 3_000_000);
                p.charge(Counted.CPU, 3_500_000); // 6.5 ms: 7
                p.charge(Counted.ALLOCATED, 6 * 1024 + 1); // 7 KiB
                p.close();
            }
            return a;
        });
        assertThat(first.stream().filter(Acquisition::admitted)).hasSize(THREADS);
        assertThat(used(m, "carl", "cpu")).isEqualTo(7L * THREADS);
        assertThat(used(m, "carl", "heap")).isEqualTo(7L * THREADS);
        assertThat(admitted(m, "carl", QuotaRequest.request(), 20)).isZero();
        assertThat(m.acquire("carl", QuotaRequest.request()).result().violations()).extracting(Violation::name)
                .containsExactlyInAnyOrder("cpu", "heap");
        assertThat(admitted(m, "dora", QuotaRequest.request(), 20)).as("another user").isEqualTo(20);
        clock.advance(Duration.ofSeconds(64)); // the window and its bucket of 5 s, less a second
        assertThat(admitted(m, "carl", QuotaRequest.request(), 5)).isZero();
        clock.advance(Duration.ofSeconds(1));
        assertThat(admitted(m, "carl", QuotaRequest.request(), 20)).isEqualTo(20);
    }

    /**
     * CPU and allocation charged to permits of a tier without a concurrency limit: a permit then holds no slot, and
     * what it was charged must reach the user's windows all the same (a requests-per-minute limit keeps the state).
     */
    @Test
    void chargesOfAPermitWithoutASlotAreCounted() throws Exception {
        QuotaManager m = manager(only(new WindowedLimit("cpu", Counted.CPU, Duration.ofMinutes(1), 100))
                .requestsPerMinute(1_000).build());
        CountDownLatch allIn = new CountDownLatch(THREADS);
        List<Acquisition> all = runAll(THREADS, () -> {
            Acquisition a = m.acquire("cid", QuotaRequest.request());
            allIn.countDown();
            allIn.await(30, TimeUnit.SECONDS);
            if (a instanceof QuotaPermit p) {
                assertThat(p.slot()).isZero();
                p.charge(Counted.CPU, 7_000_000);
                p.close();
            }
            return a;
        });
        assertThat(all.stream().filter(Acquisition::admitted)).hasSize(THREADS);
        assertThat(used(m, "cid", "cpu")).isEqualTo(7L * THREADS);
        assertThat(admitted(m, "cid", QuotaRequest.request(), 20)).isZero();
    }

    /**
     * A CPU budget alone in its tier, on requests that hold no slot: admission counts nothing, so nothing keeps the
     * user's state between admission and release; what the release charges must be counted all the same.
     */
    @Test
    void aBudgetChargedAtReleaseAloneInItsTierCountsEveryCharge() throws Exception {
        QuotaManager m = manager(only(new WindowedLimit("cpu", Counted.CPU, Duration.ofMinutes(1), 100)).build());
        for (int i = 0; i < 3; i++) {
            QuotaPermit p = (QuotaPermit) m.acquire("cyd", QuotaRequest.request());
            p.charge(Counted.CPU, 40_000_000); // 40 ms
            p.close();
        }
        assertThat(used(m, "cyd", "cpu")).isEqualTo(120);
        assertThat(m.acquire("cyd", QuotaRequest.request()).admitted()).isFalse();
    }

    /**
     * A burst row below a second beside the minute: each burst of 30 requests at one instant admits exactly the
     * burst's 5, none more until the burst's units leave (205 to 221 ms later: 12 buckets of 17 ms, and the one
     * they were counted in), and the third burst only what the minute has left.
     */
    @Test
    void aBurstBelowASecondAndItsMinuteAdmitExactlyTheirLimits() throws Exception {
        WindowedLimit burst = new WindowedLimit("burst", Counted.REQUESTS, 200, 5, null);
        QuotaManager m = manager(only(burst).requestsPerMinute(12).build());
        assertThat(admitted(m, "bea", QuotaRequest.request(), 30)).isEqualTo(5);
        clock.advance(Duration.ofMillis(204));
        assertThat(admitted(m, "bea", QuotaRequest.request(), 30)).as("within the burst's window").isZero();
        clock.advance(Duration.ofMillis(17));
        assertThat(admitted(m, "bea", QuotaRequest.request(), 30)).isEqualTo(5);
        clock.advance(Duration.ofMillis(221));
        assertThat(admitted(m, "bea", QuotaRequest.request(), 30)).as("the minute's last 2").isEqualTo(2);
        assertThat(used(m, "bea", "rpm")).isEqualTo(12);
        assertThat(m.acquire("bea", QuotaRequest.request()).result().violations()).extracting(Violation::limit)
                .containsExactly(Limit.REQUESTS_PER_MINUTE);
    }

    /** A rule's row counts only the requests of its rule: of 20 reads and 20 others at once, 10 reads and 20 others. */
    @Test
    void aRuleRowCountsExactlyTheRequestsOfItsRule() throws Exception {
        WindowedLimit reads = new WindowedLimit("rpm", Counted.REQUESTS, 60_000, 10, "reads");
        QuotaManager m = manager(only(reads).build());
        QuotaRequest read = QuotaRequest.request().withRules(java.util.Set.of("reads", "small"));
        AtomicInteger next = new AtomicInteger();
        List<Acquisition> results = runAll(40, () -> {
            boolean isRead = next.getAndIncrement() % 2 == 0;
            Acquisition a = m.acquire("rita", isRead ? read : QuotaRequest.request());
            if (a instanceof QuotaPermit p) {
                p.close();
            }
            return a;
        });
        assertThat(results.stream().filter(Acquisition::admitted)).hasSize(30);
        assertThat(results.stream().filter(a -> !a.admitted())).hasSize(10)
                .allSatisfy(a -> assertThat(a.result().violations()).extracting(Violation::name)
                        .containsExactly("reads.rpm"));
        assertThat(used(m, "rita", "reads.rpm")).isEqualTo(10);
        assertThat(m.acquire("rita", read).admitted()).isFalse();
        assertThat(m.acquire("rita", QuotaRequest.request()).admitted()).isTrue();
    }

    @Test
    void checkChangesNothing() {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(1).build());
        for (int i = 0; i < 5; i++) {
            assertThat(m.check("alice", QuotaRequest.upload(1, 10)).allowed()).isTrue();
        }
        assertThat(store.trackedUsers()).isZero();
        try (QuotaPermit p = (QuotaPermit) m.acquire("alice", QuotaRequest.upload(1, 10))) {
            assertThat(m.check("alice", QuotaRequest.request()).violated(Limit.REQUESTS_PER_MINUTE)).isTrue();
            assertThat(m.usage("alice").activeTasks()).isEqualTo(1);
        }
    }

    @Test
    void windowsSlideWithTheStoresClock() {
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(2).build());
        m.acquire("alice", QuotaRequest.request().withConcurrent(false));
        m.acquire("alice", QuotaRequest.request().withConcurrent(false));
        Acquisition denied = m.acquire("alice", QuotaRequest.request().withConcurrent(false));
        assertThat(denied.admitted()).isFalse();
        long retry = denied.result().retryAfterSeconds();
        clock.advance(Duration.ofSeconds(retry - 1));
        assertThat(m.acquire("alice", QuotaRequest.request().withConcurrent(false)).admitted()).isFalse();
        clock.advance(Duration.ofSeconds(1));
        assertThat(m.acquire("alice", QuotaRequest.request().withConcurrent(false)).admitted()).isTrue();
    }

    /** Moves the clock, renewing slot leases on the way as a live holder does (a no-op for an unleased store). */
    protected void advanceRenewing(QuotaManager m, Duration d) {
        long lease = store.slotLeaseMillis();
        if (lease == Long.MAX_VALUE) {
            clock.advance(d);
            return;
        }
        Duration step = Duration.ofMillis(Math.max(1, lease / 2));
        for (Duration left = d; !left.isNegative() && !left.isZero(); left = left.minus(step)) {
            clock.advance(left.compareTo(step) < 0 ? left : step);
            ((org.quotaware.engine.DefaultQuotaManager) m).renewLeases();
        }
    }

    @Test
    void idleStateIsDroppedOnceItsLongestWindowHasPassed() {
        QuotaManager m = manager(QuotaLimits.defaults());
        m.acquire("alice", QuotaRequest.upload(1, 10)).result();
        ((QuotaPermit) m.acquire("bob", QuotaRequest.request())).close();
        assertThat(store.trackedUsers()).isEqualTo(2);
        advanceRenewing(m, Duration.ofHours(25));
        // bob's next request finds a fresh state; alice's permit is still open, so her state stays
        assertThat(m.acquire("bob", QuotaRequest.request().withConcurrent(false)).admitted()).isTrue();
        assertThat(m.usage("alice").activeTasks()).isEqualTo(1);
        assertThat(store.trackedUsers()).isEqualTo(2);
    }

    /** A plain request of a caller known by its address only; {@link #identified} for a key holder's. */
    private static QuotaRequest anonymous() {
        return QuotaRequest.request().withConcurrent(false);
    }

    private static QuotaRequest identified() {
        return anonymous().withAnonymous(false);
    }

    @Test
    void atTheCapNewAnonymousUsersShareTheOverflowAndIdentifiedOnesAreAlwaysAdmitted() {
        store.close();
        store = newStore(clock, 2);
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(2).build());
        String overflow = QuotaStore.overflowUser(QuotaTiers.DEFAULT);
        assertThat(m.acquire("ip:a", anonymous()).admitted()).isTrue();
        assertThat(m.acquire("ip:b", anonymous()).admitted()).isTrue();
        // the store is full for anonymous newcomers, never for a key holder
        assertThat(m.acquire("key:k", identified()).admitted()).isTrue();
        assertThat(store.trackedUsers()).isEqualTo(3);

        Acquisition c = m.acquire("ip:c", anonymous());
        Acquisition d = m.acquire("ip:d", anonymous());
        Acquisition e = m.acquire("ip:e", anonymous());

        assertThat(((QuotaPermit) c).user()).isEqualTo(overflow);
        assertThat(((QuotaPermit) d).user()).isEqualTo(overflow);
        // the third newcomer finds the overflow's minute spent by the two before it: a true detail, a true retry
        assertThat(e.admitted()).isFalse();
        assertThat(e.result().violations()).singleElement().satisfies(v -> {
            assertThat(v.limit()).isEqualTo(Limit.REQUESTS_PER_MINUTE);
            assertThat(v.max()).isEqualTo(2);
            assertThat(v.current()).isEqualTo(2);
            assertThat(v.retryAfterSeconds()).isBetween(60L, 65L); // the minute, plus at most its 5 s bucket
        });
        assertThat(m.check("ip:f", anonymous()).violated(Limit.REQUESTS_PER_MINUTE)).isTrue();
        assertThat(m.usage(overflow).requestsPerMinute()).isEqualTo(2);
        assertThat(m.usage("ip:c").requestsPerMinute()).isZero();
        assertThat(m.statistics().overflowed()).isEqualTo(3);
        // tracked users keep their own quota, the key holder too
        assertThat(m.acquire("ip:a", anonymous()).admitted()).isTrue();
        assertThat(m.acquire("ip:a", anonymous()).admitted()).isFalse();
        assertThat(m.acquire("key:k", identified()).admitted()).isTrue();
        assertThat(m.acquire("key:new", identified()).admitted()).isTrue();
        assertThat(store.trackedUsers()).isEqualTo(5);
    }

    @Test
    void roomComesBackWhenAnIdleStateLeaves() {
        store.close();
        store = newStore(clock, 1);
        QuotaManager m = manager(QuotaLimits.builder().requestsPerMinute(1).build());
        assertThat(m.acquire("ip:a", anonymous()).admitted()).isTrue();
        assertThat(((QuotaPermit) m.acquire("ip:b", anonymous())).user())
                .isEqualTo(QuotaStore.overflowUser(QuotaTiers.DEFAULT));
        clock.advance(Duration.ofMinutes(2));
        // a's next operation finds its state idle and removes it; the overflow's state goes the same way
        assertThat(m.usage("ip:a").requestsPerMinute()).isZero();
        assertThat(m.usage(QuotaStore.overflowUser(QuotaTiers.DEFAULT)).requestsPerMinute()).isZero();
        assertThat(store.trackedUsers()).isZero();
        assertThat(((QuotaPermit) m.acquire("ip:b", anonymous())).user()).isEqualTo("ip:b");
    }

    @Test
    void overflowPermitsHoldAndReleaseTheOverflowsSlots() {
        store.close();
        store = newStore(clock, 1);
        QuotaManager m = manager(QuotaLimits.builder().maxConcurrentTasks(2).maxQueueSize(0).build());
        String overflow = QuotaStore.overflowUser(QuotaTiers.DEFAULT);
        QuotaPermit a = (QuotaPermit) m.acquire("ip:a", QuotaRequest.request());
        QuotaPermit b = (QuotaPermit) m.acquire("ip:b", QuotaRequest.request());
        QuotaPermit c = (QuotaPermit) m.acquire("ip:c", QuotaRequest.request());
        Acquisition d = m.acquire("ip:d", QuotaRequest.request());
        assertThat(d.result().violations()).singleElement().satisfies(v -> {
            assertThat(v.limit()).isEqualTo(Limit.CONCURRENT_TASKS);
            assertThat(v.current()).isEqualTo(2);
        });
        // the leases of overflow slots are renewed on the overflow's state like any other
        advanceRenewing(m, Duration.ofMinutes(2));
        assertThat(m.usage(overflow).activeTasks()).isEqualTo(2);
        b.close();
        c.close();
        a.close();
        assertThat(m.usage(overflow).activeTasks()).isZero();
        assertThat(m.statistics().active()).isZero();
        assertThat(store.trackedUsers()).isZero();
    }

    @Test
    void releasingAnUnknownSlotIsHarmless() {
        QuotaManager m = manager(QuotaLimits.builder().maxConcurrentTasks(1).maxQueueSize(0).build());
        QuotaPermit held = (QuotaPermit) m.acquire("alice", QuotaRequest.request());
        assertThat((Boolean) store.execute("alice", new org.quotaware.engine.Operations.Release(42, true))).isFalse();
        assertThat(m.acquire("alice", QuotaRequest.request()).admitted()).isFalse();
        held.close();
        assertThat(m.usage("alice").activeTasks()).isZero();
    }
}
