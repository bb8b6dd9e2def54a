package org.quotaware.benchmarks.contenders;

import java.util.concurrent.ConcurrentHashMap;

import com.google.common.util.concurrent.RateLimiter;
import org.quotaware.benchmarks.Contender;
import org.quotaware.benchmarks.Scenario;

/**
 * Guava's {@link RateLimiter}, one per user, {@code tryAcquire()} without waiting. One rate (per second, smooth), no
 * windows, no concurrency limit; its clock is the system ticker (the public API takes none). The success path gives it
 * a rate of 10^12 per second; the rejection path 10^-6 per second, so after the first call it admits none.
 */
public final class Guava implements Contender {

    private final ConcurrentHashMap<String, RateLimiter> limiters = new ConcurrentHashMap<>();
    private final double perSecond;

    public Guava(Scenario s) {
        this.perSecond = s == Scenario.SUCCESS ? 1e12 : 1e-6;
    }

    @Override
    public boolean decide(String user) {
        RateLimiter r = limiters.get(user);
        if (r == null) {
            r = limiters.computeIfAbsent(user, u -> RateLimiter.create(perSecond));
        }
        return r.tryAcquire();
    }
}
