package org.quotaware.cdi.admin;

import jakarta.enterprise.context.RequestScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;
import org.quotaware.cdi.Callers;
import org.quotaware.cdi.ClusterLink;
import org.quotaware.cdi.QuotaBeans;
import org.quotaware.cdi.QuotaUsageView;
import org.quotaware.cdi.scaling.ScalingService;
import org.quotaware.config.AdminSettings;
import org.quotaware.scaling.ScalingDecision;

/**
 * The admin API, under {@code <JAX-RS root>/quota/admin}: usage, statistics, scaling, and tier changes that apply on
 * every member. Off unless {@code quotaware.admin.enabled=true}; see {@link AdminAccess} for who may call it and
 * {@code docs/operations.md} for each endpoint. A user in a path is its quota key with every character but {@code /}
 * percent-encoded: an IPv6 caller's key has one ({@code ip:2001:db8::/64}), and containers refuse an encoded slash
 * (Payara answers 500 before the application sees the request), so the key's {@code /} is written as it is.
 */
@Path("quota/admin")
@RequestScoped
@Produces({MediaType.APPLICATION_JSON, "application/problem+json"})
public class QuotaAdminResource {

    @Inject
    AdminAccess access;

    @Inject
    QuotaUsageView usage;

    @Inject
    QuotaBeans beans;

    @Inject
    TierReplication replication;

    @Inject
    Callers callers;

    @Inject
    Instance<ScalingService> scaling;

    @Context
    SecurityContext security;

    @Context
    UriInfo uri;

    @GET
    @Path("users/{user: .+}")
    public Response user(@PathParam("user") String user, @HeaderParam(AdminSettings.KEY_HEADER) String key) {
        Response refused = refuse(key);
        return refused != null ? refused : AdminResponses.json(200, AdminJson.usage(usage.usage(user)));
    }

    @GET
    @Path("statistics")
    public Response statistics(@HeaderParam(AdminSettings.KEY_HEADER) String key) {
        Response refused = refuse(key);
        return refused != null ? refused
                : AdminResponses.json(200, AdminJson.statistics(usage.statistics(), usage.storeMode()));
    }

    @GET
    @Path("tiers")
    public Response tiers(@HeaderParam(AdminSettings.KEY_HEADER) String key) {
        Response refused = refuse(key);
        return refused != null ? refused : AdminResponses.json(200, AdminJson.tiers(tiers().all()));
    }

    @GET
    @Path("scaling")
    public Response scaling(@HeaderParam(AdminSettings.KEY_HEADER) String key) {
        Response refused = refuse(key);
        if (refused != null) {
            return refused;
        }
        JsonObjectBuilder b = Json.createObjectBuilder().add("member", member());
        if (!scaling.isResolvable()) {
            return AdminResponses.json(200, b.add("state", "absent").build());
        }
        ScalingService s = scaling.get();
        JsonArrayBuilder shed = Json.createArrayBuilder();
        s.shedTiers().forEach(shed::add);
        b.add("state", s.state())
                .add("decider", s.decider())
                .add("members", s.members())
                .add("desiredCapacity", s.desiredCapacity())
                .add("actualCapacity", s.actualCapacity())
                .add("protectionLevel", s.protectionLevel())
                .add("shedTiers", shed)
                .add("current", AdminJson.metrics(s.current()));
        ScalingDecision last = s.lastDecision();
        if (last == null) {
            b.addNull("lastDecision");
        } else {
            b.add("lastDecision", AdminJson.decision(last));
        }
        return AdminResponses.json(200, b.add("history", AdminJson.decisions(s.history())).build());
    }

    /** Puts a user in a tier on every member. Body: the tier's name (text, a JSON string or {"tier": name}). */
    @PUT
    @Path("users/{user: .+}/tier")
    public Response assign(@PathParam("user") String user, @HeaderParam(AdminSettings.KEY_HEADER) String key,
                           String body) {
        Response refused = refuse(key);
        if (refused != null) {
            return refused;
        }
        String replicated;
        String tier;
        try {
            tier = TierChange.tierName(body);
            replicated = replication.assign(user, tier);
        } catch (InvalidQuotaConfigException e) {
            return AdminResponses.invalid(e.getMessage(), path());
        }
        JsonObjectBuilder b = Json.createObjectBuilder().add("user", user).add("tier", tier);
        return AdminResponses.json(200, cluster(b, replicated).add("usage", AdminJson.usage(usage.usage(user)))
                .build());
    }

    /** Defines or changes a tier on every member. Body: settings as a JSON object or properties. */
    @PUT
    @Path("tiers/{tier}")
    public Response defineTier(@PathParam("tier") String tier, @HeaderParam(AdminSettings.KEY_HEADER) String key,
                               String body) {
        Response refused = refuse(key);
        if (refused != null) {
            return refused;
        }
        QuotaTiers tiers = tiers();
        boolean created = !tiers.exists(tier);
        QuotaLimits limits;
        String replicated;
        try {
            QuotaLimits current = created ? tiers.limits(QuotaTiers.DEFAULT) : tiers.limits(tier);
            limits = TierChange.apply(tier, current, TierChange.parse(body));
            replicated = replication.define(tier, limits);
        } catch (InvalidQuotaConfigException e) {
            return AdminResponses.invalid(e.getMessage(), path());
        }
        JsonObjectBuilder b = Json.createObjectBuilder().add("tier", tier).add("limits", AdminJson.limits(limits));
        return AdminResponses.json(created ? 201 : 200, cluster(b, replicated).build());
    }

    private static JsonObjectBuilder cluster(JsonObjectBuilder b, String notReplicated) {
        b.add("appliedOn", notReplicated == null ? "cluster" : "member");
        if (notReplicated != null) {
            b.add("detail", notReplicated);
        }
        return b;
    }

    private Response refuse(String key) {
        return access.refuse(security, key, path(), callers.clientAddress());
    }

    private QuotaTiers tiers() {
        return beans.implementation().tiers();
    }

    private String path() {
        return uri == null ? null : "/" + uri.getPath();
    }

    /** Which member answered: its Hazelcast member, else "local". */
    private String member() {
        ClusterLink cluster = beans.cluster();
        try {
            if (cluster == null) {
                return "local";
            }
            ClusterLink.Member self = cluster.self();
            return self.uuid() + " " + self.address();
        } catch (RuntimeException stopping) {
            return "unknown";
        }
    }
}
