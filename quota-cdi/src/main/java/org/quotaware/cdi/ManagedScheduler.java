package org.quotaware.cdi;

import java.util.logging.Logger;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;

/**
 * The container's default {@link ManagedScheduledExecutorService}, looked up by its standard JNDI name: {@code @Resource}
 * is not injected into beans of a library jar in every container (Payara leaves it null), the lookup always works.
 */
final class ManagedScheduler {

    static final String JNDI = "java:comp/DefaultManagedScheduledExecutorService";
    private static final Logger LOG = Logger.getLogger(ManagedScheduler.class.getName());

    private ManagedScheduler() {
    }

    /** The scheduler, or null (logged) outside a Jakarta EE container. */
    static ManagedScheduledExecutorService lookup() {
        try {
            return (ManagedScheduledExecutorService) new InitialContext().lookup(JNDI);
        } catch (NamingException | ClassCastException e) {
            LOG.warning(() -> "quotaware: no managed scheduler at " + JNDI + " (" + e + "): slot leases are not "
                    + "renewed and async leases are not timed");
            return null;
        }
    }
}
