package org.quotaware.servlet;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletResponse;

import org.quotaware.QuotaCheckResult;
import org.quotaware.http.HeaderSwitch;
import org.quotaware.http.Problem;
import org.quotaware.http.RateLimitHeaders;

/** Writes the plain-Java answers of {@code org.quotaware.http} to a servlet response. */
final class Responses {

    private Responses() {
    }

    /** Sets the RateLimit headers (and Retry-After for a denial). */
    static void headers(HttpServletResponse response, QuotaCheckResult result) {
        RateLimitHeaders.write(result, response::setHeader);
    }

    /** The same, with the RateLimit fields only for the tiers {@code headers} sends them for. */
    static void headers(HttpServletResponse response, QuotaCheckResult result, HeaderSwitch headers) {
        RateLimitHeaders.write(result, response::setHeader, headers);
    }

    /** Resets whatever was buffered and writes the problem as the whole response. */
    static void send(HttpServletResponse response, Problem problem) throws IOException {
        response.resetBuffer();
        response.setStatus(problem.status());
        response.setContentType(Problem.MEDIA_TYPE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.setHeader("Cache-Control", "no-store");
        if (problem.status() == 413) {
            response.setHeader("Connection", "close"); // the body was not read; do not make the client send it
        }
        String json = problem.toJson();
        try {
            response.getOutputStream().write(json.getBytes(StandardCharsets.UTF_8));
        } catch (IllegalStateException writerInUse) {
            PrintWriter out = response.getWriter();
            out.write(json);
            out.flush();
        }
    }
}
