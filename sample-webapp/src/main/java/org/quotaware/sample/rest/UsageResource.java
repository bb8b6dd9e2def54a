package org.quotaware.sample.rest;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import org.quotaware.UserQuotaUsage;
import org.quotaware.cdi.QuotaUsageView;

/** {@code GET /api/usage}: the caller's own usage and limits, and where this member's decisions are made. */
@Path("usage")
@RequestScoped
public class UsageResource {

    @Inject
    QuotaUsageView quotas;

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public JsonObject mine() {
        UserQuotaUsage u = quotas.mine();
        return Json.createObjectBuilder()
                .add("user", u.user())
                .add("tier", u.tier())
                .add("requestsPerMinute", u.requestsPerMinute())
                .add("filesPerHour", u.filesPerHour())
                .add("filesPerDay", u.filesPerDay())
                .add("activeTasks", u.activeTasks())
                .add("queued", u.queued())
                .add("store", quotas.storeMode())
                .build();
    }
}
