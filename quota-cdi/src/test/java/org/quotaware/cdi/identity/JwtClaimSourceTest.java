package org.quotaware.cdi.identity;

import java.lang.reflect.Proxy;
import java.security.Principal;
import java.util.Map;
import java.util.Set;

import jakarta.json.Json;
import jakarta.servlet.http.HttpServletRequest;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code jwt:<claim>}: a text or number claim of the verified token names the caller; anything else passes on. */
class JwtClaimSourceTest {

    private static final JwtClaimSource TENANT = new JwtClaimSource("tenant_id", null);

    private static HttpServletRequest requestOf(Principal principal) {
        return (HttpServletRequest) Proxy.newProxyInstance(HttpServletRequest.class.getClassLoader(),
                new Class<?>[] {HttpServletRequest.class},
                (self, method, args) -> method.getName().equals("getUserPrincipal") ? principal : null);
    }

    private static JsonWebToken token(Map<String, Object> claims) {
        return new JsonWebToken() {
            @Override
            public String getName() {
                return "alice";
            }

            @Override
            public Set<String> getClaimNames() {
                return claims.keySet();
            }

            @Override
            @SuppressWarnings("unchecked")
            public <T> T getClaim(String name) {
                return (T) claims.get(name);
            }
        };
    }

    @Test
    void aTextOrNumberClaimNamesTheCaller() {
        assertThat(TENANT.identify(requestOf(token(Map.of("tenant_id", Json.createValue("acme")))))).isEqualTo("acme");
        assertThat(TENANT.identify(requestOf(token(Map.of("tenant_id", "acme"))))).isEqualTo("acme");
        assertThat(TENANT.identify(requestOf(token(Map.of("tenant_id", Json.createValue(42)))))).isEqualTo("42");
    }

    @Test
    void noTokenNoClaimOrAClaimThatIsNoNamePassesToTheNextEntry() {
        assertThat(TENANT.identify(requestOf(null))).isNull();
        assertThat(TENANT.identify(requestOf(() -> "bob"))).as("a principal that is no token, and no CDI token")
                .isNull();
        assertThat(TENANT.identify(requestOf(token(Map.of("sub", "alice"))))).isNull();
        assertThat(TENANT.identify(requestOf(token(Map.of("tenant_id",
                Json.createArrayBuilder().add("a").add("b").build()))))).isNull();
    }
}
