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
    /** The password the helper's own commands authenticate with, or null. */
    private final String password;
    /** Whether {@link #port} is a TLS port (the plain one off): the helper's commands cannot talk to it. */
    private final boolean tls;
    /** Arguments before the port: a config file and {@code --sentinel} for a Sentinel. */
    private final List<String> head = new ArrayList<>();
    /** Arguments after the usual ones: {@code --requirepass}, certificates... */
    private final List<String> options;
    private Process process;

    private RedisServer(boolean appendOnly, String password, boolean tls, List<String> options) throws IOException {
        this.port = freePort();
        this.dir = Files.createTempDirectory("quotaware-redis");
        this.appendOnly = appendOnly;
        this.password = password;
        this.tls = tls;
        this.options = List.copyOf(options);
    }

    /** A server without persistence. */
    static RedisServer start() throws IOException {
        return start(false);
    }

    /** A server that writes every command to its append-only file before answering ({@code appendfsync always}). */
    static RedisServer start(boolean appendOnly) throws IOException {
        RedisServer server = new RedisServer(appendOnly, null, false, List.of());
        server.run();
        return server;
    }

    /**
     * A server with more {@code options} (redis-server's command-line form of its config); {@code password} is the
     * one they require ({@code --requirepass}), for the helper's own commands, or null.
     */
    static RedisServer withOptions(String password, String... options) throws IOException {
        RedisServer server = new RedisServer(false, password, false, List.of(options));
        server.run();
        return server;
    }

    /** A replica of the server on {@code masterPort}. */
    static RedisServer replicaOf(int masterPort) throws IOException {
        return withOptions(null, "--replicaof", "127.0.0.1", Integer.toString(masterPort));
    }

    /** A server that speaks TLS only, on its port, with this certificate and key (PEM); clients show none. */
    static RedisServer tls(Path certificate, Path key) throws IOException {
        RedisServer server = new RedisServer(false, null, true, List.of("--tls-cert-file", certificate.toString(),
                "--tls-key-file", key.toString(), "--tls-ca-cert-file", certificate.toString(),
                "--tls-auth-clients", "no"));
        server.run();
        return server;
    }

    /**
     * A Sentinel watching the master {@code master} at 127.0.0.1:{@code masterPort}, alone (quorum 1), that calls
     * a master down after one second without an answer. Its config file is in its directory: Sentinel rewrites it.
     */
    static RedisServer sentinel(String master, int masterPort) throws IOException {
        RedisServer server = new RedisServer(false, null, false, List.of());
        Path conf = server.dir.resolve("sentinel.conf");
        Files.writeString(conf, "sentinel monitor " + master + " 127.0.0.1 " + masterPort + " 1\n"
                + "sentinel down-after-milliseconds " + master + " 1000\n"
                + "sentinel failover-timeout " + master + " 5000\n");
        server.head.addAll(List.of(conf.toString(), "--sentinel"));
        server.run();
        return server;
    }

    static int freePort() throws IOException {
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
        List<String> command = new ArrayList<>(List.of("redis-server"));
        command.addAll(head);
        command.addAll(tls ? List.of("--port", "0", "--tls-port", Integer.toString(port))
                : List.of("--port", Integer.toString(port)));
        command.addAll(List.of("--bind", "127.0.0.1", "--dir", dir.toString(), "--save", "", "--daemonize", "no",
                "--appendonly", appendOnly ? "yes" : "no"));
        if (appendOnly) {
            command.addAll(List.of("--appendfsync", "always"));
        }
        command.addAll(options);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (true) {
            try {
                if (tls ? listening() : command("PING").equals("+PONG")) {
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

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            return true;
        } catch (IOException notYet) {
            return false;
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
            InputStream in = s.getInputStream();
            authenticate(out, in);
            StringBuilder resp = new StringBuilder("*" + args.length + "\r\n");
            for (String a : args) {
                resp.append('$').append(a.getBytes(StandardCharsets.UTF_8).length).append("\r\n").append(a)
                        .append("\r\n");
            }
            out.write(resp.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            String first = readLine(in);
            if (first.startsWith("$") && !first.equals("$-1")) {
                return readLine(in);
            }
            return first;
        }
    }

    private void authenticate(OutputStream out, InputStream in) throws IOException {
        if (password == null) {
            return;
        }
        byte[] p = password.getBytes(StandardCharsets.UTF_8);
        out.write(("*2\r\n$4\r\nAUTH\r\n$" + p.length + "\r\n").getBytes(StandardCharsets.UTF_8));
        out.write(p);
        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
        String reply = readLine(in);
        if (!reply.equals("+OK")) {
            throw new IOException("AUTH refused: " + reply);
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
        for (String l : info("commandstats").split("\r\n")) {
            if (l.startsWith("cmdstat_" + command + ":calls=")) {
                return Long.parseLong(l.substring(l.indexOf('=') + 1, l.indexOf(',')));
            }
        }
        return 0;
    }

    /** A section of INFO, as its text: {@code replication}, {@code commandstats}. */
    String info(String section) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
            s.setSoTimeout(5_000);
            InputStream in = s.getInputStream();
            authenticate(s.getOutputStream(), in);
            byte[] name = section.getBytes(StandardCharsets.UTF_8);
            s.getOutputStream().write(("*2\r\n$4\r\nINFO\r\n$" + name.length + "\r\n" + section + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            int length = Integer.parseInt(readLine(in).substring(1));
            return new String(in.readNBytes(length), StandardCharsets.UTF_8);
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
