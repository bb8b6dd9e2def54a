package org.quotaware.cdi.admin;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.quotaware.cdi.QuotaUsageView;

/**
 * {@code GET <JAX-RS root>/quota/me}: the caller's own usage and limits, identified by the quota rules (API key,
 * principal, ...); no admin rights needed. On unless {@code quotaware.admin.me=false} (then 404).
 */
@Path("quota/me")
@RequestScoped
public class MyQuotaResource {

    @Inject
    AdminAccess access;

    @Inject
    QuotaUsageView usage;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response mine() {
        if (!access.settings().me()) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        // where this member decides now: DISTRIBUTED, FALLBACK (the cluster store does not answer) or LOCAL
        return AdminResponses.json(200, jakarta.json.Json.createObjectBuilder(AdminJson.usage(usage.mine()))
                .add("store", usage.storeMode()).build());
    }
}
