package org.quotaware.servlet;

import java.util.EnumSet;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.Servlet;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/** A real Jetty 12 (ee10) servlet container on an ephemeral port, for one test. */
final class JettyServer implements AutoCloseable {

    static final String CONTEXT = "/app";

    private final Server server = new Server();
    private final ServerConnector connector;
    private final ServletContextHandler context = new ServletContextHandler(CONTEXT);

    JettyServer() {
        HttpConfiguration http = new HttpConfiguration();
        // let odd spellings reach the filter: the filter must count them whatever the container would do with them
        http.setUriCompliance(UriCompliance.UNSAFE);
        connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setPort(0);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        server.setHandler(context);
    }

    ServletContextHandler context() {
        return context;
    }

    /** The filter on every request, and on the async dispatch of a request resumed from the queue. */
    JettyServer filter(Filter filter) {
        return filter(filter, EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
    }

    JettyServer filter(Filter filter, EnumSet<DispatcherType> dispatches) {
        FilterHolder holder = new FilterHolder(filter);
        holder.setAsyncSupported(true);
        context.addFilter(holder, "/*", dispatches);
        return this;
    }

    /** A filter that is not async-supported on {@code pathSpec}: requests through it cannot go async. */
    JettyServer legacyFilter(Filter filter, String pathSpec) {
        FilterHolder holder = new FilterHolder(filter);
        holder.setAsyncSupported(false);
        context.addFilter(holder, pathSpec, EnumSet.of(DispatcherType.REQUEST));
        return this;
    }

    /** At most {@code threads} request threads, so a test sees what parking saves. */
    JettyServer threads(int threads) {
        org.eclipse.jetty.util.thread.QueuedThreadPool pool =
                (org.eclipse.jetty.util.thread.QueuedThreadPool) server.getThreadPool();
        pool.setMaxThreads(threads);
        pool.setMinThreads(Math.min(threads, 4));
        pool.setReservedThreads(0);
        return this;
    }

    JettyServer servlet(String pattern, Servlet servlet) {
        ServletHolder holder = new ServletHolder(servlet);
        holder.setAsyncSupported(true);
        context.addServlet(holder, pattern);
        return this;
    }

    JettyServer handler(Handler handler) {
        server.setHandler(handler);
        return this;
    }

    JettyServer start() throws Exception {
        server.start();
        return this;
    }

    Server server() {
        return server;
    }

    int port() {
        return connector.getLocalPort();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("Jetty did not stop", e);
        }
    }
}
