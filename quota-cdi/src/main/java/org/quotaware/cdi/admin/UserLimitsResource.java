package org.quotaware.cdi.admin;

import java.util.Map;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.DELETE;
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
import org.quotaware.cdi.QuotaBeans;
import org.quotaware.cdi.QuotaUsageView;
import org.quotaware.config.AdminSettings;

/**
 * Per-user limit overrides, {@code <JAX-RS root>/quota/admin/users/{user}/limits}: {@code PUT} gives a user limits of
 * its own on every member (settings as for a tier; those not given keep the user's current limits), {@code DELETE}
 * gives it its tier's back, {@code GET} shows the user's override. Behind the same access rules as the rest of the
 * admin API ({@link AdminAccess}); at most {@code quotaware.admin.max-overrides} users have one.
 */
@Path("quota/admin/users/{user: .+}/limits")
@RequestScoped
@Produces({MediaType.APPLICATION_JSON, "application/problem+json"})
public class UserLimitsResource {

    /** A new override refused because the bound is reached. */
    static final String TOO_MANY = "urn:quotaware:problem:too-many-overrides";
    static final String NO_OVERRIDE = "urn:quotaware:problem:no-override";

    @Inject
    AdminAccess access;

    @Inject
    QuotaBeans beans;

    @Inject
    OverrideReplication replication;

    @Inject
    QuotaUsageView usage;

    @Inject
    Callers callers;

    @Context
    SecurityContext security;

    @Context
    UriInfo uri;

    @GET
    public Response get(@PathParam("user") String user, @HeaderParam(AdminSettings.KEY_HEADER) String key) {
        Response refused = refuse(key);
        if (refused != null) {
            return refused;
        }
        QuotaLimits own = replication.overrides().of(user);
        if (own == null) {
            return noOverride(user);
        }
        return AdminResponses.json(200, Json.createObjectBuilder().add("user", user)
                .add("limits", AdminJson.limits(own)).build());
    }

    @PUT
    public Response put(@PathParam("user") String user, @HeaderParam(AdminSettings.KEY_HEADER) String key,
                        String body) {
        Response refused = refuse(key);
        if (refused != null) {
            return refused;
        }
        UserOverrides overrides = replication.overrides();
        boolean created = overrides.of(user) == null;
        QuotaLimits limits;
        String replicated;
        try {
            checkUser(user);
            Map<String, String> changes = TierChange.parse(body);
            if (changes.containsKey(TierChange.SCALE)) {
                throw InvalidQuotaConfigException.invalid("setting", TierChange.SCALE, "one of "
                        + TierChange.SETTINGS + " (scale applies to tiers only)");
            }
            limits = TierChange.apply(QuotaTiers.OVERRIDE, current(user), changes);
            replicated = overrides.set(user, limits);
        } catch (InvalidQuotaConfigException e) {
            return AdminResponses.invalid(e.getMessage(), path());
        } catch (UserOverrides.TooMany e) {
            return AdminResponses.problem(TOO_MANY, "Too many overrides", 409, e.getMessage(), path());
        }
        JsonObjectBuilder b = Json.createObjectBuilder().add("user", user).add("limits", AdminJson.limits(limits));
        return AdminResponses.json(created ? 201 : 200, applied(b, replicated, overrides)
                .add("usage", AdminJson.usage(usage.usage(user))).build());
    }

    @DELETE
    public Response delete(@PathParam("user") String user, @HeaderParam(AdminSettings.KEY_HEADER) String key) {
        Response refused = refuse(key);
        if (refused != null) {
            return refused;
        }
        UserOverrides overrides = replication.overrides();
        if (overrides.of(user) == null) {
            return noOverride(user);
        }
        String replicated = overrides.clear(user);
        JsonObjectBuilder b = Json.createObjectBuilder().add("user", user);
        return AdminResponses.json(200, applied(b, replicated, overrides)
                .add("usage", AdminJson.usage(usage.usage(user))).build());
    }

    /** The limits settings not given keep: the user's override, else its assigned tier's, else the default tier's. */
    private QuotaLimits current(String user) {
        QuotaLimits own = replication.overrides().of(user);
        return own != null ? own : beans.implementation().tiers().resolve(user, null).limits();
    }

    private static void checkUser(String user) {
        if (user.isBlank() || user.length() > UserOverrides.MAX_USER_LENGTH || user.chars().anyMatch(Character::isISOControl)) {
            throw InvalidQuotaConfigException.invalid("user", user.length() > 64 ? user.substring(0, 64) + "..." : user,
                    "1 to " + UserOverrides.MAX_USER_LENGTH + " characters without control characters, a quota key "
                            + "such as key:alice");
        }
    }

    private static JsonObjectBuilder applied(JsonObjectBuilder b, String notReplicated, UserOverrides overrides) {
        b.add("appliedOn", notReplicated == null ? "cluster" : "member");
        if (notReplicated != null) {
            b.add("detail", notReplicated);
        }
        return b.add("overrides", overrides.count()).add("maxOverrides", overrides.max());
    }

    private Response noOverride(String user) {
        return AdminResponses.problem(NO_OVERRIDE, "No override", 404, "user '" + user
                + "' has no limits of its own; it has its tier's", path());
    }

    private Response refuse(String key) {
        return access.refuse(security, key, path(), callers.clientAddress());
    }

    private String path() {
        return uri == null ? null : "/" + uri.getPath();
    }
}
