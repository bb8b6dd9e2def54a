package org.quotaware.cdi.ops;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** No classes listed: the container scans the WAR and its libraries, which finds the admin resources of quota-cdi. */
@ApplicationPath("/api")
public class OpsApplication extends Application {
}
