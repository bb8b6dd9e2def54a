package org.quotaware.cdi.scaling;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.quotaware.QuotaTiers;
import org.quotaware.SystemLimits;
import org.quotaware.QuotaLimits;
import org.quotaware.cdi.ClusterLink;
import org.quotaware.config.ScalingSettings;
import org.quotaware.cdi.QuotaBeans;
import org.quotaware.scaling.AdaptiveScaler;
import org.quotaware.scaling.LoadProtection;
import org.quotaware.scaling.ScalerState;
import org.quotaware.scaling.ScalingDecision;
import org.quotaware.scaling.SystemMetrics;
import org.quotaware.scaling.TierRanges;
import org.quotaware.spi.HostedQuotaManager;

/**
 * Runs the monitor, the member's self-protection and the cluster's scaler on the container's managed scheduler (no
 * thread of our own), every {@code quotaware.scaling.interval}.
 * <p>
 * Each tick: this member samples itself, updates its {@link LoadProtection} (which the manager consults before every
 * decision), and publishes its snapshot in the map {@code quotaware-members} (entries expire after three intervals).
 * The <b>oldest member</b> of the cluster decides: it aggregates the fresh snapshots, runs the pure
 * {@link AdaptiveScaler#decide} on the shared {@link ScalerState} (map {@code quotaware-scaler}, replaced only if
 * unchanged, so two deciders in a membership change cannot both apply a step) and publishes the decision. When it
 * dies the next oldest decides at its next tick, from the same shared state. Without Hazelcast the member decides
 * for itself.
 */
@ApplicationScoped
public class ScalingService {

    static final String MEMBERS_MAP = "quotaware-members";
    static final String SCALER_MAP = "quotaware-scaler";
    private static final String STATE = "state";
    private static final String LAST = "last";
    private static final Logger LOG = Logger.getLogger(ScalingService.class.getName());

    @Inject
    QuotaBeans beans;

    private volatile SystemMonitor monitor;
    private volatile LoadProtection protection;
    private volatile AdaptiveScaler scaler;
    private volatile ScheduledFuture<?> task;
    private volatile String state = "stopped";
    private volatile ScalingDecision last;
    private volatile boolean decider;
    private volatile int members = 1;
    private long slotsPerMember;
    private Duration interval;
    private TierRanges ranges;
    private QuotaTiers tiers;

    void start(@Observes @Initialized(ApplicationScoped.class) Object started) {
        ScalingSettings settings = beans.scaling();
        HostedQuotaManager manager = beans.implementation();
        SystemLimits system = manager.systemLimits();
        slotsPerMember = settings.slotsPerMember() > 0 ? settings.slotsPerMember()
                : system.maxConcurrentTasks() != QuotaLimits.OFF ? system.maxConcurrentTasks() : 50;
        interval = settings.interval();
        scaler = new AdaptiveScaler(settings.rules());
        ranges = settings.ranges();
        tiers = manager.tiers();
        ranges.apply(tiers, Double.NaN); // the bottom of each range until the first decision says there is room
        monitor = SystemMonitor.of(manager);
        if (settings.protection()) {
            protection = LoadProtection.builder(slotsPerMember).rules(settings.rules()).build();
            manager.admission(protection);
        }
        if (!settings.enabled()) {
            state = "disabled";
            return;
        }
        ManagedScheduledExecutorService scheduler = lookup();
        if (scheduler == null) {
            state = "stopped";
            return;
        }
        task = scheduler.scheduleWithFixedDelay(this::tick, interval.toMillis(), interval.toMillis(),
                TimeUnit.MILLISECONDS);
        state = "running";
    }

    private void tick() {
        try {
            SystemMetrics m = monitor.sample();
            LoadProtection p = protection;
            if (p != null) {
                p.update(m);
            }
            ClusterLink cluster = beans.cluster();
            if (cluster == null || !cluster.running()) {
                decider = true;
                members = 1;
                last = scaler.step(m, slotsPerMember);
            } else {
                shareAndDecide(cluster, m);
            }
            // every member applies the decider's published spare capacity, so a shared window has one limit
            ScalingDecision d = last;
            ranges.apply(tiers, d == null ? Double.NaN : d.spareCapacity());
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "quotaware: a scaling tick failed; the next one retries", e);
        }
    }

    private void shareAndDecide(ClusterLink link, SystemMetrics m) {
        ClusterLink.SharedMap<SystemMetrics> snapshots = link.map(MEMBERS_MAP);
        snapshots.set(link.self().uuid(), m, interval.multipliedBy(3));
        List<ClusterLink.Member> all = link.members();
        members = all.size();
        decider = all.get(0).self(); // the oldest member
        ClusterLink.SharedMap<Object> shared = link.map(SCALER_MAP);
        if (!decider) {
            Object published = shared.get(LAST);
            last = published instanceof ScalingDecision d ? d : last;
            return;
        }
        SystemMetrics cluster = SystemMetrics.aggregate(snapshots.values(), Instant.now(), interval.multipliedBy(3));
        ScalerState before = (ScalerState) shared.get(STATE);
        ScalingDecision d = scaler.decide(cluster, members * slotsPerMember,
                before == null ? ScalerState.INITIAL : before);
        boolean applied = before == null ? shared.setIfAbsent(STATE, d.next())
                : shared.replace(STATE, before, d.next());
        if (applied) {
            shared.set(LAST, d);
            if (d.changed()) {
                scaler.history().record(d);
            }
            last = d;
        }
    }

    private static ManagedScheduledExecutorService lookup() {
        try {
            return (ManagedScheduledExecutorService) new InitialContext()
                    .lookup("java:comp/DefaultManagedScheduledExecutorService");
        } catch (NamingException | ClassCastException e) {
            LOG.warning(() -> "quotaware: no managed scheduler (" + e + "); the scaler and self-protection do not run");
            return null;
        }
    }

    @PreDestroy
    void stop() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
        state = "stopped";
    }

    /** This member's latest snapshot. */
    public SystemMetrics current() {
        SystemMonitor m = monitor;
        return m == null ? SystemMetrics.unknown(Instant.now()) : m.current();
    }

    /** 0 when nothing is shed; see {@link LoadProtection}. */
    public int protectionLevel() {
        LoadProtection p = protection;
        return p == null ? 0 : p.level();
    }

    /** The tiers this member sheds now. */
    public List<String> shedTiers() {
        LoadProtection p = protection;
        return p == null ? List.of() : p.shedTiers(p.level());
    }

    /** The latest decision of the cluster's scaler (null before the first). */
    public ScalingDecision lastDecision() {
        return last;
    }

    /** The changes of the desired capacity this member decided, newest last. */
    public List<ScalingDecision> history() {
        return scaler == null ? List.of() : scaler.history().entries();
    }

    /** What the scaler wants the cluster's capacity to be, in slots; the actual capacity until it first decides. */
    public long desiredCapacity() {
        ScalingDecision d = last;
        return d == null ? actualCapacity() : d.desiredCapacity();
    }

    /** Members present times slots per member. */
    public long actualCapacity() {
        return members * slotsPerMember;
    }

    public int members() {
        return members;
    }

    public long slotsPerMember() {
        return slotsPerMember;
    }

    /** True when this member decides the desired capacity for the cluster. */
    public boolean decider() {
        return decider;
    }

    /** {@code running}, {@code disabled} or {@code stopped}. */
    public String state() {
        return state;
    }

    public boolean enabled() {
        return "running".equals(state);
    }
}
