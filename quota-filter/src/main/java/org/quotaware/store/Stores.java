package org.quotaware.store;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.concurrent.ScheduledExecutorService;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.quotaware.config.ClusterSettings;
import org.quotaware.config.ConfigValues;
import org.quotaware.local.InMemoryQuotaStore;
import org.quotaware.spi.QuotaStore;
import org.quotaware.spi.QuotaStoreProvider;
import org.quotaware.spi.StoreContext;

/**
 * The one way a named store is built and made safe to share, for the filter alone and for quota-cdi alike: the
 * value of {@code store} opens a store ({@code local}, or whatever a {@link QuotaStoreProvider} on the application's
 * class path accepts), and a store shared by several JVMs is wrapped so that its allowances and its fallback work
 * the same on every backend.
 */
public final class Stores {

    private static final Logger LOG = Logger.getLogger(Stores.class.getName());

    private Stores() {
    }

    /**
     * Opens the store {@code value} names: {@code local} is this JVM's memory; any other value goes to the first
     * provider that accepts it, found with {@link ServiceLoader} in {@code loader} (the application's).
     *
     * @param key      the key the value was read from, as the user wrote it, for the message
     * @param builtIns the other values the caller handles itself ({@code auto}, {@code hazelcast} under CDI), listed
     *                 in the message only
     * @throws org.quotaware.InvalidQuotaConfigException when nobody accepts the value, naming the key, the value and
     *                                                   every accepted value (the providers' own included)
     */
    public static QuotaStore open(String value, String key, StoreContext context, ClassLoader loader,
            List<String> builtIns) {
        if (ClusterSettings.LOCAL.equalsIgnoreCase(value)) {
            return new InMemoryQuotaStore(InstantSource.system(), context.maxTrackedUsers());
        }
        QuotaStoreProvider provider = check(value, key, loader, builtIns);
        LOG.info(() -> "quotaware: quota state in the store " + redacted(value) + " (" + key + ", "
                + provider.getClass().getName() + ")");
        return provider.create(value, context);
    }

    /**
     * The provider that accepts {@code value}, without building anything: for a check at deployment.
     *
     * @throws org.quotaware.InvalidQuotaConfigException when nobody accepts it, as {@link #open} does
     */
    public static QuotaStoreProvider check(String value, String key, ClassLoader loader, List<String> builtIns) {
        List<String> accepted = new ArrayList<>(builtIns);
        if (!accepted.contains(ClusterSettings.LOCAL)) {
            accepted.add(0, ClusterSettings.LOCAL);
        }
        for (QuotaStoreProvider provider : providers(loader)) {
            if (provider.accepts(value)) {
                return provider;
            }
            for (String form : provider.describe().split(",\\s*")) {
                if (!accepted.contains(form)) {
                    accepted.add(form);
                }
            }
        }
        throw ConfigValues.fail(key, "store", redacted(value), "one of " + String.join(", ", accepted)
                + " (a store module's jar on the class path adds its own)");
    }

    /**
     * The providers {@code loader} finds; one that cannot load (its backend's classes missing from this server) is
     * left out with a FINE line, never a failure of the deployment.
     */
    static List<QuotaStoreProvider> providers(ClassLoader loader) {
        List<QuotaStoreProvider> found = new ArrayList<>();
        Iterator<QuotaStoreProvider> it = ServiceLoader.load(QuotaStoreProvider.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    return found;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                LOG.log(Level.FINE, "quotaware: a store provider cannot load here; left out", e);
            }
        }
    }

    /**
     * What a store shared by several JVMs ({@link QuotaStore#slotLeaseMillis()} finite) needs around it: allowances
     * when {@code cluster.allowances} is on and a scheduler keeps them, then a {@link FallbackQuotaStore} with the
     * primary's own {@linkplain QuotaStore#failures() classifier} and {@linkplain QuotaStore#members() member count},
     * so decisions go on locally with a share of each limit while the backend does not answer. A store inside one
     * JVM is returned as it is. The caller renews the manager's leases every third of the lease.
     *
     * @param scheduler runs the allowances' upkeep; null for none (then every decision goes to the store)
     */
    public static QuotaStore shared(QuotaStore primary, ClusterSettings cluster, int maxTrackedUsers,
            ScheduledExecutorService scheduler) {
        if (primary.slotLeaseMillis() == Long.MAX_VALUE) {
            return primary;
        }
        QuotaStore decided = primary;
        if (cluster.allowances() && scheduler != null) {
            // members decide within allowances the owners grant: a request costs no round trip while it fits
            decided = AllowanceStore.builder(primary).members(() -> primary.members() > 0 ? primary.members() : 2)
                    .linger(cluster.allowanceLinger()).scheduler(scheduler).build();
        }
        return FallbackQuotaStore.builder(decided).failures(primary.failures()).memberCount(primary::members)
                .local(new InMemoryQuotaStore(InstantSource.system(), maxTrackedUsers))
                .fallbackMembers(cluster.fallbackMembers()).build();
    }

    /** A store value without the password a URI may carry ({@code redis://:secret@host}). */
    static String redacted(String value) {
        return value.replaceAll("(//[^/@:]*:)[^/@]*@", "$1***@");
    }
}
