package org.quotaware.benchmarks.contenders;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.bulkhead.internal.SemaphoreBulkhead;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import org.quotaware.benchmarks.Clocks;
import org.quotaware.benchmarks.Contender;
import org.quotaware.benchmarks.Scenario;

/**
 * resilience4j: an {@link AtomicRateLimiter} (one limit: the minute; it has no multi-window limit) and a semaphore
 * {@link Bulkhead} (the concurrency limit) per user, neither waiting. The rate limiter takes the scenario's clock.
 */
public final class Resilience4j implements Contender {

    private record Pair(AtomicRateLimiter rate, Bulkhead bulkhead) {
    }

    private final ConcurrentHashMap<String, Pair> limiters = new ConcurrentHashMap<>();
    private final RateLimiterConfig rateConfig;
    private final BulkheadConfig bulkheadConfig;
    private final Clocks clock;

    public Resilience4j(Scenario s, Clocks clock) {
        this.clock = clock;
        // its limit is an int per period: the largest it takes, per minute, for the success path
        int perMinute = (int) Math.min(Integer.MAX_VALUE, s.perMinute);
        this.rateConfig = RateLimiterConfig.custom().limitForPeriod(perMinute).limitRefreshPeriod(Duration.ofMinutes(1))
                .timeoutDuration(Duration.ZERO).build();
        this.bulkheadConfig = BulkheadConfig.custom().maxConcurrentCalls(s.concurrent).maxWaitDuration(Duration.ZERO)
                .build();
    }

    private Pair create(String user) {
        return new Pair(new AtomicRateLimiter(user, rateConfig, clock.nanoSupplier()),
                new SemaphoreBulkhead(user, bulkheadConfig));
    }

    @Override
    public boolean decide(String user) {
        Pair p = limiters.get(user);
        if (p == null) {
            p = limiters.computeIfAbsent(user, this::create);
        }
        if (!p.rate.acquirePermission(1)) {
            return false;
        }
        if (!p.bulkhead.tryAcquirePermission()) {
            return false;
        }
        p.bulkhead.onComplete();
        return true;
    }
}
