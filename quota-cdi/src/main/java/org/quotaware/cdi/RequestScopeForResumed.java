package org.quotaware.cdi;

import java.io.IOException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.control.RequestContextController;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.servlet.ServletException;

import org.quotaware.servlet.ResumeScope;

/**
 * A CDI request context for a request the filter resumes from the queue: the container dispatches it again
 * ({@code ASYNC}) on a thread where Payara has no request context active, and the application's {@code @RequestScoped}
 * beans (JAX-RS resources among them) need one. Published for the filter by {@link ManagerPublisher}.
 */
@ApplicationScoped
public class RequestScopeForResumed implements ResumeScope {

    @Inject
    Instance<RequestContextController> controllers;

    @Override
    public void run(Resumed resumed) throws IOException, ServletException {
        RequestContextController context = controllers.get();
        boolean activated = context.activate(); // false where the container did activate one
        try {
            resumed.run();
        } finally {
            if (activated) {
                context.deactivate();
            }
            controllers.destroy(context);
        }
    }
}
