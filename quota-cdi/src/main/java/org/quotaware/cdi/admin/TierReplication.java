package org.quotaware.cdi.admin;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;
import org.quotaware.cdi.ClusterLink;
import org.quotaware.cdi.QuotaBeans;
import org.quotaware.config.AdminSettings;
import org.quotaware.internal.LogText;

/**
 * Applies tier changes on every member. A change is applied here at once, then written to a Hazelcast map
 * ({@code quotaware.admin.map}, default {@code quotaware-tiers.<application>}); every member listens to the map and applies
 * what it sees to its own {@link QuotaTiers}, and a member that starts later applies the whole map first. Keys are
 * {@code tier:<name>} (every setting of the tier, as {@link TierChange#text} writes it) and {@code user:<user>} (a tier
 * name): plain strings, so the members holding the entries need no Quotaware class.
 * <p>
 * The map's last write wins on every member alike; the entries live as long as the cluster (a member restarting gets
 * them back, a whole cluster restarting starts from the configuration), or as long as the database of
 * {@code quotaware.cluster.persistence} keeps them. Without Hazelcast changes apply to this member only.
 */
@ApplicationScoped
public class TierReplication {

    static final String TIER = "tier:";
    static final String USER = "user:";
    private static final Logger LOG = Logger.getLogger(TierReplication.class.getName());

    @Inject
    QuotaBeans beans;

    @Inject
    AdminAccess access;

    private volatile ClusterLink.SharedMap<String> map;
    private volatile Runnable listener;
    /** Assignments seen before their tier was: applied when the tier arrives. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        ClusterLink cluster = beans.cluster();
        if (cluster == null) {
            return;
        }
        try {
            ClusterLink.SharedMap<String> m = cluster.keptMap(access.settings().tiersMap(beans.application()));
            // runs on a cluster event thread; QuotaTiers is thread-safe
            listener = m.listen(this::apply);
            Map<String, String> entries = m.entries();
            // tiers first, so the assignments find them
            entries.forEach((key, value) -> {
                if (key.startsWith(TIER)) {
                    apply(key, value);
                }
            });
            entries.forEach((key, value) -> {
                if (key.startsWith(USER)) {
                    apply(key, value);
                }
            });
            map = m;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "quotaware: tier changes cannot be shared through Hazelcast map '"
                    + access.settings().tiersMap(beans.application()) + "'; they apply to this member only", e);
        }
    }

    /** Whether changes reach the other members. */
    public boolean clustered() {
        return map != null;
    }

    /**
     * Defines or replaces a tier here and on every member.
     *
     * @return null when the change reached the cluster, else why not (it applies here anyway)
     */
    public String define(String tier, QuotaLimits limits) {
        tiers().define(tier, limits);
        return publish(TIER + tier, TierChange.text(limits));
    }

    /** Puts a user in a tier here and on every member; the tier must exist. */
    public String assign(String user, String tier) {
        tiers().assign(user, tier);
        return publish(USER + user, tier);
    }

    private String publish(String key, String value) {
        ClusterLink.SharedMap<String> m = map;
        if (m == null) {
            return "this member has no Hazelcast: applied here only";
        }
        try {
            m.set(key, value);
            return null;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "quotaware: a tier change could not be shared (" + LogText.of(key)
                    + "); applied here only", e);
            return "the cluster did not take the change (" + e.getClass().getSimpleName() + "): applied here only";
        }
    }

    private QuotaTiers tiers() {
        return beans.implementation().tiers();
    }

    private void apply(String key, String value) {
        try {
            if (key.startsWith(TIER)) {
                String tier = key.substring(TIER.length());
                QuotaLimits here = tiers().exists(tier) ? tiers().limits(tier) : tiers().limits(QuotaTiers.DEFAULT);
                tiers().define(tier, TierChange.withRules(TierChange.fromText(tier, value), here));
                pending.forEach((user, t) -> {
                    if (t.equals(tier) && pending.remove(user, t)) {
                        tiers().assign(user, t);
                    }
                });
            } else if (key.startsWith(USER)) {
                String user = key.substring(USER.length());
                if (tiers().exists(value)) {
                    pending.remove(user);
                    tiers().assign(user, value);
                } else {
                    pending.put(user, value);
                }
            }
        } catch (RuntimeException e) {
            // a member with other code or configuration: keep serving with what it has
            LOG.log(Level.WARNING, "quotaware: ignoring the tier change " + LogText.of(key) + "="
                    + LogText.of(value), e);
        }
    }

    @PreDestroy
    void stop() {
        Runnable stopListening = listener;
        map = null;
        if (stopListening != null) {
            try {
                stopListening.run();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "quotaware: the tier listener could not be removed (Hazelcast stopping)", e);
            }
        }
    }
}
