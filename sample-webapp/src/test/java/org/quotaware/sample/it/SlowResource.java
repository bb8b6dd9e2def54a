package org.quotaware.sample.it;

import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;

/** Only in the cluster test's WAR: a task that runs for a while, so the test can hold slots on a member it kills. */
@Path("slow")
@RequestScoped
public class SlowResource {

    /** Holds its slot for a minute (the test kills the member long before). */
    @GET
    public String hold() throws InterruptedException {
        Thread.sleep(60_000);
        return "done";
    }
}
