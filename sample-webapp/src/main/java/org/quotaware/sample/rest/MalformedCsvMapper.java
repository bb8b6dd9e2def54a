package org.quotaware.sample.rest;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import org.quotaware.sample.csv.MalformedCsvException;

/** Input that is not a price list: 400 with the offending line numbers. */
@Provider
public class MalformedCsvMapper implements ExceptionMapper<MalformedCsvException> {

    @Override
    public Response toResponse(MalformedCsvException e) {
        return Problems.problem(400, "Malformed price list", e.getMessage(), e.lines());
    }
}
