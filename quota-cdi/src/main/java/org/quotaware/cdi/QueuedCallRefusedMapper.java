package org.quotaware.cdi;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.quotaware.http.Problem;

/** Answers a queued call the executor refused ({@link QueuedCallRefusedException}) with 503 and problem+json. */
@Provider
public class QueuedCallRefusedMapper implements ExceptionMapper<QueuedCallRefusedException> {

    @Override
    public Response toResponse(QueuedCallRefusedException e) {
        return Response.status(503).type(Problem.MEDIA_TYPE).header("Retry-After", 1)
                .entity(new Problem("about:blank", "Service Unavailable", 503, e.getMessage(), null, null).toJson())
                .build();
    }
}
