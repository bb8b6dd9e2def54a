package org.quotaware.cdi.it;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

import org.quotaware.cdi.Quota;

/** Two mistakes the deployment must refuse: a tier nobody defined and a negative cost. */
@Path("/bad")
@RequestScoped
public class BadResource {

    @GET
    @Quota(tier = "gold")
    public String call() {
        return "should never be served";
    }

    @GET
    @Path("negative")
    @Quota(cost = -1)
    public String negative() {
        return "should never be served";
    }
}
