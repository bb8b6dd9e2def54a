package org.quotaware.benchmarks.payara;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.impl.HazelcastInstanceImpl;
import com.hazelcast.instance.impl.HazelcastInstanceProxy;
import com.hazelcast.internal.metrics.MetricDescriptor;
import com.hazelcast.internal.metrics.collectors.MetricsCollector;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Only in the copies of the sample WAR that {@code benchmarks/http.sh} measures, never in the sample's own: answers
 * this member's Hazelcast invocation count ({@code operation.invocations.lastCallId}: one call id per invocation that
 * waits for a response, local or remote) as plain text, so the script can divide its growth over a round by the
 * requests the round answered. Outside {@code /api/*}: no quota counts it. {@code none} when the member runs without
 * Hazelcast. Internal Hazelcast API, read only (as {@code RoundTrips} reads it).
 */
@WebServlet("/bench/hazelcast-invocations")
public class HazelcastProbeServlet extends HttpServlet {

    private static final String CALL_IDS = "operation.invocations.lastCallId";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setContentType("text/plain");
        HazelcastInstanceImpl hz = payaras();
        response.getWriter().print(hz == null ? "none" : String.valueOf(callIds(hz)));
    }

    private static HazelcastInstanceImpl payaras() {
        try {
            Object found = new InitialContext().lookup("payara/Hazelcast");
            if (found instanceof HazelcastInstanceProxy proxy) {
                return proxy.getOriginal();
            }
            return found instanceof HazelcastInstanceImpl impl ? impl : null;
        } catch (NamingException | RuntimeException e) {
            return null;
        }
    }

    private static long callIds(HazelcastInstance hz) {
        Map<String, Long> sums = new HashMap<>();
        ((HazelcastInstanceImpl) hz).node.getNodeEngine().getMetricsRegistry().collect(new MetricsCollector() {
            @Override
            public void collectLong(MetricDescriptor d, long value) {
                String m = d.prefix() == null ? d.metric() : d.prefix() + "." + d.metric();
                if (CALL_IDS.equals(m)) {
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
        Long calls = sums.get(CALL_IDS);
        if (calls == null) {
            throw new IllegalStateException("no " + CALL_IDS + " probe in this Hazelcast version");
        }
        return calls;
    }
}
