package org.quotaware.sample.it;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Open Liberty or WildFly in its own JVM, unpacked from Maven Central by the build ({@code liberty.home},
 * {@code wildfly.home}), with the sample WAR deployed at {@code /sample-webapp/}: started by the test, stopped by
 * {@link #close()} with everything it started. Each runs on the test's JDK, with the system properties given.
 */
final class AppServer implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;
    private final URL base;

    private AppServer(String name, Process process, Path log, URL base) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.base = base;
    }

    /**
     * Open Liberty with the features the sample needs and no more (docs/servers.md; webProfile-10.0 works too, but
     * resolving and installing its features takes a fresh server a minute longer): Servlet, CDI, REST, JSON-P and -B,
     * Concurrency, MicroProfile Config, Health, Metrics and Telemetry, on {@code port}.
     */
    static AppServer openLiberty(Path war, int port, Map<String, String> properties) throws Exception {
        Path home = home("liberty.home");
        Path server = home.resolve("usr/servers/quotaware-it");
        delete(server);
        Files.createDirectories(server.resolve("dropins"));
        Files.writeString(server.resolve("server.xml"), """
                <server description="quotaware integration tests">
                  <featureManager>
                    <feature>servlet-6.0</feature>
                    <feature>cdi-4.0</feature>
                    <feature>restfulWS-3.1</feature>
                    <feature>jsonp-2.1</feature>
                    <feature>jsonb-3.0</feature>
                    <feature>concurrent-3.0</feature>
                    <feature>mpConfig-3.1</feature>
                    <feature>mpHealth-4.0</feature>
                    <feature>mpMetrics-5.1</feature>
                    <feature>mpTelemetry-2.1</feature>
                  </featureManager>
                  <httpEndpoint id="defaultHttpEndpoint" host="127.0.0.1" httpPort="%d" httpsPort="-1"/>
                  <mpMetrics authentication="false"/>
                </server>
                """.formatted(port));
        StringBuilder bootstrap = new StringBuilder();
        properties.forEach((k, v) -> bootstrap.append(k).append('=').append(v).append('\n'));
        Files.writeString(server.resolve("bootstrap.properties"), bootstrap);
        Files.copy(war, server.resolve("dropins/sample-webapp.war"), StandardCopyOption.REPLACE_EXISTING);
        Path log = server.resolve("logs/messages.log");
        Process p = start(List.of("bash", home.resolve("bin/server").toString(), "run", "quotaware-it"), home,
                server.resolve("console.log"));
        // the application starts before the HTTP port listens; the server is ready once both are
        return new AppServer("Open Liberty", p, log, url(port)).ready(
                Pattern.compile("(?s)(?=.*CWWKZ0001I: Application sample-webapp started).*CWWKF0011I"),
                Pattern.compile("CWWKZ0002E|CWWKZ0012I|CWWKE0005E|CWWKF0001E"));
    }

    /** WildFly with its MicroProfile configuration (standalone-microprofile.xml), every port moved by {@code offset}. */
    static AppServer wildFly(Path war, int offset, Map<String, String> properties) throws Exception {
        Path home = home("wildfly.home");
        Path standalone = home.resolve("standalone");
        for (String dir : List.of("data", "tmp", "log", "deployments")) {
            delete(standalone.resolve(dir));
        }
        Files.createDirectories(standalone.resolve("deployments"));
        // Undertow refuses a body over its max-post-size (10 MB) with a bare 400 before the application sees it: let
        // the filter answer for the tiers' file sizes (docs/servers.md shows the CLI command that does the same)
        Path config = standalone.resolve("configuration/standalone-microprofile.xml");
        String xml = Files.readString(config);
        if (!xml.contains("max-post-size")) {
            Files.writeString(config, xml.replace("<http-listener name=\"default\" ",
                    "<http-listener name=\"default\" max-post-size=\"104857600\" "));
        }
        Files.copy(war, standalone.resolve("deployments/sample-webapp.war"));
        List<String> cmd = new ArrayList<>(List.of("bash", home.resolve("bin/standalone.sh").toString(), "-c",
                "standalone-microprofile.xml", "-b", "127.0.0.1", "-bmanagement", "127.0.0.1",
                "-Djboss.socket.binding.port-offset=" + offset));
        properties.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        Path log = Files.createDirectories(home.resolve("it")).resolve("console.log");
        Process p = start(cmd, home, log);
        return new AppServer("WildFly", p, log, url(8080 + offset)).ready(
                Pattern.compile("WFLYSRV0010: Deployed \"sample-webapp.war\""),
                Pattern.compile("WFLYSRV0026|WFLYCTL0186|WFLYSRV0021|WFLYCTL0013"));
    }

    /** Runs a server's script through bash: the build's unpacking may leave it without its executable bit. */
    private static Process start(List<String> cmd, Path home, Path output) throws IOException {
        ProcessBuilder b = new ProcessBuilder(cmd).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile());
        b.environment().put("JAVA_HOME", System.getProperty("java.home"));
        // standalone.sh then forwards a SIGTERM to its JVM and waits for it
        b.environment().put("LAUNCH_JBOSS_IN_BACKGROUND", "1");
        return b.start();
    }

    /** The application's root, {@code http://127.0.0.1:<port>/sample-webapp/}. */
    URL base() {
        return base;
    }

    private static URL url(int port) throws Exception {
        return URI.create("http://127.0.0.1:" + port + "/sample-webapp/").toURL();
    }

    /** This server once its log says {@code ready}; stopped, and the failure thrown, when it says {@code failed}. */
    private AppServer ready(Pattern ready, Pattern failed) throws Exception {
        try {
            awaitLog(ready, failed);
            return this;
        } catch (Exception | Error e) {
            close(); // a server that did not come up is stopped here: no test class holds it to stop it later
            throw e;
        }
    }

    private void awaitLog(Pattern ready, Pattern failed) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            String text = log();
            if (failed.matcher(text).find()) {
                throw new IllegalStateException(name + " did not deploy the sample:\n" + tail(text));
            }
            if (ready.matcher(text).find()) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " ended before the sample was deployed:\n" + tail(text));
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException(name + " did not deploy the sample within 3 minutes:\n" + tail(log()));
    }

    String log() throws IOException {
        return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    }

    private static String tail(String text) {
        String[] lines = text.split("\n");
        return String.join("\n", List.of(lines).subList(Math.max(0, lines.length - 60), lines.length));
    }

    private static Path home(String property) {
        String home = System.getProperty(property);
        if (home == null || !Files.isDirectory(Path.of(home))) {
            throw new IllegalStateException("system property " + property + " must name the server the build "
                    + "unpacked, was " + home);
        }
        return Path.of(home);
    }

    private static void delete(Path dir) throws IOException {
        if (Files.exists(dir)) {
            try (Stream<Path> old = Files.walk(dir)) {
                old.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Stops the server and every process it started: SIGTERM, then SIGKILL after 30 s. */
    @Override
    public void close() throws InterruptedException {
        List<ProcessHandle> all = new ArrayList<>(process.descendants().toList());
        all.forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }
}
