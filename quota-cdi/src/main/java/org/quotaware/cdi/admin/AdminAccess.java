package org.quotaware.cdi.admin;

import java.security.Principal;
import java.time.InstantSource;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.SecurityContext;

import org.quotaware.cdi.QuotaExtension;
import org.quotaware.config.AdminSettings;

/**
 * Who may call the admin API: nobody while it is disabled (it answers 404 as if absent); once enabled, a caller in the
 * configured role or one presenting the admin key in {@value AdminSettings#KEY_HEADER}. Wrong keys are counted per
 * client address and key beginning, and per address (see {@link KeyFailures}): past the bound, such keys are refused
 * with 429 for a while without being compared, so the key cannot be guessed, while the right key from an address
 * that used it still passes. The settings are read when the application starts, and a bad one fails the deployment.
 */
@ApplicationScoped
public class AdminAccess {

    static final String UNAUTHORIZED = "urn:quotaware:problem:admin-unauthorized";
    static final String FORBIDDEN = "urn:quotaware:problem:admin-forbidden";
    static final String LOCKED_OUT = "urn:quotaware:problem:admin-key-attempts";
    private static final Logger LOG = Logger.getLogger(AdminAccess.class.getName());

    @Inject
    QuotaExtension extension;

    private volatile AdminSettings settings;
    private volatile KeyFailures keyFailures;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        AdminSettings s = settings();
        if (s.enabled()) {
            LOG.info(() -> "quotaware: the admin API is enabled under <JAX-RS root>/quota/admin, for "
                    + (s.role() != null ? "role '" + s.role() + "'" : "") + (s.role() != null && s.keyHash() != null
                    ? " or " : "") + (s.keyHash() != null ? "the admin key" : ""));
        }
    }

    /** The validated settings, read with every other {@code quotaware.*} key when the application deployed. */
    public AdminSettings settings() {
        AdminSettings s = settings;
        if (s == null) {
            s = extension.adminSettings();
            keyFailures = new KeyFailures(s.keyFailures(), s.keyFailureWindow(), InstantSource.system());
            settings = s;
        }
        return s;
    }

    /**
     * Null when the caller may use the admin API, else the answer to send: 404 while it is disabled, 401 without
     * credentials, 403 with a wrong key or without the role, 429 with any key from an address locked out for wrong
     * ones.
     *
     * @param clientAddress the caller's address as the quota filter counts it (trusted proxies); wrong keys are
     *                      counted per address
     */
    public Response refuse(SecurityContext security, String presentedKey, String path, String clientAddress) {
        AdminSettings s = settings();
        if (!s.enabled()) {
            return Response.status(Response.Status.NOT_FOUND).build();
        }
        Principal principal = security == null ? null : security.getUserPrincipal();
        if (s.role() != null && principal != null && security.isUserInRole(s.role())) {
            return null;
        }
        if (presentedKey != null) {
            return checkKey(s, presentedKey, path, String.valueOf(clientAddress));
        }
        if (principal != null) {
            return AdminResponses.problem(FORBIDDEN, "Forbidden", 403, s.role() == null
                    ? "the admin API takes the " + AdminSettings.KEY_HEADER + " header only"
                    : "'" + principal.getName() + "' is not in the role '" + s.role() + "'", path);
        }
        return AdminResponses.problem(UNAUTHORIZED, "Unauthorized", 401, "the admin API needs "
                + (s.keyHash() != null ? "the " + AdminSettings.KEY_HEADER + " header" : "")
                + (s.keyHash() != null && s.role() != null ? " or " : "")
                + (s.role() != null ? "an authenticated caller in the role '" + s.role() + "'" : ""), path);
    }

    private Response checkKey(AdminSettings s, String presentedKey, String path, String address) {
        KeyFailures.Verdict verdict = keyFailures.present(address, presentedKey, () -> s.keyMatches(presentedKey));
        return switch (verdict.outcome()) {
            case ACCEPTED -> null;
            case WRONG -> AdminResponses.problem(FORBIDDEN, "Forbidden", 403, "the admin key is wrong", path);
            case LOCKED_OUT -> AdminResponses.problem(LOCKED_OUT, "Too many wrong admin keys", 429,
                    (verdict.wholeAddress() ? s.keyFailures() * KeyFailures.ADDRESS_FACTOR + " wrong admin keys"
                            : s.keyFailures() + " wrong admin keys beginning like this one") + " from this address "
                            + "within " + s.keyFailureWindow().toSeconds() + " s; retry in "
                            + verdict.retryAfterSeconds() + " s", path, verdict.retryAfterSeconds());
        };
    }
}
