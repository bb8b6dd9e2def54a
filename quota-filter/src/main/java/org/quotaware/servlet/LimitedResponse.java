package org.quotaware.servlet;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;

/**
 * The application's view of the response to a size-limited upload. Until the body goes past the limit it is the
 * response itself; from then on everything the application does to it is dropped (status, headers, body, flushes,
 * errors), because the filter has answered 413 on the real response, or must abort it when it was already committed.
 * Output streams and writers handed out before are cut off at the same moment.
 */
final class LimitedResponse extends HttpServletResponseWrapper {

    private final BooleanSupplier dropping;
    private PrintWriter writer;

    LimitedResponse(HttpServletResponse response, BooleanSupplier dropping) {
        super(response);
        this.dropping = dropping;
    }

    private boolean passes() {
        return !dropping.getAsBoolean();
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        // once dropping, the real stream is not even asked for: the filter may have used the writer for its answer
        return new Gate(passes() ? super.getOutputStream() : null);
    }

    @Override
    public synchronized PrintWriter getWriter() throws IOException {
        if (writer == null) {
            writer = new PrintWriter(new GateWriter(passes() ? super.getWriter() : null));
        }
        return writer;
    }

    @Override
    public void setStatus(int sc) {
        if (passes()) {
            super.setStatus(sc);
        }
    }

    @Override
    public void sendError(int sc, String msg) throws IOException {
        if (passes()) {
            super.sendError(sc, msg);
        }
    }

    @Override
    public void sendError(int sc) throws IOException {
        if (passes()) {
            super.sendError(sc);
        }
    }

    @Override
    public void sendRedirect(String location) throws IOException {
        if (passes()) {
            super.sendRedirect(location);
        }
    }

    @Override
    public void setHeader(String name, String value) {
        if (passes()) {
            super.setHeader(name, value);
        }
    }

    @Override
    public void addHeader(String name, String value) {
        if (passes()) {
            super.addHeader(name, value);
        }
    }

    @Override
    public void setIntHeader(String name, int value) {
        if (passes()) {
            super.setIntHeader(name, value);
        }
    }

    @Override
    public void addIntHeader(String name, int value) {
        if (passes()) {
            super.addIntHeader(name, value);
        }
    }

    @Override
    public void setDateHeader(String name, long date) {
        if (passes()) {
            super.setDateHeader(name, date);
        }
    }

    @Override
    public void addDateHeader(String name, long date) {
        if (passes()) {
            super.addDateHeader(name, date);
        }
    }

    @Override
    public void addCookie(Cookie cookie) {
        if (passes()) {
            super.addCookie(cookie);
        }
    }

    @Override
    public void setTrailerFields(Supplier<Map<String, String>> supplier) {
        if (passes()) {
            super.setTrailerFields(supplier);
        }
    }

    @Override
    public void setContentType(String type) {
        if (passes()) {
            super.setContentType(type);
        }
    }

    @Override
    public void setContentLength(int len) {
        if (passes()) {
            super.setContentLength(len);
        }
    }

    @Override
    public void setContentLengthLong(long len) {
        if (passes()) {
            super.setContentLengthLong(len);
        }
    }

    @Override
    public void setCharacterEncoding(String charset) {
        if (passes()) {
            super.setCharacterEncoding(charset);
        }
    }

    @Override
    public void setLocale(Locale locale) {
        if (passes()) {
            super.setLocale(locale);
        }
    }

    @Override
    public void setBufferSize(int size) {
        if (passes()) {
            super.setBufferSize(size);
        }
    }

    @Override
    public void flushBuffer() throws IOException {
        if (passes()) {
            super.flushBuffer();
        }
    }

    @Override
    public void reset() {
        if (passes()) {
            super.reset();
        }
    }

    @Override
    public void resetBuffer() {
        if (passes()) {
            super.resetBuffer();
        }
    }

    /** The real output stream while the response passes, nothing after (null: nothing from the start). */
    private final class Gate extends ServletOutputStream {
        private final ServletOutputStream out;

        Gate(ServletOutputStream out) {
            this.out = out;
        }

        private boolean open() {
            return out != null && passes();
        }

        @Override
        public void write(int b) throws IOException {
            if (open()) {
                out.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (open()) {
                out.write(b, off, len);
            }
        }

        @Override
        public void flush() throws IOException {
            if (open()) {
                out.flush();
            }
        }

        @Override
        public void close() throws IOException {
            if (open()) {
                out.close();
            }
        }

        @Override
        public boolean isReady() {
            return !open() || out.isReady();
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            if (out != null) {
                out.setWriteListener(listener);
            }
        }
    }

    /** The same gate for characters. */
    private final class GateWriter extends Writer {
        private final PrintWriter out;

        GateWriter(PrintWriter out) {
            this.out = out;
        }

        private boolean open() {
            return out != null && passes();
        }

        @Override
        public void write(char[] chars, int off, int len) {
            if (open()) {
                out.write(chars, off, len);
            }
        }

        @Override
        public void flush() {
            if (open()) {
                out.flush();
            }
        }

        @Override
        public void close() {
            if (open()) {
                out.close();
            }
        }
    }
}
