package org.quotaware.sample.rest;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.quotaware.servlet.PayloadTooLargeException;

/**
 * Last line of defence: whatever escapes is logged and answered as problem+json, never as a container error page.
 * The resource already turns any failure while parsing into a 400, so what reaches this mapper is a bug on our side,
 * except an upload cut off at the caller's file size (Jersey wraps the read error): the quota filter has answered that
 * one with its 413 and drops this answer, so it is not logged as a fault.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<RuntimeException> {

    private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class.getName());

    @Override
    public Response toResponse(RuntimeException e) {
        if (PayloadTooLargeException.in(e).isPresent()) {
            return Problems.problem(413, "Payload Too Large", e.getMessage());
        }
        LOG.log(Level.SEVERE, "unexpected error", e);
        return Problems.problem(500, "Internal Server Error", "unexpected error: " + e.getClass().getSimpleName());
    }
}
