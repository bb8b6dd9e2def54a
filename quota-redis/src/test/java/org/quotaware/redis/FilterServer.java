package org.quotaware.redis;

import java.io.IOException;
import java.util.EnumSet;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.quotaware.servlet.QuotaFilter;

/**
 * A real Jetty 12 (ee10) on a free port with the QuotaFilter configured only by init-params, as web.xml would: the
 * filter-only mode, its store named by {@code store=redis://...}. Its servlet works {@code workMillis} and counts
 * the requests running at once across every server of the test ({@link #running}, {@link #mostRunning}).
 */
final class FilterServer implements AutoCloseable {

    static final AtomicInteger running = new AtomicInteger();
    static final AtomicInteger mostRunning = new AtomicInteger();

    private final Server server = new Server();
    private final ServerConnector connector = new ServerConnector(server);
    private final QuotaFilter filter = new QuotaFilter();

    FilterServer(Map<String, String> initParams, long workMillis) throws Exception {
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler("/app");
        FilterHolder holder = new FilterHolder(filter);
        holder.setAsyncSupported(true);
        holder.setInitParameters(initParams);
        context.addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        ServletHolder servlet = new ServletHolder(new HttpServlet() {
            @Override
            protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(workMillis); // holds its slot a while, so others queue
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    running.decrementAndGet();
                }
                resp.getWriter().write("ok");
            }
        });
        servlet.setAsyncSupported(true);
        context.addServlet(servlet, "/*");
        server.setHandler(context);
        server.start();
    }

    String url(String path) {
        return "http://127.0.0.1:" + connector.getLocalPort() + "/app" + path;
    }

    QuotaFilter filter() {
        return filter;
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
