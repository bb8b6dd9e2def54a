package org.quotaware.cdi;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.quotaware.http.Problem;
import org.quotaware.servlet.PayloadTooLargeException;

/**
 * Maps the upload size error the quota filter's request body throws. The filter has already answered 413 when this
 * runs and drops whatever JAX-RS sends after it, so the point is what does not happen: without a mapper Jersey logs a
 * client's oversized upload as a server error, twice, with stack traces (any client could fill the log that way).
 * Only this library's own exception is mapped, so the application's mappers keep everything else.
 */
@Provider
public class PayloadTooLargeMapper implements ExceptionMapper<PayloadTooLargeException> {

    @Override
    public Response toResponse(PayloadTooLargeException e) {
        return Response.status(413).type(Problem.MEDIA_TYPE).header("Connection", "close")
                .entity(new Problem(Problem.PAYLOAD_TOO_LARGE, "Payload too large", 413, e.getMessage(), null, null)
                        .toJson())
                .build();
    }
}
