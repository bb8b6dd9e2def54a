package org.quotaware.sample.rest;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

import org.eclipse.microprofile.auth.LoginConfig;

/**
 * The REST API lives under {@code /api}, the path the quota filter guards. A bearer token, when sent, is verified by
 * the server's MicroProfile JWT ({@code mp.jwt.verify.*}) and becomes the principal, whose {@code tenant_id} claim the
 * identity chain asks first (web.xml). A bean, so that Payara sees {@code @LoginConfig} in a WAR without beans.xml.
 */
@ApplicationScoped
@ApplicationPath("/api")
@LoginConfig(authMethod = "MP-JWT")
public class PriceListApplication extends Application {
}
