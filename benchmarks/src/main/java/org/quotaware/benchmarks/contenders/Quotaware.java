package org.quotaware.benchmarks.contenders;

import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
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
