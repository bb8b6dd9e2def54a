package org.quotaware.cdi.admin;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.quotaware.QuotaLimits;
import org.quotaware.QuotaTiers;
import org.quotaware.cdi.ClusterLink;
import org.quotaware.internal.LogText;

/**
 * Per-user limit overrides set through the admin API, on every member: applied here at once, then written to the
 * admin map under {@code limits:<user>} (every setting as {@link TierChange#text} writes it, so the members holding the
 * entries need no Quotaware class); every member listens and applies what it sees, a member that starts later applies
 * the whole map first. Removing the entry gives the user its tier's limits back everywhere.
 * <p>
 * At most {@code max} users have an override: a new one beyond that is refused ({@link TooMany}), so a runaway admin
 * script cannot grow every member's heap without bound. Members check their own count, so members setting new
 * overrides at the same instant can go past the bound by one each.
 */
final class UserOverrides {

    static final String KEY = "limits:";
    /** Longer user names are refused: the key is stored on every member. */
    static final int MAX_USER_LENGTH = 256;
    private static final Logger LOG = Logger.getLogger(UserOverrides.class.getName());

    /** A new override refused because {@code max} users have one already. */
    static final class TooMany extends RuntimeException {
        private static final long serialVersionUID = 1L;

        TooMany(int max) {
            super("at most " + max + " users may have limits of their own (quotaware.admin.max-overrides); "
                    + "remove one with DELETE users/{user}/limits first");
        }
    }

    private final QuotaTiers tiers;
    private final int max;
    /** The overrides applied here, from this member or the map: what is counted against {@code max}. */
    private final Map<String, QuotaLimits> applied = new ConcurrentHashMap<>();
    private volatile ClusterLink.SharedMap<String> map;
    private volatile Runnable listener;

    UserOverrides(QuotaTiers tiers, int max) {
        this.tiers = tiers;
        this.max = max;
    }

    /** Shares overrides through {@code map} from now on: applies what it holds, then follows its changes. */
    void share(ClusterLink.SharedMap<String> shared) {
        listener = shared.listen(new Changes());
        shared.entries().forEach((key, value) -> {
            if (key.startsWith(KEY)) {
                apply(key, value);
            }
        });
        map = shared;
    }

    /** Whether changes reach the other members. */
    boolean clustered() {
        return map != null;
    }

    /**
     * Gives {@code user} its own limits here and on every member.
     *
     * @return null when the change reached the cluster, else why not (it applies here anyway)
     * @throws TooMany when {@code user} has no override yet and {@code max} users have one
     */
    synchronized String set(String user, QuotaLimits limits) {
        if (!applied.containsKey(user) && applied.size() >= max) {
            throw new TooMany(max);
        }
        applied.put(user, limits);
        tiers.override(user, limits);
        ClusterLink.SharedMap<String> m = map;
        if (m == null) {
            return "this member has no Hazelcast: applied here only";
        }
        try {
            m.set(KEY + user, TierChange.text(limits));
            return null;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "quotaware: the override of " + LogText.of(user)
                    + " could not be shared; applied here only", e);
            return "the cluster did not take the change (" + e.getClass().getSimpleName() + "): applied here only";
        }
    }

    /**
     * Gives {@code user} its tier's limits back, here and on every member.
     *
     * @return null when the change reached the cluster, else why not
     */
    synchronized String clear(String user) {
        applied.remove(user);
        tiers.clearOverride(user);
        ClusterLink.SharedMap<String> m = map;
        if (m == null) {
            return "this member has no Hazelcast: applied here only";
        }
        try {
            m.delete(KEY + user);
            return null;
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "quotaware: removing the override of " + LogText.of(user)
                    + " could not be shared", e);
            return "the cluster did not take the change (" + e.getClass().getSimpleName() + "): applied here only";
        }
    }

    /** The user's override, or null. */
    QuotaLimits of(String user) {
        return applied.get(user);
    }

    /** Users with an override here: at most {@code max}, plus what other members added at the same instant. */
    int count() {
        return applied.size();
    }

    int max() {
        return max;
    }

    private void apply(String key, String value) {
        String user = key.substring(KEY.length());
        try {
            String tier = tiers.tierOf(user);
            QuotaLimits own = tier == null ? null : tiers.limits(tier);
            QuotaLimits limits = TierChange.withRules(TierChange.fromText(QuotaTiers.OVERRIDE, value),
                    own != null ? own : tiers.limits(QuotaTiers.DEFAULT));
            synchronized (this) {
                applied.put(user, limits);
                tiers.override(user, limits);
            }
        } catch (RuntimeException e) {
            // a member with other code: keep serving with what it has
            LOG.log(Level.WARNING, "quotaware: ignoring the override " + LogText.of(key) + "=" + LogText.of(value), e);
        }
    }

    private synchronized void removed(String key) {
        String user = key.substring(KEY.length());
        applied.remove(user);
        tiers.clearOverride(user);
    }

    void stop() {
        Runnable stopListening = listener;
        map = null;
        if (stopListening != null) {
            try {
                stopListening.run();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "quotaware: the override listener could not be removed (Hazelcast stopping)", e);
            }
        }
    }

    /** Runs on a cluster event thread; other keys of the admin map are the tiers'. */
    private final class Changes implements ClusterLink.Changes<String> {
        @Override
        public void changed(String key, String value) {
            if (key.startsWith(KEY)) {
                apply(key, value);
            }
        }

        @Override
        public void removed(String key) {
            if (key.startsWith(KEY)) {
                UserOverrides.this.removed(key);
            }
        }
    }
}
