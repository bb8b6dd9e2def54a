package org.quotaware.benchmarks.contenders;

import java.time.Duration;

import org.quotaware.Counted;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.WindowedLimit;
import org.quotaware.benchmarks.Clocks;
import org.quotaware.benchmarks.Contender;
import org.quotaware.benchmarks.Scenario;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.spi.QuotaStore;

/**
 * Ours, every limit on: each call counts one request (minute window) and one file (hour and day windows), has its
 * size checked, and holds a concurrency slot until it ends; acquire and close are one store operation each.
 */
public final class Quotaware implements Contender {

    /** One file of 1 kB: counts against every window and the file-size limit, and takes a slot. */
    public static final QuotaRequest CALL = QuotaRequest.upload(1, 1_000);

    private final DefaultQuotaManager manager;
    private final QuotaRequest call;

    private Quotaware(DefaultQuotaManager manager, QuotaRequest call) {
        this.manager = manager;
        this.call = call;
    }

    /** On the in-memory store, with the scenario's clock. */
    public static Quotaware inMemory(Scenario scenario, Clocks clock, int users) {
        return new Quotaware(DefaultQuotaManager.builder().tiers(new QuotaTiers(limits(scenario)))
                .clock(clock.instantSource()).maxTrackedUsers(Math.max(users * 2, 1_000)).build(), CALL);
    }

    /**
     * On the in-memory store, with three more windows declared beside today's three (a 1 s request burst, KiB a day,
     * cost an hour), as large as the scenario's: what a tier of six windows costs each tracked user.
     */
    public static Quotaware inMemorySixWindows(Scenario scenario, Clocks clock, int users) {
        QuotaLimits limits = limits(scenario).toBuilder()
                .limit(new WindowedLimit("burst", Counted.REQUESTS, Duration.ofSeconds(1), scenario.perMinute))
                .limit(new WindowedLimit("kib", Counted.BYTES, Duration.ofDays(1), scenario.perDay))
                .limit(new WindowedLimit("cost", Counted.COST, Duration.ofHours(1), scenario.perHour)).build();
        return new Quotaware(DefaultQuotaManager.builder().tiers(new QuotaTiers(limits))
                .clock(clock.instantSource()).maxTrackedUsers(Math.max(users * 2, 1_000)).build(), CALL);
    }

    /** On any store; {@code slot} false leaves the concurrency limit out (one store operation per call). */
    public static Quotaware on(QuotaStore store, Scenario scenario, boolean slot) {
        return new Quotaware(DefaultQuotaManager.builder().tiers(new QuotaTiers(limits(scenario))).store(store).build(),
                CALL.withConcurrent(slot));
    }

    public static QuotaLimits limits(Scenario s) {
        return QuotaLimits.builder().requestsPerMinute(s.perMinute).filesPerHour(s.perHour).filesPerDay(s.perDay)
                .maxConcurrentTasks(s.concurrent).maxQueueSize(0).build();
    }

    @Override
    public boolean decide(String user) {
        if (manager.acquire(user, call) instanceof QuotaPermit permit) {
            permit.close();
            return true;
        }
        return false;
    }

    public DefaultQuotaManager manager() {
        return manager;
    }
}
