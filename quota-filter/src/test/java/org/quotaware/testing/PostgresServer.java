package org.quotaware.testing;

import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real PostgreSQL server of this machine (Debian's package, ensured by {@code .ci/ensure-postgresql.sh} before the
 * tests), started by a test in a temporary directory on a free port of 127.0.0.1, with trust
 * authentication and no fsync, and stopped (its directory removed) by {@link #close()}. Run as the user
 * {@code postgres} when the tests run as root, which PostgreSQL refuses.
 */
public final class PostgresServer implements AutoCloseable {

    private final Path bin;
    private final Path dir;
    private final int port;

    private PostgresServer(Path bin, Path dir, int port) {
        this.bin = bin;
        this.dir = dir;
        this.port = port;
    }

    /** Starts a new server: initdb, then pg_ctl start, waiting until it accepts connections. */
    public static PostgresServer start() throws IOException, InterruptedException {
        Path bin = binaries();
        Path dir = Files.createTempDirectory("quotaware-pg-");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        PostgresServer pg = new PostgresServer(bin, dir, port);
        if (root()) {
            pg.run(List.of("chown", "postgres", dir.toString()), false);
        }
        pg.run(List.of(bin.resolve("initdb").toString(), "-D", dir.resolve("data").toString(), "-U", "postgres",
                "-A", "trust", "--no-sync", "-E", "UTF8"), true);
        pg.run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-w", "-t", "60",
                "-l", dir.resolve("log").toString(), "-o", "-p " + port + " -k " + dir
                        + " -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off", "start"), true);
        return pg;
    }

    /** The newest version's bin directory under /usr/lib/postgresql. */
    private static Path binaries() {
        File[] versions = new File("/usr/lib/postgresql").listFiles(f -> new File(f, "bin/initdb").canExecute());
        if (versions == null || versions.length == 0) {
            throw new IllegalStateException("no PostgreSQL server on this machine (/usr/lib/postgresql/*/bin/initdb): "
                    + "run .ci/ensure-postgresql.sh, which installs Debian's postgresql");
        }
        return Arrays.stream(versions).max(Comparator.comparing(f -> Integer.parseInt(f.getName().replaceAll("\\D",
                "0")))).orElseThrow().toPath().resolve("bin");
    }

    private static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres && root()) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(command);
        Process p = new ProcessBuilder(full).redirectErrorStream(true).redirectOutput(dir.resolve("cmd.log").toFile())
                .directory(dir.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            String log = Files.exists(dir.resolve("log")) ? Files.readString(dir.resolve("log")) : "";
            throw new IOException(String.join(" ", full) + " failed: " + Files.readString(dir.resolve("cmd.log"))
                    + log);
        }
    }

    public int port() {
        return port;
    }

    /** The server's database {@code postgres}, as user {@code postgres} (trusted, no password). */
    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
    }

    /** A connection through the PostgreSQL driver on the test's class path. */
    public Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl());
    }

    /** Stops the server at once (mode fast) and removes its directory. */
    @Override
    public void close() throws IOException, InterruptedException {
        try {
            run(List.of(bin.resolve("pg_ctl").toString(), "-D", dir.resolve("data").toString(), "-m", "fast", "-w",
                    "stop"), true);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
