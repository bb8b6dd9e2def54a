package org.quotaware.servlet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * An upload whose body may not be longer than the caller's file size limit, whatever its {@code Content-Length} said
 * (a chunked body has none). Reading past the limit throws {@link PayloadTooLargeException}; at most one byte beyond the
 * limit is ever read from the connection, and none of it reaches the application.
 * <p>
 * The moment the limit trips, the filter's 413 is written to the real response (unless the application had already
 * committed it), and from then on {@link #response()} drops whatever the application does: frameworks wrap a read
 * error in their own exceptions and answer it with their own status (Jersey: a 500 from an exception mapper), and none
 * of that may replace the 413. See {@link LimitedResponse}.
 * <p>
 * Bodies the container parses itself ({@code getParts()}, form parameters) do not pass through here: give those
 * servlets a {@code @MultipartConfig(maxFileSize, maxRequestSize)} and bound form posts with the container's post size
 * setting (see {@code docs/filter-setup.md}).
 */
final class SizeLimitedRequest extends HttpServletRequestWrapper {

    /** The filter's answer to a body that went past the limit. */
    @FunctionalInterface
    interface TooLarge {
        void answer() throws IOException;
    }

    private final long maxBytes;
    private final HttpServletResponse realResponse;
    private final TooLarge tooLarge;
    private final LimitedResponse response;
    private volatile PayloadTooLargeException failure;
    private volatile boolean answered;
    private ServletInputStream stream;
    private BufferedReader reader;

    /**
     * @param response the response the filter answers on
     * @param tooLarge writes the 413 to {@code response}; called once, when the limit trips and nothing is committed
     */
    SizeLimitedRequest(HttpServletRequest request, HttpServletResponse response, long maxBytes, TooLarge tooLarge) {
        super(request);
        this.maxBytes = maxBytes;
        this.realResponse = response;
        this.tooLarge = tooLarge;
        this.response = new LimitedResponse(response, () -> failure != null);
    }

    /** The response to hand to the application with this request. */
    HttpServletResponse response() {
        return response;
    }

    /** True once the 413 was written, so it is this request's answer whatever the application did after. */
    boolean answered() {
        return answered;
    }

    /**
     * Throws the size error again if the application read past the limit, even if it caught the error and returned
     * normally: a request cut short must never end as if it had succeeded (an answered one is then not rethrown
     * further by the filter; an unanswered one makes the container abort the connection).
     */
    void rethrowIfExceeded() throws PayloadTooLargeException {
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public synchronized ServletInputStream getInputStream() throws IOException {
        if (reader != null) {
            throw new IllegalStateException("getReader() has already been called for this request");
        }
        if (stream == null) {
            stream = new Limited(super.getInputStream());
        }
        return stream;
    }

    @Override
    public synchronized BufferedReader getReader() throws IOException {
        if (stream != null) {
            throw new IllegalStateException("getInputStream() has already been called for this request");
        }
        if (reader == null) {
            reader = new BufferedReader(new InputStreamReader(new Limited(super.getInputStream()), charset()));
        }
        return reader;
    }

    private Charset charset() throws UnsupportedEncodingException {
        String name = getCharacterEncoding();
        if (name == null) {
            return StandardCharsets.ISO_8859_1; // the servlet specification's default for request bodies
        }
        try {
            return Charset.forName(name);
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new UnsupportedEncodingException(name);
        }
    }

    /** The first time: answer 413 while nothing is committed, then drop what the application does with the response. */
    private synchronized PayloadTooLargeException exceeded() throws IOException {
        if (failure == null) {
            failure = new PayloadTooLargeException(maxBytes);
            if (!realResponse.isCommitted()) {
                tooLarge.answer();
                answered = true;
            }
        }
        return failure;
    }

    /** Counts what the application reads and stops it at the limit. */
    private final class Limited extends ServletInputStream {
        private final ServletInputStream in;
        private long count;

        Limited(ServletInputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            check(0);
            int b = in.read();
            if (b >= 0) {
                check(1);
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] buffer, int off, int len) throws IOException {
            if (len == 0) {
                return 0;
            }
            check(0);
            // ask for at most one byte more than is allowed: enough to notice the excess, never to buffer it
            int n = in.read(buffer, off, (int) Math.min(len, maxBytes - count + 1));
            if (n > 0) {
                check(n);
                count += n;
            }
            return n;
        }

        private void check(long more) throws IOException {
            if (count + more > maxBytes) {
                throw exceeded();
            }
        }

        @Override
        public boolean isFinished() {
            return in.isFinished();
        }

        @Override
        public boolean isReady() {
            return in.isReady();
        }

        @Override
        public void setReadListener(ReadListener listener) {
            in.setReadListener(listener);
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
