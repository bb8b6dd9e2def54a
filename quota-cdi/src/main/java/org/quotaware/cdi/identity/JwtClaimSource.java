package org.quotaware.cdi.identity;

import java.security.Principal;

import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.json.JsonNumber;
import jakarta.json.JsonString;
import jakarta.servlet.http.HttpServletRequest;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.quotaware.servlet.IdentitySource;

/**
 * A claim of the token the container verified ({@code jwt:tenant_id}): MicroProfile JWT makes the request's principal
 * that {@link JsonWebToken}; where the principal is another object, the CDI {@code JsonWebToken} is asked. A request
 * without a token, or whose token lacks the claim or holds no text or number there, goes to the next entry. Loaded
 * only where MicroProfile JWT is, see {@link NamedSources}.
 */
final class JwtClaimSource implements IdentitySource {

    private final String claim;
    /** The CDI token, for a principal that is not one itself; null where no bean gives it. */
    private final Instance<JsonWebToken> token;

    /**
     * @param claim the claim's name
     * @param token the CDI token, null for none
     */
    JwtClaimSource(String claim, Instance<JsonWebToken> token) {
        this.claim = claim;
        this.token = token != null && token.isResolvable() ? token : null;
    }

    /** The source of {@code claim}, with the CDI token of {@code beans} for principals that are not tokens. */
    static JwtClaimSource of(String claim, BeanManager beans) {
        return new JwtClaimSource(claim, beans.createInstance().select(JsonWebToken.class));
    }

    @Override
    public String identify(HttpServletRequest request) {
        Principal principal = request.getUserPrincipal();
        if (principal == null) {
            return null; // no verified token: nobody to read a claim of
        }
        if (principal instanceof JsonWebToken jwt) {
            return text(jwt.getClaim(claim));
        }
        if (token == null) {
            return null;
        }
        try {
            return text(token.get().getClaim(claim));
        } catch (RuntimeException noTokenHere) {
            return null; // e.g. no request context on this thread: the principal was all there was
        }
    }

    /** A claim's value as a name: text or a number; anything else (absent, a list, an object) is no name. */
    static String text(Object value) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof JsonString s) {
            return s.getString();
        }
        if (value instanceof JsonNumber || value instanceof Number) {
            return value.toString();
        }
        return null;
    }
}
