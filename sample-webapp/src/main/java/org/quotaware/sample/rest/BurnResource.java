package org.quotaware.sample.rest;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.quotaware.Counted;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;
import org.quotaware.servlet.QuotaCaller;

/**
 * {@code GET /api/analysis/burn?ms=N}: stands for a costly analysis, one that burns {@code N} ms of CPU time (0 to
 * {@value #MAX_MILLIS}) on the request thread, so that a tier's CPU budget ({@code cpu=1s/1m}, the sample's
 * {@code metered} tier) can be watched at work. It counts the thread's own CPU time, not the wall clock: a loaded
 * machine makes the answer slower, never cheaper, and the quota filter charges at least {@code N} ms to the caller.
 */
@Path("analysis/burn")
@ApplicationScoped
public class BurnResource {

    /** The most one request may ask for: two seconds of a core. */
    static final int MAX_MILLIS = 2_000;
    /** How long a request may wait for its CPU time on a machine too busy to give it: then 503. */
    static final long MAX_WALL_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

    @Inject
    QuotaTiers tiers;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response burn(@QueryParam("ms") String ms) {
        int millis = millis(ms);
        if (millis < 0) {
            return Problems.problem(400, "Bad Request", "ms must be a whole number of milliseconds of CPU time from 0 "
                    + "to " + MAX_MILLIS + ", was " + (ms == null ? "missing" : "'" + clip(ms) + "'"));
        }
        QuotaCaller caller = QuotaCaller.current();
        // the limits that apply to the caller: its key's tier, an override, or its caller tier (null: the default)
        if (caller == null || !budgeted(tiers.resolve(caller.user(), caller.tier()).limits())) {
            // a caller without a CPU budget could make the server burn two seconds a request for nothing
            return Problems.problem(403, "Forbidden", "the burn serves only callers whose tier has a CPU budget "
                    + "(cpu=... in its limits, e.g. the metered tier)");
        }
        if (!threads.isCurrentThreadCpuTimeSupported() || !threads.isThreadCpuTimeEnabled()) {
            return Problems.problem(501, "Not Implemented", "this JVM does not count a thread's CPU time");
        }
        Burnt burnt = burn(threads, TimeUnit.MILLISECONDS.toNanos(millis), MAX_WALL_NANOS);
        if (burnt == null) {
            return Problems.problem(503, "Service Unavailable", "the server could not give this request " + millis
                    + " ms of CPU time within " + TimeUnit.NANOSECONDS.toSeconds(MAX_WALL_NANOS) + " s");
        }
        return Response.ok(Json.createObjectBuilder()
                .add("requestedMillis", millis)
                .add("cpuMillis", TimeUnit.NANOSECONDS.toMillis(burnt.cpuNanos()))
                .add("checksum", Long.toHexString(burnt.checksum()))
                .build().toString(), MediaType.APPLICATION_JSON_TYPE).build();
    }

    private static boolean budgeted(QuotaLimits limits) {
        return limits != null && limits.windows().stream().anyMatch(w -> w.counted() == Counted.CPU);
    }

    /** What a burn used, and the result of its work (answered, so the JIT must compute it). */
    record Burnt(long cpuNanos, long checksum) {
    }

    /** The milliseconds asked for, or -1 when {@code ms} is missing, not a whole number or out of range. */
    static int millis(String ms) {
        if (ms == null) {
            return -1;
        }
        try {
            int millis = Integer.parseInt(ms.strip());
            return millis >= 0 && millis <= MAX_MILLIS ? millis : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Works on the current thread until its CPU time advanced by {@code cpuNanos}; null when that took longer than
     * {@code maxWallNanos} of wall time.
     */
    static Burnt burn(ThreadMXBean threads, long cpuNanos, long maxWallNanos) {
        long wallStart = System.nanoTime();
        long start = threads.getCurrentThreadCpuTime();
        long used;
        long x = 17;
        while ((used = threads.getCurrentThreadCpuTime() - start) < cpuNanos) {
            if (System.nanoTime() - wallStart > maxWallNanos) {
                return null;
            }
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L; // a 64-bit LCG: work the JIT cannot drop
            }
        }
        return new Burnt(used, x);
    }

    /** At most 64 characters of what the caller wrote, as the analyzer echoes values. */
    private static String clip(String value) {
        return value.length() <= 64 ? value : value.substring(0, 64) + "...";
    }
}
