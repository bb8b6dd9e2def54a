package org.quotaware.cdi.admin;

import java.util.List;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

import org.quotaware.Violation;
import org.quotaware.cdi.Callers;
import org.quotaware.cdi.QuotaBeans;
import org.quotaware.config.AdminSettings;
import org.quotaware.denials.Denial;
import org.quotaware.denials.DenialLog;

/**
 * The denial log of the answering member, newest first, behind the same {@link AdminAccess} as the rest of the admin
 * API: {@code GET quota/admin/denials?limit=N} and {@code GET quota/admin/users/{user}/denials?limit=N}. Each
 * member keeps its own log; see {@code docs/operations.md}. A member configured to keep none
 * ({@code quotaware.denials.log-size=0}) answers 404.
 */
@Path("quota/admin")
@RequestScoped
@Produces({MediaType.APPLICATION_JSON, "application/problem+json"})
public class DenialsResource {

    /** How many denials an answer holds unless {@code limit} says otherwise. */
    static final int DEFAULT_LIMIT = 100;
    static final String NO_DENIAL_LOG = "urn:quotaware:problem:no-denial-log";

    @Inject
    AdminAccess access;

    @Inject
    QuotaBeans beans;

    @Inject
    Callers callers;

    @Context
    SecurityContext security;

    @Context
    UriInfo uri;

    @GET
    @Path("denials")
    public Response latest(@QueryParam("limit") String limit, @HeaderParam(AdminSettings.KEY_HEADER) String key) {
        return answer(null, limit, key);
    }

    @GET
    @Path("users/{user: .+}/denials")
    public Response ofUser(@PathParam("user") String user, @QueryParam("limit") String limit,
                           @HeaderParam(AdminSettings.KEY_HEADER) String key) {
        return answer(user, limit, key);
    }

    private Response answer(String user, String limitText, String key) {
        String path = uri == null ? null : "/" + uri.getPath();
        Response refused = access.refuse(security, key, path, callers.clientAddress());
        if (refused != null) {
            return refused;
        }
        DenialLog log = beans.denials();
        if (log.size() == 0) {
            return AdminResponses.problem(NO_DENIAL_LOG, "No denial log", 404, "this member keeps no denial log "
                    + "(quotaware.denials.log-size=0)", path);
        }
        int max = log.size();
        int limit;
        try {
            limit = limitText == null ? Math.min(DEFAULT_LIMIT, max) : Integer.parseInt(limitText.trim());
        } catch (NumberFormatException e) {
            limit = -1;
        }
        if (limit < 1 || limit > max) {
            return AdminResponses.problem(AdminResponses.INVALID_CHANGE, "Invalid request", 400, "limit must be "
                    + "between 1 and " + max + " (the denial log's size, quotaware.denials.log-size), was "
                    + limitText, path);
        }
        return AdminResponses.json(200, json(user == null ? log.latest(limit) : log.of(user, limit)));
    }

    /** The denials as the dashboard reads them; {@code retryAfterSeconds} is null when waiting will not help. */
    static JsonArray json(List<Denial> denials) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (Denial d : denials) {
            JsonArrayBuilder violations = Json.createArrayBuilder();
            for (Violation v : d.violations()) {
                JsonObjectBuilder o = Json.createObjectBuilder().add("limit", v.name())
                        .add("max", v.max()).add("current", v.current());
                if (v.retryAfterSeconds() == Violation.NEVER) {
                    o.addNull("retryAfterSeconds");
                } else {
                    o.add("retryAfterSeconds", v.retryAfterSeconds());
                }
                violations.add(o.add("message", v.describe()));
            }
            JsonObjectBuilder o = Json.createObjectBuilder().add("time", d.time().toString());
            text(o, "user", d.user());
            text(o, "tier", d.tier());
            text(o, "path", d.target());
            a.add(o.add("member", d.member()).add("shadow", d.shadow()).add("violations", violations));
        }
        return a.build();
    }

    private static void text(JsonObjectBuilder o, String name, String value) {
        if (value == null) {
            o.addNull(name);
        } else {
            o.add(name, value);
        }
    }
}
