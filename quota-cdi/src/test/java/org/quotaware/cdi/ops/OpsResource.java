package org.quotaware.cdi.ops;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.quotaware.cdi.Quota;

/** Traffic for the operations IT. */
@Path("/ops")
@RequestScoped
public class OpsResource {

    /** The caller's own quota (its tier's limits). */
    @GET
    @Path("call")
    @Quota
    public String call() {
        return "ok";
    }

    /** A separate quota per caller with the limits of tier "metered": only the metrics test calls it. */
    @GET
    @Path("metered")
    @Quota(tier = "metered")
    public String metered() {
        return "ok";
    }

    /** {@code IMap.size()} calls since start, where the WAR has {@link CountingHazelcast}: what scrapes cost. */
    @GET
    @Path("map-sizes")
    public String mapSizes() {
        return String.valueOf(CountingHazelcast.SIZES.get());
    }

    /** A separate quota per caller with the limits of tier "shadowed" (its rpm in shadow mode): the shadow test's. */
    @GET
    @Path("shadowed")
    @Quota(tier = "shadowed")
    public String shadowed() {
        return "ok";
    }
}
