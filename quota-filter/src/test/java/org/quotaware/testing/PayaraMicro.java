package org.quotaware.testing;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Payara Micro in its own JVM, for the tests Arquillian cannot express: a deployment that must fail, a cluster
 * of two members, a member killed mid-run. Its output goes to a log file the test reads; {@link #close()} always
 * stops it, so no JVM is left behind.
 */
public final class PayaraMicro implements AutoCloseable {

    private final Process process;
    private final Path log;
    private final String name;

    private PayaraMicro(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    /**
     * Starts {@code java [jvmOptions] -jar payaraJar --deploy war --contextroot / [microOptions]} with its own root
     * directory under {@code workDir}, emptied first.
     */
    public static PayaraMicro start(String name, Path payaraJar, Path war, Path workDir, List<String> jvmOptions,
                                    List<String> microOptions) throws IOException {
        return start(name, payaraJar, war, workDir, jvmOptions, microOptions, Map.of());
    }

    /** As {@link #start(String, Path, Path, Path, List, List)}, with these variables added to its environment. */
    public static PayaraMicro start(String name, Path payaraJar, Path war, Path workDir, List<String> jvmOptions,
                                    List<String> microOptions, Map<String, String> environment) throws IOException {
        // a fresh root each time: Payara Micro 7 does not start on a root Payara Micro 6 left (the same test runs
        // on both), and any Payara deploys again what its root holds
        clean(workDir, name);
        Path root = Files.createDirectories(workDir.resolve(name)).toAbsolutePath();
        Path log = root.resolve("payara.log");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("-Xmx384m");
        cmd.addAll(jvmOptions);
        cmd.addAll(List.of("-jar", payaraJar.toAbsolutePath().toString(), "--deploy", war.toAbsolutePath().toString(), "--contextroot", "/",
                "--rootdir", root.resolve("runtime").toString()));
        cmd.addAll(microOptions);
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .directory(root.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        return new PayaraMicro(name, p, log);
    }

    /**
     * Deletes {@code workDir/name}, what an earlier run left: Payara Micro deploys again whatever its root holds, which
     * would log everything twice.
     */
    public static void clean(Path workDir, String name) throws IOException {
        Path root = workDir.resolve(name);
        if (Files.exists(root)) {
            try (Stream<Path> old = Files.walk(root)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Waits until the log matches {@code pattern}; false when the time ran out or the JVM ended first. */
    public boolean awaitLog(Pattern pattern, Duration timeout) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (pattern.matcher(log()).find()) {
                return true;
            }
            if (!process.isAlive()) {
                return pattern.matcher(log()).find();
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** Waits for "Payara Micro ... ready", failing with the log's tail when it does not come. */
    public PayaraMicro awaitReady(Duration timeout) throws IOException, InterruptedException {
        if (!awaitLog(Pattern.compile("Payara Micro .* ready in"), timeout)) {
            throw new IllegalStateException(name + " did not start within " + timeout + ":\n" + tail(60));
        }
        return this;
    }

    public String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    /** The last {@code lines} lines of the log, for failure messages. */
    public String tail(int lines) throws IOException {
        String[] all = log().split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    /** Kills the JVM at once (SIGKILL): a member that dies without saying goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** Stops the JVM (SIGTERM, then SIGKILL after 20 s). */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                kill();
            }
        }
    }

    /** The Payara Micro jar the build copied next to the module's classes ({@code payara.microJar}). */
    public static Path jar() {
        String path = System.getProperty("payara.microJar");
        if (path == null || !new File(path).isFile()) {
            throw new IllegalStateException("system property payara.microJar must name the Payara Micro jar, was "
                    + path);
        }
        return Path.of(path);
    }
}
