package org.quotaware.cdi.identity;

import java.lang.reflect.Proxy;

import jakarta.servlet.http.HttpServletRequest;

import org.junit.jupiter.api.Test;
import org.quotaware.servlet.IdentitySource;

import static org.assertj.core.api.Assertions.assertThat;

/** The chain's named entries: what quota-cdi resolves, and what it leaves to deployment to refuse. */
class NamedSourcesTest {

    private static final HttpServletRequest WITH_PRINCIPAL = (HttpServletRequest) Proxy.newProxyInstance(
            HttpServletRequest.class.getClassLoader(), new Class<?>[] {HttpServletRequest.class},
            (self, method, args) -> method.getName().equals("getUserPrincipal") ? (java.security.Principal) () -> "bob"
                    : null);

    @Test
    void withoutMicroProfileJwtAJwtEntryIsSkippedNotRefused() {
        IdentitySource source = new NamedSources(null, "java.lang.ClassNotFoundException: JsonWebToken")
                .apply("jwt:tenant_id");

        assertThat(source).as("the deployment goes on").isNotNull();
        assertThat(source.identify(WITH_PRINCIPAL)).as("and the entry never names a caller").isNull();
    }

    @Test
    void anEntryOfNoKnownKindHasNoSource() {
        assertThat(new NamedSources(null, null).apply("cookie:session")).isNull();
    }
}
