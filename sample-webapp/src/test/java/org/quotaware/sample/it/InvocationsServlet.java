package org.quotaware.sample.it;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;


import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.metrics.MetricDescriptor;
import com.hazelcast.internal.metrics.collectors.MetricsCollector;
import com.hazelcast.map.LocalMapStats;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.quotaware.config.ClusterSettings;

/**
 * Only in the cluster test's WAR, outside {@code /api/*}: "invocations gets puts", the Hazelcast invocations this
 * member has started so far, as the benchmarks' {@code RoundTrips} counts them (the probe
 * {@code operation.invocations.lastCallId}: one call id per invocation that expects an answer, awaited or not), then
 * the reads and the writes of the quota map's entries this member owns.
 */
@WebServlet("/it/invocations")
public class InvocationsServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HazelcastInstance hz = PayaraHazelcast.instance();
        AtomicLong calls = new AtomicLong();
        ((HazelcastInstanceProxy) hz).getOriginal().node.getNodeEngine().getMetricsRegistry().collect(
                new MetricsCollector() {
                    @Override
                    public void collectLong(MetricDescriptor d, long value) {
                        if ("operation.invocations".equals(d.prefix()) && "lastCallId".equals(d.metric())) {
                            calls.addAndGet(value);
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
        response.setContentType("text/plain");
        // Hazelcast counts these on the member that owns the entries: a processor's write is a put
        LocalMapStats users = hz.getMap(ClusterSettings.defaultUsersMap(ClusterSettings.nameOf(request.getContextPath()))).getLocalMapStats();
        response.getWriter().print(calls.get() + " " + users.getGetOperationCount() + " "
                + users.getPutOperationCount());
    }
}
