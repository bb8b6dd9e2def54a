package org.quotaware.cdi.ops;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;

import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.asset.EmptyAsset;
import org.jboss.shrinkwrap.api.exporter.ZipExporter;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.quotaware.testing.PayaraMicro;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code quotaware.admin.enabled=true} without a role or a key fails the deployment with a message naming the keys. */
class BadAdminDeploymentIT {

    @Test
    void theAdminApiEnabledWithoutRoleOrKeyFailsTheDeployment() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "bad-admin"));
        File war = work.resolve("bad-admin.war").toFile();
        ShrinkWrap.create(WebArchive.class, "bad-admin.war")
                .addClasses(OpsApplication.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsResource(new File("src/test/resources/ops/bad-admin.properties"),
                        "META-INF/microprofile-config.properties")
                .addAsLibraries(new File(System.getProperty("it.libs", "target/it-libs"))
                        .listFiles((dir, name) -> name.endsWith(".jar")))
                .as(ZipExporter.class).exportTo(war, true);
        try (PayaraMicro payara = PayaraMicro.start("bad-admin", PayaraMicro.jar(), war.toPath(), work, List.of(),
                List.of("--nocluster", "--port", "18091"))) {
            assertThat(payara.awaitLog(Pattern.compile("Payara Micro .* ready in|Deployment failed|FAILED"),
                    Duration.ofMinutes(3))).as("payara finished starting").isTrue();
            assertThat(payara.log()).contains("quotaware.admin.enabled: enabled must be false unless "
                    + "quotaware.admin.role (a role checked with SecurityContext.isUserInRole) or quotaware.admin.key");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:18091/api/quota/me")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("the application is not served").isEqualTo(404);
        }
    }
}
