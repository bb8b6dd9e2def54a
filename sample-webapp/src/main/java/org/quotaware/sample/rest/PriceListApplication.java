package org.quotaware.sample.rest;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API lives under {@code /api}, the path the quota filter guards. */
@ApplicationPath("/api")
public class PriceListApplication extends Application {
}
