package org.quotaware.sample.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.quotaware.QuotaManager;
import org.quotaware.QuotaStatistics;

/**
 * Only in the hostile-load test's WAR: tasks that hold their slot until released, tasks that record the order they ran
 * in, and what the server itself sees (its statistics, its threads inside the quota engine).
 */
@Path("probe")
@RequestScoped
public class LoadProbe {

    static volatile CountDownLatch held = new CountDownLatch(1);
    static final Map<String, List<Integer>> RAN = new ConcurrentHashMap<>();

    @Inject
    QuotaManager manager;

    /** Holds its slot until {@code release}. */
    @GET
    @Path("hold")
    public String hold() throws InterruptedException {
        return held.await(60, TimeUnit.SECONDS) ? "held" : "timed out";
    }

    @POST
    @Path("release")
    public String release() {
        held.countDown();
        return "released";
    }

    /** Records that task {@code n} of caller {@code from} ran. */
    @GET
    @Path("work")
    public String work(@QueryParam("from") String from, @QueryParam("n") int n) {
        RAN.computeIfAbsent(from, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(n);
        return "ran " + n;
    }

    @GET
    @Path("ran")
    @Produces(MediaType.TEXT_PLAIN)
    public String ran(@QueryParam("from") String from) {
        List<Integer> order = RAN.getOrDefault(from, List.of());
        synchronized (order) {
            return order.toString();
        }
    }

    /** The statistics, and how many of this server's threads are inside the quota engine right now. */
    @GET
    @Path("state")
    @Produces(MediaType.APPLICATION_JSON)
    public String state() {
        QuotaStatistics s = manager.statistics();
        long inEngine = 0;
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            if (e.getKey() == Thread.currentThread()) {
                continue;
            }
            for (StackTraceElement frame : e.getValue()) {
                if (frame.getClassName().startsWith("org.quotaware.engine.")) {
                    inEngine++;
                    break;
                }
            }
        }
        return Json.createObjectBuilder().add("active", s.active()).add("queued", s.queued())
                .add("blocked", s.blocked()).add("threadsInEngine", inEngine).build().toString();
    }
}
