package org.quotaware.servlet;

import java.util.EnumSet;
import java.util.List;
import java.util.Map;

import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quotaware.InvalidQuotaConfigException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A filter with a manager of its own and {@code metrics=opentelemetry}, declared by init-params in a real Jetty:
 * every decision and the task gauges reach the application's {@code GlobalOpenTelemetry}, exactly, and the gauges
 * stop when the filter is destroyed.
 */
class QuotaFilterTelemetryTest {

    private final InMemoryMetricReader reader = InMemoryMetricReader.create();
    private JettyServer jetty;

    @BeforeEach
    void globalOpenTelemetry() {
        GlobalOpenTelemetry.resetForTest();
        GlobalOpenTelemetry.set(OpenTelemetrySdk.builder()
                .setMeterProvider(SdkMeterProvider.builder().registerMetricReader(reader).build()).build());
    }

    @AfterEach
    void stop() {
        if (jetty != null) {
            jetty.close();
        }
        GlobalOpenTelemetry.resetForTest();
    }

    private RawHttp start(Map<String, String> params) throws Exception {
        FilterHolder holder = new FilterHolder(new QuotaFilter());
        holder.setAsyncSupported(true);
        holder.setInitParameters(params);
        jetty = new JettyServer().servlet("/*", new TestServlets.Ok());
        jetty.context().addFilter(holder, "/*", EnumSet.of(DispatcherType.REQUEST, DispatcherType.ASYNC));
        jetty.start();
        return new RawHttp(jetty.port());
    }

    @Test
    void everyDecisionAndTheTaskGaugesArePublished() throws Exception {
        RawHttp http = start(Map.of("metrics", "opentelemetry", "default.requests-per-minute", "3",
                "identity.api-keys", "k-ann=ann"));

        for (int i = 0; i < 5; i++) {
            assertThat(http.get("/app/x", "X-API-Key: k-ann").status()).isEqualTo(i < 3 ? 200 : 429);
        }

        List<MetricData> metrics = List.copyOf(reader.collectAllMetrics());
        assertThat(sum(metrics, "quotaware.decisions", Attributes.builder().put("outcome", "allowed")
                .put("tier", "default").put("method", "none").build())).isEqualTo(3);
        assertThat(sum(metrics, "quotaware.decisions", Attributes.builder().put("outcome", "denied")
                .put("tier", "default").put("method", "none").build())).isEqualTo(2);
        assertThat(sum(metrics, "quotaware.denials", Attributes.builder().put("reason", "rpm")
                .put("tier", "default").build())).isEqualTo(2);
        MetricData duration = metric(metrics, "quotaware.decision.duration");
        assertThat(duration.getUnit()).isEqualTo("s");
        assertThat(duration.getHistogramData().getPoints()).extracting(p -> p.getCount()).containsExactlyInAnyOrder(3L,
                2L);
        assertThat(gauge(metrics, "quotaware.tasks.active")).isZero();
        assertThat(gauge(metrics, "quotaware.tasks.queued")).isZero();
        assertThat(gauge(metrics, "quotaware.users.tracked")).isEqualTo(1);
        assertThat(metric(metrics, "quotaware.decisions").getInstrumentationScopeInfo().getName())
                .isEqualTo("org.quotaware");

        jetty.close();
        jetty = null;
        assertThat(reader.collectAllMetrics()).extracting(MetricData::getName)
                .as("the gauges stop with the filter").doesNotContain("quotaware.tasks.active");
    }

    @Test
    void offByDefaultAndAnUnknownValueIsRefusedNamingTheKey() throws Exception {
        RawHttp http = start(Map.of("default.requests-per-minute", "3"));
        assertThat(http.get("/app/x").status()).isEqualTo(200);
        assertThat(reader.collectAllMetrics()).isEmpty();

        assertThatThrownBy(() -> FilterSettings.parse(Map.of("metrics", "prometheus")))
                .isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("metrics: metrics must be off or opentelemetry, was prometheus");
    }

    private static MetricData metric(List<MetricData> metrics, String name) {
        return metrics.stream().filter(m -> m.getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError(name + " not published: " + metrics));
    }

    private static long sum(List<MetricData> metrics, String name, Attributes attributes) {
        return metric(metrics, name).getLongSumData().getPoints().stream()
                .filter(p -> p.getAttributes().equals(attributes)).mapToLong(LongPointData::getValue).sum();
    }

    private static long gauge(List<MetricData> metrics, String name) {
        return metric(metrics, name).getLongGaugeData().getPoints().stream()
                .filter(p -> p.getAttributes().isEmpty()).findFirst().orElseThrow().getValue();
    }

}
