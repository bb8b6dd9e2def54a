package org.quotaware.servlet;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.Principal;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/** Small servlets and filters the container tests deploy. */
final class TestServlets {

    private TestServlets() {
    }

    /** Answers "ok" to every method; counts the calls that reach it. Public for web.xml deployments. */
    public static class Ok extends HttpServlet {
        static final AtomicInteger CALLS = new AtomicInteger();

        @Override
        protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            CALLS.incrementAndGet();
            resp.setContentType("text/plain");
            resp.getWriter().write("ok");
        }
    }

    /** Reads the whole body, recording how many bytes the application saw; lets read errors propagate. */
    static final class BodyReader extends HttpServlet {
        final AtomicLong bytesSeen = new AtomicLong();
        final AtomicInteger calls = new AtomicInteger();
        private final boolean useReader;

        BodyReader(boolean useReader) {
            this.useReader = useReader;
        }

        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            calls.incrementAndGet();
            if (useReader) {
                char[] buffer = new char[100];
                for (int n; (n = req.getReader().read(buffer)) >= 0; ) {
                    bytesSeen.addAndGet(n);
                }
            } else {
                InputStream in = req.getInputStream();
                byte[] buffer = new byte[300];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    bytesSeen.addAndGet(n);
                }
            }
            resp.getWriter().write("read " + bytesSeen.get());
        }
    }

    /**
     * Reads the whole body like a framework does: a read error becomes its own exception, answered by its own error
     * handling (Jersey: an exception mapper writing a 500 problem).
     */
    static final class FrameworkLike extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            try {
                req.getInputStream().readAllBytes();
                resp.getWriter().write("stored");
            } catch (IOException e) {
                RuntimeException wrapped = new IllegalStateException("error reading entity", e);
                resp.setStatus(500);
                resp.setContentType("application/problem+json");
                resp.getOutputStream().write(("{\"status\":500,\"detail\":\"" + wrapped.getMessage() + "\"}")
                        .getBytes(StandardCharsets.UTF_8));
                resp.flushBuffer();
            }
        }
    }

    /** Streams as it reads: sends and flushes a first line before reading the body, so the response is committed. */
    static final class Echo extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            resp.setContentType("text/plain");
            resp.getOutputStream().write("echo\n".getBytes(StandardCharsets.UTF_8));
            resp.flushBuffer();
            req.getInputStream().transferTo(resp.getOutputStream());
        }
    }

    /** Makes {@code X-Test-Principal} the container principal, as a login would. */
    static final class PrincipalFromHeader implements Filter {
        @Override
        public void doFilter(ServletRequest req, ServletResponse res, FilterChain chain)
                throws IOException, ServletException {
            HttpServletRequest request = (HttpServletRequest) req;
            String name = request.getHeader("X-Test-Principal");
            if (name == null) {
                chain.doFilter(req, res);
                return;
            }
            Principal principal = () -> name;
            chain.doFilter(new HttpServletRequestWrapper(request) {
                @Override
                public Principal getUserPrincipal() {
                    return principal;
                }
            }, res);
        }
    }

    /** Polls a condition that another thread (the container) makes true; fails after five seconds. */
    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(10);
        }
    }
}
