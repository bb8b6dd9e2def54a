package org.quotaware.redis;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.QuotaTiers;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.spi.QuotaStore;
import org.quotaware.store.CompareAndSetStore;
import org.quotaware.store.QuotaStoreUnavailableException;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * {@code rediss://} against a real redis-server that speaks TLS only, with a certificate made for 127.0.0.1 by the
 * test (openssl): trusted through the JVM's trust store ({@code javax.net.ssl.trustStore}), the store decides exactly;
 * not trusted, there is no connection (the certificate is verified, not merely accepted).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RedisTlsTest {

    private static Path certificates;
    private static RedisServer redis;
    private final MutableClock clock = new MutableClock();
    private final List<QuotaStore> stores = new ArrayList<>();

    @BeforeAll
    static void startRedis() throws Exception {
        certificates = Files.createTempDirectory("quotaware-redis-tls");
        Path cert = certificates.resolve("redis.crt");
        Path key = certificates.resolve("redis.key");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", key.toString(),
                "-out", cert.toString()).redirectErrorStream(true)
                .redirectOutput(certificates.resolve("openssl.log").toFile()).start();
        assertThat(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0)
                .as("openssl made the certificate: %s", Files.readString(certificates.resolve("openssl.log")))
                .isTrue();
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            trust.setCertificateEntry("redis", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        try (OutputStream out = Files.newOutputStream(certificates.resolve("trust.p12"))) {
            trust.store(out, "changeit".toCharArray());
        }
        redis = RedisServer.tls(cert, key);
    }

    @AfterAll
    static void stopRedis() throws Exception {
        redis.close();
        try (Stream<Path> files = Files.walk(certificates)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @AfterEach
    void close() {
        stores.forEach(QuotaStore::close);
        System.clearProperty("javax.net.ssl.trustStore");
        System.clearProperty("javax.net.ssl.trustStorePassword");
        System.clearProperty("javax.net.ssl.trustStoreType");
    }

    private CompareAndSetStore store(String application) {
        CompareAndSetStore s = Decisions.store("rediss://127.0.0.1:" + redis.port(), application, Map.of(),
                clock::millis);
        stores.add(s);
        return s;
    }

    @Test
    void trustedTheStoreDecidesExactlyOverTls() {
        System.setProperty("javax.net.ssl.trustStore", certificates.resolve("trust.p12").toString());
        System.setProperty("javax.net.ssl.trustStorePassword", "changeit");
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
        CompareAndSetStore s = store("tls");
        Decisions.fiveAdmittedThenRefused(s, "user:ann");
        assertThat(s.trackedUsers()).isEqualTo(1);
    }

    @Test
    void aCertificateTheJvmDoesNotTrustIsNoConnection() {
        CompareAndSetStore s = store("tls-untrusted");
        DefaultQuotaManager m = DefaultQuotaManager.builder().store(s).tiers(new QuotaTiers(QuotaLimits.defaults()))
                .build();
        Throwable t = catchThrowable(() -> m.acquire("user:eve", QuotaRequest.request()));
        assertThat(t).isInstanceOf(QuotaStoreUnavailableException.class).hasMessageContaining("no connection");
    }
}
