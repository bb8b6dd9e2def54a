package org.quotaware.cdi;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;

import org.quotaware.QuotaCheckResult;
import org.quotaware.http.HeaderSwitch;
import org.quotaware.http.Problem;
import org.quotaware.http.RateLimitHeaders;

/**
 * A call refused by {@code @Quota}. It carries the complete HTTP answer (status 429, or 413 for size; the same
 * {@code Retry-After}, {@code RateLimit-Policy}, {@code RateLimit} headers and problem+json body as the servlet filter),
 * so JAX-RS sends it as it is, without any mapper; outside JAX-RS, {@link #result()} has every violated limit.
 */
public class QuotaExceededException extends WebApplicationException {

    private static final long serialVersionUID = 1L;

    private final transient QuotaCheckResult result;

    public QuotaExceededException(QuotaCheckResult result, String instance) {
        this(result, instance, HeaderSwitch.ALWAYS);
    }

    /** The same, with the RateLimit fields only where {@code headers} sends them ({@code Retry-After} always). */
    public QuotaExceededException(QuotaCheckResult result, String instance, HeaderSwitch headers) {
        super(Problem.denial(result, instance).detail(), answer(Problem.denial(result, instance), result, headers));
        this.result = result;
    }

    /** A refusal that is not a quota decision (e.g. an unknown API key, 401). */
    QuotaExceededException(Problem problem) {
        super(problem.detail(), answer(problem, null, HeaderSwitch.ALWAYS));
        this.result = null;
    }

    /** Every violated limit; null for a refusal that is not a quota decision. */
    public QuotaCheckResult result() {
        return result;
    }

    private static Response answer(Problem problem, QuotaCheckResult result, HeaderSwitch headers) {
        Response.ResponseBuilder r = Response.status(problem.status())
                .type(Problem.MEDIA_TYPE)
                .header("Cache-Control", "no-store")
                .entity(problem.toJson());
        if (result != null) {
            RateLimitHeaders.write(result, r::header, headers);
        }
        if (problem.status() == 401) {
            r.header("WWW-Authenticate", "ApiKey realm=\"quotaware\"");
        }
        return r.build();
    }
}
