package org.quotaware.cdi.it;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.MediaType;

import org.quotaware.LimitStatus;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaTiers;
import org.quotaware.cdi.Quota;
import org.quotaware.cdi.QuotaUsageView;

/** The endpoints the integration tests call; each shows one path a slot must come back on. */
@Path("/limited")
@RequestScoped
public class LimitedResource {

    /** Holds "slow" calls until the test lets them go, so concurrency is counted while they are all running. */
    static volatile CountDownLatch gate = new CountDownLatch(1);

    @Inject
    QuotaUsageView usage;

    @Inject
    QuotaTiers tiers;

    @Inject
    QuotaManager manager;

    @Resource
    ManagedExecutorService executor;

    @POST
    @Path("upload")
    @Quota(cost = 1)
    public String upload(String body) {
        return "stored " + body.length();
    }

    @GET
    @Path("report")
    @Quota(tier = "reports")
    public String report() {
        return "report";
    }

    @GET
    @Path("export")
    @Quota(limits = "calls=2 requests/1m")
    public String export() {
        return "export";
    }

    @GET
    @Path("lookup")
    @Quota(rule = "lookups")
    public String lookup() {
        return "lookup";
    }

    /** The one path the web.xml filter counts (rule {@code searches}); the method is charged to rule lookups. */
    @GET
    @Path("search")
    @Quota(rule = "lookups")
    public String search() {
        return "found";
    }

    @GET
    @Path("slow")
    @Quota
    public String slow() throws InterruptedException {
        return gate.await(20, TimeUnit.SECONDS) ? "released" : "timed out";
    }

    @POST
    @Path("gate")
    public String gate(@QueryParam("open") boolean open) {
        if (open) {
            gate.countDown();
        } else {
            gate = new CountDownLatch(1);
        }
        return "ok";
    }

    @GET
    @Path("boom")
    @Quota
    public String boom() {
        throw new IllegalStateException("boom");
    }

    @GET
    @Path("stage")
    @Quota
    public CompletionStage<String> stage() {
        return CompletableFuture.supplyAsync(() -> "staged", executor);
    }

    @GET
    @Path("async")
    @Quota
    public void async(@Suspended AsyncResponse response) {
        executor.submit(() -> response.resume("resumed"));
    }

    /** Holds the "waiting" tier's one slot until the test opens it, so the next calls queue. */
    static volatile CountDownLatch queueGate = new CountDownLatch(1);

    @POST
    @Path("queue-gate")
    public String queueGate(@QueryParam("open") boolean open) {
        if (open) {
            queueGate.countDown();
        } else {
            queueGate = new CountDownLatch(1);
        }
        return "ok";
    }

    @GET
    @Path("held")
    @Quota
    public void held(@Suspended AsyncResponse response) {
        CountDownLatch latch = queueGate;
        executor.submit(() -> {
            try {
                response.resume(latch.await(20, TimeUnit.SECONDS) ? "held" : "timed out");
            } catch (InterruptedException e) {
                response.resume(e);
            }
        });
    }

    @GET
    @Path("queued-async")
    @Quota
    public void queuedAsync(@QueryParam("n") int n, @Suspended AsyncResponse response) {
        executor.submit(() -> response.resume("async " + n));
    }

    @GET
    @Path("queued-stage")
    @Quota
    public CompletionStage<String> queuedStage(@QueryParam("n") int n) {
        return CompletableFuture.supplyAsync(() -> "stage " + n, executor);
    }

    @GET
    @Path("state")
    @Produces(MediaType.APPLICATION_JSON)
    public String state(@QueryParam("user") String user) {
        var stats = usage.statistics();
        var mine = user == null ? usage.mine() : usage.usage(user);
        return Json.createObjectBuilder()
                .add("tiers", String.join(",", tiers.all().keySet()))
                .add("active", stats.active())
                .add("allowed", stats.allowed())
                .add("denied", stats.denied())
                .add("queued", stats.queued())
                .add("blocked", stats.blocked())
                .add("user", mine.user())
                .add("userActive", mine.activeTasks())
                .add("userFilesPerHour", mine.filesPerHour())
                .add("used", used(mine.limits()))
                .add("sameManager", manager.tiers() == tiers)
                .build().toString();
    }

    /** Each limit's name and how much of it is used. */
    private static JsonObject used(List<LimitStatus> limits) {
        var used = Json.createObjectBuilder();
        limits.forEach(l -> used.add(l.name(), l.used()));
        return used.build();
    }
}
