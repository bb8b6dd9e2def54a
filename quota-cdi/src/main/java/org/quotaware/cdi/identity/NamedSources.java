package org.quotaware.cdi.identity;

import java.util.Set;
import java.util.function.Function;
import java.util.logging.Logger;

import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;

import org.quotaware.servlet.IdentitySource;

/**
 * The identity chain's entries that the application resolves, published in the servlet context under
 * {@link IdentitySource#NAMED_ATTRIBUTE} for the filter and used by quota-cdi's own chain: {@code jwt:<claim>}, a
 * claim of the token MicroProfile JWT verified, and {@code bean:<name>}, a CDI bean implementing
 * {@link IdentitySource} with that {@code @Named} name. A server without MicroProfile JWT still deploys: its
 * {@code jwt:} entries never answer, and say so once in the log.
 */
public final class NamedSources implements Function<String, IdentitySource> {

    private static final Logger LOG = Logger.getLogger(NamedSources.class.getName());
    private static final String JWT = "jwt:";
    private static final String BEAN = "bean:";
    /** Answers no caller: a {@code jwt:} entry on a server without MicroProfile JWT. */
    private static final IdentitySource NOBODY = request -> null;

    private final BeanManager beans;
    /** Why {@code jwt:} entries cannot be read here, or null where MicroProfile JWT is. */
    private final String noMicroProfileJwt;

    public NamedSources(BeanManager beans) {
        this(beans, missingMicroProfileJwt());
    }

    NamedSources(BeanManager beans, String noMicroProfileJwt) {
        this.beans = beans;
        this.noMicroProfileJwt = noMicroProfileJwt;
    }

    /** Null where the MicroProfile JWT API is visible to the application, else why not. */
    private static String missingMicroProfileJwt() {
        try {
            Class.forName("org.eclipse.microprofile.jwt.JsonWebToken", false, NamedSources.class.getClassLoader());
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            return e.toString();
        }
    }

    /** The source of an entry, or null when there is none by that name. */
    @Override
    public IdentitySource apply(String entry) {
        if (entry.startsWith(JWT)) {
            return jwtClaim(entry, entry.substring(JWT.length()));
        }
        if (entry.startsWith(BEAN)) {
            return bean(entry.substring(BEAN.length()));
        }
        return null;
    }

    private IdentitySource jwtClaim(String entry, String claim) {
        if (noMicroProfileJwt == null) {
            try {
                return JwtClaimSource.of(claim, beans); // the only class here that touches the MicroProfile JWT API
            } catch (LinkageError partlyThere) {
                return skipped(entry, partlyThere.toString());
            }
        }
        return skipped(entry, noMicroProfileJwt);
    }

    private static IdentitySource skipped(String entry, String why) {
        LOG.warning(() -> "quotaware: the identity chain's entry '" + entry + "' is skipped: this server has no "
                + "MicroProfile JWT (" + why + ")");
        return NOBODY;
    }

    private IdentitySource bean(String name) {
        Set<Bean<?>> named = beans.getBeans(name);
        named.removeIf(b -> !b.getTypes().contains(IdentitySource.class));
        if (named.isEmpty()) {
            return null;
        }
        Bean<?> bean = beans.resolve(named);
        // a normal-scoped bean gives its client proxy; a dependent one lives as long as the application
        return (IdentitySource) beans.getReference(bean, IdentitySource.class, beans.createCreationalContext(bean));
    }
}
