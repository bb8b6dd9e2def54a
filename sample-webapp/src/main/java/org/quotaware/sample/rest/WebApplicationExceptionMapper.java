package org.quotaware.sample.rest;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Keeps JAX-RS's own status codes (404, 405, 406, 415...) but answers them as problem+json. */
@Provider
public class WebApplicationExceptionMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException e) {
        Response original = e.getResponse();
        int status = original.getStatus();
        String title = original.getStatusInfo().getReasonPhrase();
        String detail = switch (status) {
            case 404 -> "no such resource";
            case 415 -> "send the price list as Content-Type: text/csv (UTF-8)";
            default -> e.getMessage();
        };
        return Problems.problem(status, title, detail);
    }
}
