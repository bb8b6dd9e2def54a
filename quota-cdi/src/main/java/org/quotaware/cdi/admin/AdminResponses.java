package org.quotaware.cdi.admin;

import jakarta.json.JsonStructure;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.quotaware.http.Problem;

/** The admin API's answers: JSON, or {@code application/problem+json} for a refusal. */
final class AdminResponses {

    /** A change the admin API refused: a bad limit, an unknown tier, an unreadable body. */
    static final String INVALID_CHANGE = "urn:quotaware:problem:invalid-change";

    private AdminResponses() {
    }

    static Response problem(String type, String title, int status, String detail, String path) {
        return Response.status(status).type(Problem.MEDIA_TYPE)
                .entity(new Problem(type, title, status, detail, path, null).toJson()).build();
    }

    /** A refusal the caller may retry after {@code retryAfterSeconds}. */
    static Response problem(String type, String title, int status, String detail, String path, long retryAfterSeconds) {
        return Response.fromResponse(problem(type, title, status, detail, path))
                .header("Retry-After", retryAfterSeconds).build();
    }

    static Response invalid(String detail, String path) {
        return problem(INVALID_CHANGE, "Invalid change", 400, detail, path);
    }

    static Response json(int status, JsonStructure body) {
        return Response.status(status).type(MediaType.APPLICATION_JSON).entity(body.toString()).build();
    }
}
