package org.quotaware.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.Acquisition;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.config.ConfigSource;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.StoreContext;
import org.quotaware.store.CompareAndSetStore;
import org.quotaware.store.FallbackQuotaStore;
import org.quotaware.store.StoreMode;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Redis going away and coming back, on a real server that writes every command to its append-only file before it
 * answers ({@code appendonly yes}, {@code appendfsync always}) and is killed with SIGKILL: two members keep deciding
 * in fallback and their counts merge back, and a restart keeps every count. Windows move on the test's clock; only
 * the wait for Lettuce to reconnect is on the wall's.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class RedisRestartTest {

    private static RedisServer redis;
    private final MutableClock clock = new MutableClock();
    private final List<QuotaStore> stores = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        redis = RedisServer.start(true);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
    }

    @AfterEach
    void close() {
        stores.forEach(QuotaStore::close);
    }

    private CompareAndSetStore redisStore(String application) {
        CompareAndSetStore s = RedisStoreProvider.create(redis.uri(), new StoreContext(application, ConfigSource.of(
                "test", Map.of()), 1_000, Duration.ofSeconds(30)), clock::millis);
        stores.add(s);
        return s;
    }

    private static QuotaManager manager(QuotaStore store, QuotaLimits limits) {
        return DefaultQuotaManager.builder().store(store).tiers(new QuotaTiers(limits)).build();
    }

    private static boolean request(QuotaManager m, String user) {
        Acquisition a = m.acquire(user, QuotaRequest.request().withAnonymous(false));
        if (a instanceof QuotaPermit p) {
            p.close();
        }
        return a.admitted();
    }

    /** Until the store answers again: Lettuce reconnects by itself, on the wall clock. */
    private static void awaitAnswer(QuotaStore store) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                store.trackedUsers();
                return;
            } catch (RuntimeException notYet) {
                assertThat(System.nanoTime()).as("Redis answers again within 30 s").isLessThan(deadline);
                Thread.sleep(50);
            }
        }
    }

    private static int admittedConcurrently(ExecutorService pool, List<QuotaManager> members, String user, int n)
            throws Exception {
        List<Callable<Boolean>> calls = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            QuotaManager m = members.get(i % members.size());
            calls.add(() -> request(m, user));
        }
        int admitted = 0;
        for (Future<Boolean> f : pool.invokeAll(calls)) {
            admitted += f.get() ? 1 : 0;
        }
        return admitted;
    }

    /**
     * The fallback's contract over Redis: while Redis is dead each of the two members decides alone with half of
     * each limit, from zero; once Redis answers, each member's local counts are merged into Redis exactly once. So
     * after the merge Redis counts what it counted before the crash plus everything admitted in fallback.
     */
    @Test
    void killedMidLoadTheMembersDecideLocallyAndTheirCountsMergeBackWhenRedisReturns() throws Exception {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(100).maxConcurrentTasks(50).maxQueueSize(0)
                .build();
        AtomicLong nanos = new AtomicLong();
        List<CompareAndSetStore> primaries = new ArrayList<>();
        List<FallbackQuotaStore> fallbacks = new ArrayList<>();
        List<QuotaManager> members = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CompareAndSetStore primary = redisStore("restart-merge");
            FallbackQuotaStore fallback = FallbackQuotaStore.builder(primary).local(new InMemoryQuotaStore(clock,
                    1_000)).fallbackMembers(2).retryInterval(Duration.ofSeconds(5)).nanoTime(nanos::get).build();
            primaries.add(primary);
            fallbacks.add(fallback);
            members.add(manager(fallback, limits));
        }
        String user = "user:mallory";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            assertThat(admittedConcurrently(pool, members, user, 40)).as("on Redis").isEqualTo(40);

            redis.kill();
            int inFallback = admittedConcurrently(pool, members, user, 120);
            assertThat(fallbacks).allSatisfy(f -> assertThat(f.mode()).isEqualTo(StoreMode.FALLBACK));
            // each member alone, from zero, with half of the 100: the fallback's bound of one full limit more
            assertThat(inFallback).as("decided locally while Redis was dead").isEqualTo(100);

            redis.run();
            primaries.forEach(p -> {
                try {
                    awaitAnswer(p);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            nanos.addAndGet(TimeUnit.SECONDS.toNanos(5)); // the fallback's next retry is due
            // each member's next call for the user switches back and hands its own counts over first
            members.forEach(m -> m.usage(user));
            assertThat(fallbacks).allSatisfy(f -> {
                assertThat(f.mode()).isEqualTo(StoreMode.DISTRIBUTED);
                assertThat(f.transitions()).isEqualTo(2);
            });
            assertThat(members.get(0).usage(user).requestsPerMinute()).as("40 before the crash, 100 in fallback")
                    .isEqualTo(140);
            assertThat(members.get(1).usage(user).requestsPerMinute()).isEqualTo(140);
            assertThat(request(members.get(1), user)).as("over the limit after the merge").isFalse();
            assertThat(members.get(0).usage(user).activeTasks()).as("every slot back").isZero();
        } finally {
            pool.shutdownNow();
        }
    }

    /** Every count acknowledged before a crash is in the append-only file: a new member finds it after the restart. */
    @Test
    void restartedWithItsAppendOnlyFileRedisKeepsEveryCount() throws Exception {
        QuotaLimits limits = QuotaLimits.builder().requestsPerMinute(10).maxConcurrentTasks(3).build();
        QuotaManager before = manager(redisStore("restart-aof"), limits);
        for (int i = 0; i < 7; i++) {
            assertThat(request(before, "user:olga")).isTrue();
        }
        assertThat(request(before, "user:pat")).isTrue();

        redis.kill();
        redis.run();

        CompareAndSetStore store = redisStore("restart-aof");
        awaitAnswer(store);
        QuotaManager after = manager(store, limits);
        assertThat(store.trackedUsers()).as("both users' states, counted by the index").isEqualTo(2);
        assertThat(after.usage("user:olga").requestsPerMinute()).isEqualTo(7);
        for (int i = 0; i < 3; i++) {
            assertThat(request(after, "user:olga")).as("the %dth of 10", 8 + i).isTrue();
        }
        assertThat(request(after, "user:olga")).as("the 11th").isFalse();
        assertThat(after.usage("user:pat").requestsPerMinute()).isEqualTo(1);
        clock.advance(Duration.ofSeconds(65)); // the window and its bucket of 5 s
        assertThat(request(after, "user:olga")).as("a minute later").isTrue();
    }
}
