package org.quotaware.benchmarks.contenders;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConfigurationBuilder;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.LocalBucketBuilder;
import io.github.bucket4j.local.SynchronizationStrategy;
import org.quotaware.benchmarks.Clocks;
import org.quotaware.benchmarks.Contender;
import org.quotaware.benchmarks.Scenario;

/**
 * bucket4j, lock-free local buckets, one per user in a {@link ConcurrentHashMap} (its documented per-key pattern).
 * One bandwidth (the minute) or three (minute, hour, day), greedy refill: {@code tryConsume(1)}. bucket4j has no
 * concurrency limit.
 */
public final class Bucket4j implements Contender {

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final TimeMeter clock;
    /** Shared by every user's bucket, as an application would share them. */
    private final Bandwidth[] limits;

    public Bucket4j(Scenario scenario, Clocks clock, int bandwidths) {
        this.clock = clock.timeMeter();
        this.limits = limits(scenario, bandwidths);
    }

    /** The same limits as a {@link BucketConfiguration}, for bucket4j's distributed buckets. */
    public static BucketConfiguration configuration(Scenario s, int bandwidths) {
        ConfigurationBuilder b = BucketConfiguration.builder();
        for (Bandwidth limit : limits(s, bandwidths)) {
            b.addLimit(limit);
        }
        return b.build();
    }

    static Bandwidth[] limits(Scenario s, int bandwidths) {
        Bandwidth minute = Bandwidth.builder().capacity(s.perMinute).refillGreedy(s.perMinute, Duration.ofMinutes(1))
                .initialTokens(s.perMinute).build();
        if (bandwidths == 1) {
            return new Bandwidth[] {minute};
        }
        return new Bandwidth[] {minute,
                Bandwidth.builder().capacity(s.perHour).refillGreedy(s.perHour, Duration.ofHours(1)).build(),
                Bandwidth.builder().capacity(s.perDay).refillGreedy(s.perDay, Duration.ofDays(1)).build()};
    }

    private Bucket create(String user) {
        LocalBucketBuilder b = Bucket.builder().withSynchronizationStrategy(SynchronizationStrategy.LOCK_FREE)
                .withCustomTimePrecision(clock);
        for (Bandwidth limit : limits) {
            b.addLimit(limit);
        }
        return b.build();
    }

    @Override
    public boolean decide(String user) {
        Bucket bucket = buckets.get(user);
        if (bucket == null) {
            bucket = buckets.computeIfAbsent(user, this::create);
        }
        return bucket.tryConsume(1);
    }
}
