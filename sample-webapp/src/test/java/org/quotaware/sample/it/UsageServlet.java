package org.quotaware.sample.it;

import java.io.IOException;

import com.hazelcast.core.HazelcastInstance;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.quotaware.QuotaLimits;
import org.quotaware.engine.Operations;
import org.quotaware.engine.UserState;
import org.quotaware.config.ClusterSettings;

/**
 * Only in the cluster test's WAR, outside {@code /api/*}: "activeTasks requestsPerMinute allowances" of a user's entry in the
 * quota map, read at the cluster's time without counting a request (a usage call through the filter would count one,
 * and its member's demand would earn it an allowance of its own).
 */
@WebServlet("/it/usage")
public class UsageServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HazelcastInstance hz = PayaraHazelcast.instance();
        byte[] bytes = hz.<String, byte[]>getMap(ClusterSettings.defaultUsersMap(ClusterSettings.nameOf(request.getContextPath()))).get(request.getParameter("user"));
        UserState state = bytes == null ? null : UserState.fromBytes(bytes);
        Operations.Snapshot s = new Operations.Inspect(QuotaLimits.defaults()).apply(state,
                hz.getCluster().getClusterTime());
        response.setContentType("text/plain");
        response.getWriter().print(s.activeTasks() + " " + s.requestsPerMinute() + " "
                + (state == null ? 0 : state.allowanceCount()));
    }
}
