package org.quotaware.benchmarks;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.internal.metrics.MetricDescriptor;
import com.hazelcast.internal.metrics.collectors.MetricsCollector;

/**
 * Counts what one distributed decision costs on the wire: the invocations the calling member starts (Hazelcast's
 * call-id sequence, one per request that waits for a response) and the bytes it sends and receives, over many
 * sequential decisions on users owned by the other member. Prints one JSON object per contender. Internal Hazelcast
 * API, read only.
 */
public final class RoundTrips {

    private RoundTrips() {
    }

    public static void main(String[] args) throws Exception {
        int decisions = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        Map<String, String> out = new LinkedHashMap<>();
        for (String limiter : new String[] {"quotaware-decision", "quotaware-slot", "quotaware-allowance", "bucket4j-1",
                "bucket4j-3"}) {
            try (TwoMemberCluster cluster = new TwoMemberCluster()) {
                String[] keys = cluster.remoteKeys(ClusterBenchmark.USERS);
                Contender c = ClusterBenchmark.create(limiter, cluster);
                for (int i = 0; i < 2 * keys.length; i++) { // warm up and create every entry
                    c.decide(keys[i % keys.length]);
                }
                Node node = ((HazelcastInstanceProxy) cluster.caller()).getOriginal().node;
                Map<String, Long> before = probes(node);
                for (int i = 0; i < decisions; i++) {
                    c.decide(keys[i % keys.length]);
                }
                Map<String, Long> after = probes(node);
                double calls = delta(before, after, "operation.invocations.lastCallId") / decisions;
                double framesOut = delta(before, after, "tcp.outputThread.framesTransceived") / decisions;
                double framesIn = delta(before, after, "tcp.inputThread.framesTransceived") / decisions;
                double bytesOut = delta(before, after, "tcp.outputThread.bytesTransceived") / decisions;
                double bytesIn = delta(before, after, "tcp.inputThread.bytesTransceived") / decisions;
                out.put(limiter, String.format(Locale.ROOT, "{\"invocations\": %.3f, \"framesSent\": %.3f, "
                        + "\"framesReceived\": %.3f, \"bytesSent\": %.1f, \"bytesReceived\": %.1f}",
                        calls, framesOut, framesIn, bytesOut, bytesIn));
            }
        }
        StringBuilder json = new StringBuilder("{\n");
        out.forEach((k, v) -> json.append("  \"").append(k).append("\": ").append(v).append(",\n"));
        json.setLength(json.length() - 2);
        System.out.println(json.append("\n}"));
    }

    private static double delta(Map<String, Long> before, Map<String, Long> after, String metric) {
        return after.getOrDefault(metric, 0L) - before.getOrDefault(metric, 0L);
    }

    /**
     * The calling member's probes, summed over threads: {@code operation.invocations.lastCallId} (call ids handed
     * out, one per invocation that waits for a response) and the TCP frames and bytes its I/O threads moved.
     */
    private static Map<String, Long> probes(Node node) {
        Map<String, Long> sums = new HashMap<>();
        node.getNodeEngine().getMetricsRegistry().collect(new MetricsCollector() {
            @Override
            public void collectLong(MetricDescriptor d, long value) {
                String m = d.prefix() == null ? d.metric() : d.prefix() + "." + d.metric();
                if (m != null && (m.equals("operation.invocations.lastCallId") || m.startsWith("tcp.outputThread.")
                        || m.startsWith("tcp.inputThread."))) {
                    sums.merge(m, value, Long::sum);
                }
            }

            @Override
            public void collectDouble(MetricDescriptor d, double value) {
            }

            @Override
            public void collectException(MetricDescriptor d, Exception e) {
            }

            @Override
            public void collectNoValue(MetricDescriptor d) {
            }
        });
        if (!sums.containsKey("operation.invocations.lastCallId")) {
            throw new IllegalStateException("no operation.invocations.lastCallId probe in this Hazelcast version");
        }
        return sums;
    }
}
