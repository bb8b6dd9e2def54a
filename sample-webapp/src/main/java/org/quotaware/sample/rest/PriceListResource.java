package org.quotaware.sample.rest;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
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

import org.quotaware.cdi.Quota;
import org.quotaware.sample.csv.MalformedCsvException;
import org.quotaware.sample.pricelist.PriceListAnalysis;
import org.quotaware.sample.pricelist.PriceListAnalyzer;
import org.quotaware.sample.pricelist.PriceListStore;

/** Upload a CSV price list, get its analysis back; analyses are kept in memory, the newest {@value #CAPACITY}. */
@Path("pricelists")
@ApplicationScoped
public class PriceListResource {

    static final int CAPACITY = 1000;

    private final PriceListAnalyzer analyzer = new PriceListAnalyzer();
    private final PriceListStore store = new PriceListStore(CAPACITY);

    /** One file against the caller's files per hour and per day (the filter counted the request and its slot). */
    @POST
    @Quota
    @Consumes("text/csv")
    @Produces(MediaType.APPLICATION_JSON)
    public Response upload(byte[] body, @Context HttpHeaders headers, @Context UriInfo uri) {
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
        return store.get(id)
                .map(analysis -> Response.ok(analysis).build())
                .orElseGet(() -> Problems.problem(404, "Not Found", "no price list analysis with id " + id));
    }
}
