package org.quotaware.cdi.it;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The test application with MicroProfile JWT on: a bearer token, when sent, is verified and becomes the principal.
 * A bean (so {@code @LoginConfig} is seen in a WAR of bean-discovery-mode annotated).
 */
@ApplicationScoped
@ApplicationPath("/api")
@LoginConfig(authMethod = "MP-JWT")
public class JwtApplication extends Application {
}
