package org.quotaware.sample.it;

import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link PriceListApiChecks} on a server that exports OpenTelemetry metrics (MicroProfile Telemetry 2), to an
 * {@link OtlpReceiver} the subclass points the server at; then the same figures arrive there, exactly. Bob (premium)
 * is used by {@code thePremiumKeyGetsTwiceAsMany} alone: 60 uploads admitted by the filter and by {@code @Quota}, and
 * one refused by the filter for rpm. Where the server has MicroProfile Metrics too, its {@code /metrics} says the same.
 */
abstract class TelemetryChecks extends PriceListApiChecks {

    static final Duration PATIENCE = Duration.ofSeconds(30);
    static final String UPLOAD = "org.quotaware.sample.rest.PriceListResource#upload";

    /** The receiver the server exports to, started before it. */
    protected abstract OtlpReceiver receiver();

    /** The server's MicroProfile Metrics endpoint, empty where it has none. */
    protected abstract Optional<String> microProfileMetrics();

    /** The store mode the sample decides in on this server. */
    protected abstract String storeMode();

    @Test
    @Order(21)
    void theQuotaFiguresArePublishedThroughOpenTelemetry() throws Exception {
        OtlpReceiver otel = receiver();
        String premium = "method=none,outcome=%s,tier=premium";
        assertThat(otel.await("quotaware.decisions{" + premium.formatted("allowed") + "}", v -> v == 60, PATIENCE))
                .isEqualTo(60);
        assertThat(otel.await("quotaware.decisions{method=" + UPLOAD + ",outcome=allowed,tier=premium}",
                v -> v == 60, PATIENCE)).isEqualTo(60);
        assertThat(otel.await("quotaware.decisions{" + premium.formatted("denied") + "}", v -> v == 1, PATIENCE))
                .isEqualTo(1);
        assertThat(otel.await("quotaware.denials{reason=rpm,tier=premium}", v -> v == 1, PATIENCE)).isEqualTo(1);
        assertThat(otel.await("quotaware.decision.duration{outcome=allowed}", v -> v >= 120, PATIENCE))
                .isGreaterThanOrEqualTo(120);
        assertThat(otel.await("quotaware.tasks.active{}", v -> v == 0, PATIENCE)).isZero();
        assertThat(otel.await("quotaware.tasks.queued{}", v -> v == 0, PATIENCE)).isZero();
        assertThat(otel.await("quotaware.users.tracked{}", v -> v >= 3, PATIENCE)).isGreaterThanOrEqualTo(3);
        assertThat(otel.await("quotaware.store.mode{mode=" + storeMode() + "}", v -> v == 1, PATIENCE)).isEqualTo(1);
        assertThat(otel.await("quotaware.protection.level{}", v -> v == 0, PATIENCE)).isZero();
        assertThat(otel.await("quotaware.capacity.actual{}", v -> v > 0, PATIENCE)).isPositive();
        assertThat(otel.await("quotaware.capacity.desired{}", v -> v > 0, PATIENCE)).isPositive();

        Optional<String> metrics = microProfileMetrics();
        if (metrics.isPresent()) {
            // MicroProfile Metrics beside it, fed by the same decisions
            String text = send(HttpRequest.newBuilder(java.net.URI.create(metrics.get()))
                    .timeout(Duration.ofSeconds(30)).build()).body();
            assertThat(sample(text, "quotaware_decisions_total", "method=\"none\"", "outcome=\"allowed\"",
                    "tier=\"premium\"")).as(text).hasValue(60.0);
            assertThat(sample(text, "quotaware_decisions_total", "method=\"" + UPLOAD + "\"", "outcome=\"allowed\"",
                    "tier=\"premium\"")).hasValue(60.0);
            assertThat(sample(text, "quotaware_denials_total", "reason=\"rpm\"", "tier=\"premium\"")).hasValue(1.0);
        }
    }

    /** The value of the first Prometheus sample of {@code name} whose labels contain every one of {@code labels}. */
    static Optional<Double> sample(String prometheus, String name, String... labels) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})?\\s+(\\S+)").matcher(prometheus);
        while (m.find()) {
            String found = m.group(1) == null ? "" : m.group(1);
            boolean all = true;
            for (String l : labels) {
                all &= found.contains(l);
            }
            if (all) {
                return Optional.of(Double.parseDouble(m.group(2)));
            }
        }
        return Optional.empty();
    }
}
