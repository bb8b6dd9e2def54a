package org.quotaware.cdi.it;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

@ApplicationPath("/api")
public class TestApplication extends Application {
}
