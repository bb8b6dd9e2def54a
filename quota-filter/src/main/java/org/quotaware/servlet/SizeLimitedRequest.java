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

/**
 * An upload whose body may not be longer than the caller's file size limit, whatever its {@code Content-Length} said
 * (a chunked body has none). Reading past the limit throws {@link PayloadTooLargeException}; at most one byte beyond the
 * limit is ever read from the connection, and none of it reaches the application.
 * <p>
 * Bodies the container parses itself ({@code getParts()}, form parameters) do not pass through here: give those
 * servlets a {@code @MultipartConfig(maxFileSize, maxRequestSize)} too.
 */
final class SizeLimitedRequest extends HttpServletRequestWrapper {

    private final long maxBytes;
    private volatile boolean exceeded;
    private ServletInputStream stream;
    private BufferedReader reader;

    SizeLimitedRequest(HttpServletRequest request, long maxBytes) {
        super(request);
        this.maxBytes = maxBytes;
    }

    /** True once the application tried to read past the limit. */
    boolean exceeded() {
        return exceeded;
    }

    long maxBytes() {
        return maxBytes;
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

        private void check(long more) throws PayloadTooLargeException {
            if (count + more > maxBytes) {
                exceeded = true;
                throw new PayloadTooLargeException(maxBytes);
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
