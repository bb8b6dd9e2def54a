package org.quotaware.cdi.admin;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;
import jakarta.ws.rs.core.UriInfo;

import org.quotaware.cdi.Callers;
import org.quotaware.config.AdminSettings;

/**
 * The live dashboard, under {@code <JAX-RS root>/quota/admin/dashboard}: a static page (HTML, script and style from
 * this jar; nothing from elsewhere) and its one data call, {@code data}. The page holds no data: every figure comes
 * from {@code data} and the other admin endpoints, through the admin access ({@link AdminAccess}). With an admin key
 * the page asks for it and sends it in the {@value AdminSettings#KEY_HEADER} header, never in a URL, so the page
 * itself is served to any caller while the admin API is enabled; with a role only, the page needs the role too.
 * 404 while the admin API is disabled. See {@code docs/operations.md}.
 */
@Path("quota/admin/dashboard")
@RequestScoped
public class DashboardResource {

    /** Only this origin's script, style and calls; no inline script or style, no frames, no form posts. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String BASE = "org/quotaware/cdi/admin/dashboard/";
    private static final Map<String, Asset> ASSETS = new ConcurrentHashMap<>();

    /** A file of the page, read once from the jar. */
    private record Asset(byte[] bytes, EntityTag tag) {
    }

    @Inject
    AdminAccess access;

    @Inject
    DashboardData data;

    @Inject
    Callers callers;

    @Context
    SecurityContext security;

    @Context
    UriInfo uri;

    @Context
    Request request;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page() {
        Response refused = refuseShell();
        if (refused != null) {
            return refused;
        }
        // the JAX-RS root, so the page finds its files and the API wherever the application put them
        String root = escape(uri.getBaseUri().getRawPath());
        String html = new String(asset("index.html").bytes(), StandardCharsets.UTF_8).replace("{{root}}", root);
        return secured(Response.ok(html, MediaType.TEXT_HTML_TYPE.withCharset("UTF-8")))
                .header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("app.js")
    @Produces("text/javascript")
    public Response script() {
        return file("app.js", "text/javascript;charset=UTF-8");
    }

    @GET
    @Path("app.css")
    @Produces("text/css")
    public Response style() {
        return file("app.css", "text/css;charset=UTF-8");
    }

    /**
     * Everything the page shows but the denials and one user's usage: see {@link DashboardData}. {@code top} ranks
     * the top users: {@code decisions} (the default) or {@code cpu}.
     */
    @GET
    @Path("data")
    @Produces({MediaType.APPLICATION_JSON, "application/problem+json"})
    public Response data(@HeaderParam(AdminSettings.KEY_HEADER) String key, @QueryParam("top") String top) {
        Response refused = access.refuse(security, key, path(), callers.clientAddress());
        if (refused != null) {
            return refused;
        }
        DashboardData.Ranking ranking = DashboardData.Ranking.named(top);
        if (ranking == null) {
            return AdminResponses.problem(AdminResponses.INVALID_CHANGE, "Invalid request", 400,
                    "top must be decisions or cpu, was " + top.substring(0, Math.min(top.length(), 32)), path());
        }
        return Response.fromResponse(AdminResponses.json(200, data.summary(ranking)))
                .header("Cache-Control", "no-store").build();
    }

    private Response file(String name, String type) {
        Response refused = refuseShell();
        if (refused != null) {
            return refused;
        }
        Asset a = asset(name);
        Response.ResponseBuilder unchanged = request.evaluatePreconditions(a.tag());
        Response.ResponseBuilder b = unchanged != null ? unchanged : Response.ok(a.bytes(), type);
        // revalidated on every load (a 304 when unchanged), so a new version of the library is picked up at once
        return secured(b).tag(a.tag()).header("Cache-Control", "no-cache").build();
    }

    /**
     * 404 while the admin API is off. With a key configured the files are served to anyone: they are the same for
     * everyone and hold no data, and the browser cannot send the key when it opens a page. With a role only, the
     * caller needs the role, as for the API.
     */
    private Response refuseShell() {
        AdminSettings s = access.settings();
        if (!s.enabled()) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        return s.keyHash() != null ? null : access.refuse(security, null, path(), callers.clientAddress());
    }

    private static Response.ResponseBuilder secured(Response.ResponseBuilder b) {
        return b.header("Content-Security-Policy", CONTENT_SECURITY_POLICY)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer");
    }

    private static Asset asset(String name) {
        return ASSETS.computeIfAbsent(name, n -> {
            try (InputStream in = DashboardResource.class.getClassLoader().getResourceAsStream(BASE + n)) {
                if (in == null) {
                    throw new IllegalStateException("quotaware: " + BASE + n + " is missing from the quota-cdi jar");
                }
                byte[] bytes = in.readAllBytes();
                byte[] digest = MessageDigest.getInstance("SHA-256").digest(bytes);
                return new Asset(bytes, new EntityTag(HexFormat.of().formatHex(digest, 0, 8)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every Java platform", e);
            }
        });
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("\"", "&quot;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private String path() {
        return uri == null ? null : "/" + uri.getPath();
    }
}
