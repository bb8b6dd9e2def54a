package org.quotaware.cdi.it;

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

/** A bad {@code @Quota} fails the deployment in a real Payara Micro, and the message names class, method and problem. */
class BadQuotaDeploymentIT {

    @Test
    void aBadQuotaFailsTheDeploymentNamingClassMethodAndProblem() throws Exception {
        Path work = Files.createDirectories(Path.of("target", "bad-quota"));
        File war = work.resolve("bad-quota.war").toFile();
        ShrinkWrap.create(WebArchive.class, "bad-quota.war")
                .addClasses(TestApplication.class, BadResource.class)
                .addAsWebInfResource(EmptyAsset.INSTANCE, "beans.xml")
                .addAsLibraries(new File(System.getProperty("it.libs", "target/it-libs"))
                        .listFiles((dir, name) -> name.endsWith(".jar")))
                .as(ZipExporter.class).exportTo(war, true);
        try (PayaraMicro payara = PayaraMicro.start("bad", PayaraMicro.jar(), war.toPath(), work, List.of(),
                List.of("--nocluster", "--port", "18090"))) {
            assertThat(payara.awaitLog(Pattern.compile("Payara Micro .* ready in|Deployment failed|FAILED"),
                    Duration.ofMinutes(3))).as("payara finished starting").isTrue();
            String log = payara.log();
            assertThat(log).contains("@Quota on org.quotaware.cdi.it.BadResource#call(): tier must be empty "
                    + "(the caller's own quota) or one of the tiers [default], was gold");
            assertThat(log).contains("@Quota on org.quotaware.cdi.it.BadResource#negative(): cost must be between 0 "
                    + "and 1000000, was -1");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:18090/api/bad")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("the application is not served").isEqualTo(404);
            assertThat(r.body()).doesNotContain("should never be served");
        }
    }
}
