package org.quotaware.sample.it;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoublePredicate;
import java.util.zip.GZIPInputStream;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceResponse;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;

/**
 * What an OpenTelemetry collector receives: an OTLP/HTTP endpoint ({@code POST /v1/metrics}, protobuf) on a free
 * loopback port, keeping the last value of each series of the instrumentation scope {@code org.quotaware}. Sums and
 * gauges keep their value; a histogram keeps its count. Series are named {@code name{key=value,...}}, keys sorted.
 */
final class OtlpReceiver implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, Double> last = new ConcurrentHashMap<>();
    private final AtomicInteger exports = new AtomicInteger();

    OtlpReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/metrics", this::receive);
        server.setExecutor(Executors.newSingleThreadExecutor());
        server.start();
    }

    /** What to give {@code otel.exporter.otlp.endpoint}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The system properties that make a server's OpenTelemetry SDK export its metrics here every second. */
    Map<String, String> exporterProperties() {
        Map<String, String> p = new TreeMap<>();
        p.put("otel.sdk.disabled", "false");
        p.put("otel.metrics.exporter", "otlp");
        p.put("otel.traces.exporter", "none");
        p.put("otel.logs.exporter", "none");
        p.put("otel.exporter.otlp.protocol", "http/protobuf");
        p.put("otel.exporter.otlp.endpoint", endpoint());
        p.put("otel.metric.export.interval", "1000");
        return p;
    }

    private void receive(HttpExchange exchange) throws IOException {
        try (exchange; InputStream raw = exchange.getRequestBody()) {
            InputStream body = "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    ? new GZIPInputStream(raw) : raw;
            ExportMetricsServiceRequest request = ExportMetricsServiceRequest.parseFrom(body);
            for (ResourceMetrics resource : request.getResourceMetricsList()) {
                for (ScopeMetrics scope : resource.getScopeMetricsList()) {
                    if (scope.getScope().getName().equals("org.quotaware")) {
                        scope.getMetricsList().forEach(this::keep);
                    }
                }
            }
            exports.incrementAndGet();
            byte[] answer = ExportMetricsServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
        }
    }

    private void keep(Metric m) {
        switch (m.getDataCase()) {
            case SUM -> m.getSum().getDataPointsList().forEach(p -> last.put(series(m, p.getAttributesList()),
                    value(p)));
            case GAUGE -> m.getGauge().getDataPointsList().forEach(p -> last.put(series(m, p.getAttributesList()),
                    value(p)));
            case HISTOGRAM -> m.getHistogram().getDataPointsList().forEach(p -> last.put(series(m,
                    p.getAttributesList()), (double) p.getCount()));
            default -> { }
        }
    }

    private static double value(NumberDataPoint p) {
        return p.getValueCase() == NumberDataPoint.ValueCase.AS_INT ? p.getAsInt() : p.getAsDouble();
    }

    private static String series(Metric m, java.util.List<KeyValue> attributes) {
        Map<String, String> sorted = new TreeMap<>();
        attributes.forEach(kv -> sorted.put(kv.getKey(), kv.getValue().getStringValue()));
        StringBuilder s = new StringBuilder(m.getName()).append('{');
        sorted.forEach((k, v) -> s.append(s.charAt(s.length() - 1) == '{' ? "" : ",").append(k).append('=').append(v));
        return s.append('}').toString();
    }

    /**
     * Waits until the series has a value that passes {@code expected} and returns it; fails naming what arrived.
     *
     * @param series {@code name{key=value,...}}, keys sorted
     */
    double await(String series, DoublePredicate expected, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Double v = last.get(series);
            if (v != null && expected.test(v)) {
                return v;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(series + " did not arrive as expected within " + timeout + " (" + exports.get()
                + " exports); last value " + last.get(series) + "; received " + new TreeMap<>(last).keySet());
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
