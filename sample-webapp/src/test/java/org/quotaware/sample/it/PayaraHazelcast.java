package org.quotaware.sample.it;

import java.io.IOException;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import com.hazelcast.core.HazelcastInstance;

/** Only in the cluster test's WAR: Payara Micro's own Hazelcast instance, for the test's servlets. */
final class PayaraHazelcast {

    private PayaraHazelcast() {
    }

    static HazelcastInstance instance() throws IOException {
        try {
            return (HazelcastInstance) new InitialContext().lookup("payara/Hazelcast");
        } catch (NamingException e) {
            throw new IOException(e);
        }
    }
}
