package org.quotaware.sample.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

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
 * Only in the hostile-load test's WAR: tasks that hold their slot until released (each test with a gate of its own),
 * tasks that record the order they ran in, and what the server itself sees (its statistics, its threads inside the
 * quota engine, what it logs at WARNING and above or with a stack trace).
 */
@Path("probe")
@RequestScoped
public class LoadProbe {

    static volatile CountDownLatch held = new CountDownLatch(1);
    static final Map<String, CountDownLatch> GATES = new ConcurrentHashMap<>();
    static final Map<String, List<Integer>> RAN = new ConcurrentHashMap<>();
    /** Lines of what the server logged since {@code log/start}. */
    static final List<String> LOGGED = java.util.Collections.synchronizedList(new ArrayList<>());
    private static final Handler CAPTURE = new Handler() {
        @Override
        public void publish(LogRecord r) {
            if (r.getThrown() != null || r.getLevel().intValue() >= Level.WARNING.intValue()) {
                LOGGED.add(r.getLevel() + " " + r.getLoggerName() + ": " + r.getMessage()
                        + (r.getThrown() == null ? "" : " | thrown " + r.getThrown()));
            }
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @Inject
    QuotaManager manager;

    /** Holds its slot until {@code release} (of the same gate, if it names one). */
    @GET
    @Path("hold")
    public String hold(@QueryParam("gate") String gate) throws InterruptedException {
        return gate(gate).await(60, TimeUnit.SECONDS) ? "held" : "timed out";
    }

    @POST
    @Path("release")
    public String release(@QueryParam("gate") String gate) {
        gate(gate).countDown();
        return "released";
    }

    private static CountDownLatch gate(String name) {
        return name == null ? held : GATES.computeIfAbsent(name, n -> new CountDownLatch(1));
    }

    /** From now on, records what any logger of the server writes at WARNING and above, or with a throwable. */
    @POST
    @Path("log/start")
    public String startLog() {
        LOGGED.clear();
        Logger root = Logger.getLogger("");
        root.removeHandler(CAPTURE);
        root.addHandler(CAPTURE);
        return "recording";
    }

    @GET
    @Path("log")
    @Produces(MediaType.TEXT_PLAIN)
    public String log() {
        synchronized (LOGGED) {
            return String.join("\n", LOGGED);
        }
    }

    @POST
    @Path("log/stop")
    public String stopLog() {
        Logger.getLogger("").removeHandler(CAPTURE);
        return "stopped";
    }

    /** Records that task {@code n} of caller {@code from} ran. */
    @GET
    @Path("work")
    public String work(@QueryParam("from") String from, @QueryParam("n") int n) {
        RAN.computeIfAbsent(from, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(n);
        return "ran " + n;
    }

    /** The same for an upload (its body is not read). */
    @POST
    @Path("work")
    public String workPosted(@QueryParam("from") String from, @QueryParam("n") int n) {
        return work(from, n);
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
