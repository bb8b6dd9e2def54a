package org.quotaware.sample.it;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/**
 * Only in the cluster test's WAR: the cheapest request under {@code /api/*}, so what the cluster costs a request is the
 * quota's own (the sample's GET reads its analyses from the cluster's map too).
 */
@Path("ping")
@RequestScoped
public class PingResource {

    @GET
    public String ping() {
        return "pong";
    }
}
