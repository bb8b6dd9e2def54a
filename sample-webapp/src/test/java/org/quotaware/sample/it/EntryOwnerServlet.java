package org.quotaware.sample.it;

import java.io.IOException;


import com.hazelcast.core.HazelcastInstance;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Only in the cluster test's WAR, outside {@code /api/*} so it counts against no quota: answers {@code local} when
 * this member owns the primary copy of the entry of user {@code ?user=} (Hazelcast's partition service), else
 * {@code remote}, so the test can kill the owner.
 */
@WebServlet("/it/owner")
public class EntryOwnerServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        HazelcastInstance hz = PayaraHazelcast.instance();
        boolean local = hz.getPartitionService().getPartition(request.getParameter("user")).getOwner().localMember();
        response.setContentType("text/plain");
        response.getWriter().print(local ? "local" : "remote");
    }
}
