package org.quotaware.sample.it;

import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.quotaware.testing.PayaraMicro;

/**
 * The sample WAR as built on Payara Micro 7 (MicroProfile 7.1: Telemetry 2.1 with metrics, and MicroProfile Metrics
 * still offered; the failsafe execution {@code payara-7} names the jar and runs it on a JDK 21 or newer):
 * {@link PriceListApiChecks}, then the figures through OpenTelemetry and MicroProfile Metrics alike, then
 * {@link TenantTokenChecks} (the public key given as a system property), then {@link CpuBudgetChecks}. Payara Micro 6
 * has MicroProfile Telemetry 1.1, tracing only, so this class runs on 7 alone. Port 18099, no cluster.
 */
class PayaraTelemetryIT extends TelemetryChecks implements TenantTokenChecks, CpuBudgetChecks {

    private static final int PORT = 18099;
    private static OtlpReceiver receiver;
    private static PayaraMicro payara;

    @BeforeAll
    static void start() throws Exception {
        receiver = new OtlpReceiver();
        List<String> jvm = new ArrayList<>();
        receiver.exporterProperties().forEach((k, v) -> jvm.add("-D" + k + "=" + v));
        jvm.add("-Dquotaware.protection.enabled=false"); // two cores, Maven and two JVMs: never shed the test
        jvm.add("-Dmp.jwt.verify.publickey=" + SignedTokens.publicKey()); // this run's key, as a deployment gives it
        Path work = Files.createDirectories(Path.of("target", "payara-telemetry-it"));
        PayaraMicro.clean(work, "single");
        payara = PayaraMicro.start("single", PayaraMicro.jar(), Path.of(System.getProperty("sample.war")), work, jvm,
                List.of("--nocluster", "--port", Integer.toString(PORT)));
        payara.awaitReady(Duration.ofMinutes(3));
    }

    @AfterAll
    static void stop() throws Exception {
        if (payara != null) {
            payara.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Override
    public URL base() {
        try {
            return URI.create("http://127.0.0.1:" + PORT + "/").toURL();
        } catch (java.net.MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    protected OtlpReceiver receiver() {
        return receiver;
    }

    @Override
    protected Optional<String> microProfileMetrics() {
        return Optional.of("http://127.0.0.1:" + PORT + "/metrics?scope=application");
    }

    @Override
    protected String storeMode() {
        return "DISTRIBUTED";
    }
}
