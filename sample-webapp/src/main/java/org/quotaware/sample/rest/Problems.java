package org.quotaware.sample.rest;

import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.core.Response;

/** Builds RFC 9457 {@code application/problem+json} responses. */
final class Problems {

    static final String PROBLEM_JSON = "application/problem+json";

    private Problems() {
    }

    static Response problem(int status, String title, String detail) {
        return problem(status, title, detail, null);
    }

    static Response problem(int status, String title, String detail, List<Integer> lines) {
        JsonObjectBuilder body = Json.createObjectBuilder()
                .add("type", "about:blank")
                .add("title", title)
                .add("status", status)
                .add("detail", detail == null ? title : detail);
        if (lines != null) {
            body.add("lines", Json.createArrayBuilder(lines));
        }
        // serialised here so the body does not depend on which JSON provider handles "+json" types
        return Response.status(status).type(PROBLEM_JSON).entity(body.build().toString()).build();
    }
}
