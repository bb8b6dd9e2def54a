package org.quotaware.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real redis-server (Debian's, ensured by src/test/redis/ensure-redis.sh) on a free port with a data directory of
 * its own, for one test class: started, killed, restarted on the same port and directory, and stopped.
 */
final class RedisServer implements AutoCloseable {

    private final int port;
    private final Path dir;
    private final boolean appendOnly;
    private Process process;

    private RedisServer(boolean appendOnly) throws IOException {
        this.port = freePort();
        this.dir = Files.createTempDirectory("quotaware-redis");
        this.appendOnly = appendOnly;
    }

    /** A server without persistence. */
    static RedisServer start() throws IOException {
        return start(false);
    }

    /** A server that writes every command to its append-only file before answering ({@code appendfsync always}). */
    static RedisServer start(boolean appendOnly) throws IOException {
        RedisServer server = new RedisServer(appendOnly);
        server.run();
        return server;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    int port() {
        return port;
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /** Starts it (again) on its port and directory, and waits until it answers PING. */
    void run() throws IOException {
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind",
                "127.0.0.1", "--dir", dir.toString(), "--save", "", "--daemonize", "no", "--appendonly",
                appendOnly ? "yes" : "no"));
        if (appendOnly) {
            command.addAll(List.of("--appendfsync", "always"));
        }
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if (command("PING").equals("+PONG")) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            if (!process.isAlive() || System.nanoTime() > deadline) {
                throw new IOException("redis-server did not start on port " + port + ": "
                        + Files.readString(dir.resolve("redis.log")));
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
    }

    /** Kills it at once (SIGKILL), as a crash does: nothing more is written. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /**
     * One command, its reply: a status, an error or an integer as its line ({@code +OK}, {@code :3}), a bulk string
     * as the string, a missing one as {@code $-1}.
     */
    String command(String... args) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            s.setSoTimeout(5_000);
            OutputStream out = s.getOutputStream();
            StringBuilder resp = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                resp.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a)
                        .append("\r\n");
            }
            out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = s.getInputStream();
            String first = readLine(in);
            if (first.startsWith("$") && !first.equals("$-1")) {
                return readLine(in);
            }
            return first;
        }
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        if (c == -1 && b.length() == 0) {
            throw new IOException("connection closed");
        }
        return b.toString();
    }

    /** How many times Redis ran {@code command} since it started (INFO commandstats), e.g. {@code evalsha}. */
    long calls(String command) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            s.setSoTimeout(5_000);
            s.getOutputStream().write("*2\r\n$4\r\nINFO\r\n$12\r\ncommandstats\r\n".getBytes(StandardCharsets.UTF_8));
            InputStream in = s.getInputStream();
            int length = Integer.parseInt(readLine(in).substring(1));
            String info = new String(in.readNBytes(length), StandardCharsets.UTF_8);
            for (String l : info.split("\r\n")) {
                if (l.startsWith("cmdstat_" + command + ":calls=")) {
                    return Long.parseLong(l.substring(l.indexOf('=') + 1, l.indexOf(',')));
                }
            }
            return 0;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
