package org.quotaware.sample.rest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.UUID;
import java.util.logging.Logger;


import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.quotaware.cdi.Quota;
import org.quotaware.sample.csv.MalformedCsvException;
import org.quotaware.sample.pricelist.AnalysisLimits;
import org.quotaware.sample.pricelist.AnalysisStore;
import org.quotaware.sample.pricelist.ClusterAnalysisStore;
import org.quotaware.sample.pricelist.PriceListAnalysis;
import org.quotaware.sample.pricelist.PriceListAnalyzer;
import org.quotaware.sample.pricelist.PriceListStore;

/**
 * Upload a CSV price list, get its analysis back; the newest analyses are kept for a while, in Payara's Hazelcast when
 * the member has one (so every member answers for them), else in memory. The limits are the {@code pricelist.*} keys
 * of MicroProfile Config (META-INF/microprofile-config.properties).
 */
@Path("pricelists")
@ApplicationScoped
public class PriceListResource {

    private static final Logger LOG = Logger.getLogger(PriceListResource.class.getName());

    @Inject
    @ConfigProperty(name = "pricelist.max-invalid-rows")
    int maxInvalidRows;

    @Inject
    @ConfigProperty(name = "pricelist.max-duplicates")
    int maxDuplicates;

    @Inject
    @ConfigProperty(name = "pricelist.store.max-analyses")
    int maxAnalyses;

    @Inject
    @ConfigProperty(name = "pricelist.store.max-bytes")
    long maxStoredBytes;

    @Inject
    @ConfigProperty(name = "pricelist.store.ttl-seconds")
    long ttlSeconds;

    @Inject
    @ConfigProperty(name = "pricelist.store.cluster")
    String cluster;

    /** Writes the analyses the cluster keeps: the same JSON as the answers (Jersey's JSON-B, default settings). */
    private Jsonb jsonb;
    private PriceListAnalyzer analyzer;
    private AnalysisStore store;

    @PostConstruct
    void start() {
        analyzer = new PriceListAnalyzer(new AnalysisLimits(
                (int) atLeast("pricelist.max-invalid-rows", maxInvalidRows, 0),
                (int) atLeast("pricelist.max-duplicates", maxDuplicates, 0)));
        int max = (int) atLeast("pricelist.store.max-analyses", maxAnalyses, 1);
        long bytes = atLeast("pricelist.store.max-bytes", maxStoredBytes, 1);
        Duration ttl = Duration.ofSeconds(within("pricelist.store.ttl-seconds", ttlSeconds, 1, Integer.MAX_VALUE));
        if (!cluster.equals("auto") && !cluster.equals("local")) {
            throw new IllegalArgumentException("pricelist.store.cluster must be auto or local, was " + cluster);
        }
        ClusterAnalysisStore shared = null;
        if (cluster.equals("auto") && hazelcastApi()) {
            try {
                shared = ClusterAnalysisStore.inPayara(max, bytes, ttl, () -> {
                    jsonb = JsonbBuilder.create();
                    return jsonb::toJson;
                });
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("pricelist.store.max-bytes: " + e.getMessage(), e);
            }
        }
        if (shared != null) {
            ClusterAnalysisStore s = shared;
            LOG.info(() -> "pricelist: analyses in Hazelcast map '" + ClusterAnalysisStore.MAP_NAME + "', at most "
                    + s.capacity() + " in the cluster, each for " + ttl.getSeconds() + " s and of at most "
                    + s.maxEntryBytes() + " bytes of JSON (pricelist.store.max-bytes / that many)");
            store = shared;
        } else {
            LOG.info(() -> "pricelist: analyses in this JVM (pricelist.store.cluster=" + cluster + (cluster.equals("auto")
                    ? ", no Hazelcast on this member" : "") + "), at most " + max + " and about " + bytes
                    + " bytes, each for " + ttl.getSeconds() + " s");
            store = new PriceListStore(max, bytes, ttl, InstantSource.system());
        }
    }

    @PreDestroy
    void stop() {
        try {
            if (jsonb != null) {
                jsonb.close();
            }
        } catch (Exception e) {
            LOG.fine(() -> "pricelist: closing JSON-B: " + e); // nothing held that outlives the application
        }
    }

    /** Created at start-up, so a {@code pricelist.*} value out of range fails the deployment, naming the key. */
    void created(@Observes @Initialized(ApplicationScoped.class) Object started) {
        // the observer alone makes the container create this bean (and run start()) now, not at the first upload
    }

    /**
     * One file against the caller's files per hour and per day (the filter counted the request and its slot). The body
     * is read as a stream, through the filter's size limit: a body that grows past it ends in the filter's 413.
     */
    @POST
    @Quota(cost = 1)
    @Consumes("text/csv")
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(InputStream body, @Context HttpHeaders headers, @Context UriInfo uri) throws IOException {
        String charset = headers.getMediaType().getParameters().get("charset");
        if (charset != null && !charset.equalsIgnoreCase("UTF-8")) {
            return Problems.problem(415, "Unsupported Media Type",
                    "the price list must be UTF-8, was declared as charset=" + charset);
        }
        PriceListAnalysis analysis;
        try {
            analysis = analyzer.analyze(body);
        } catch (MalformedCsvException e) {
            throw e;
        } catch (RuntimeException e) {
            // a bug in the parser must still read as "we could not read your file", not as a server crash
            throw new MalformedCsvException("the price list could not be parsed: " + e, List.of());
        }
        String id = UUID.randomUUID().toString();
        analysis = analysis.withId(id, Instant.now());
        store.put(analysis);
        URI location = uri.getAbsolutePathBuilder().path(id).build();
        return Response.created(location).entity(analysis).build();
    }

    @GET
    @Path("{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public Response get(@PathParam("id") String id) {
        return store.answer(id)
                .map(analysis -> Response.ok(analysis, MediaType.APPLICATION_JSON_TYPE).build())
                .orElseGet(() -> Problems.problem(404, "Not Found", "no price list analysis with id " + id));
    }

    /** A wrong setting is reported with the key the operator wrote. */
    private static long atLeast(String key, long value, long min) {
        return within(key, value, min, Long.MAX_VALUE);
    }

    private static long within(String key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key + " must be " + (max == Long.MAX_VALUE ? ">= " + min
                    : "between " + min + " and " + max) + ", was " + value);
        }
        return value;
    }

    /**
     * Whether the Hazelcast API is there at all (Payara; not Open Liberty or WildFly). This class names no Hazelcast
     * type, so the container can load it, and make it a bean, without one.
     */
    private static boolean hazelcastApi() {
        try {
            Class.forName("com.hazelcast.core.HazelcastInstance", false, PriceListResource.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError absent) {
            return false;
        }
    }
}
