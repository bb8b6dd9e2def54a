package org.quotaware.cdi;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.AnnotatedMethod;
import jakarta.enterprise.inject.spi.AnnotatedType;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.WithAnnotations;

import org.eclipse.microprofile.config.ConfigProvider;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaTiers;
import org.quotaware.WindowedLimit;
import org.quotaware.config.AdminSettings;
import org.quotaware.cost.CostMeter;
import org.quotaware.servlet.FilterSettings;

/**
 * Finds every {@code @Quota} at deployment, resolves it against MicroProfile Config and validates it; a bad one (an
 * unknown tier, a negative cost, a cost no tier could ever grant, a bad {@code quotaware.*} key) fails the deployment
 * with a message naming the class, the method and the problem. The resolved settings are cached per method, so the
 * interceptor does no reflection and no configuration lookup per call.
 */
public class QuotaExtension implements Extension {

    private static final Logger LOG = Logger.getLogger(QuotaExtension.class.getName());

    private final List<AnnotatedType<?>> annotated = new ArrayList<>();
    private final Map<Method, QuotaMethod> methods = new ConcurrentHashMap<>();
    /** The names of the methods, {@code Class#method}: the values the decision metrics' {@code method} tag takes. */
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private volatile QuotaConfiguration configuration;
    /** The identity chain and paths of the {@code quotaware.identity.*} keys, for callers no filter identified. */
    private volatile FilterSettings callerRules;
    /**
     * The application's manager once created, without its client proxy: Weld's proxy of a producer's interface calls
     * through reflection, which cost the filter half of its time per request; the hot paths call this one directly.
     */
    private volatile QuotaManager manager;

    void collect(@Observes @WithAnnotations(Quota.class) ProcessAnnotatedType<?> event) {
        annotated.add(event.getAnnotatedType());
    }

    void validate(@Observes AfterBeanDiscovery event) {
        try {
            configuration = QuotaConfiguration.load(ConfigProvider.getConfig(Thread.currentThread()
                    .getContextClassLoader()));
            // the identity chain's runtime form: its class: entries are instantiated now, so a bad one fails here
            callerRules = FilterSettings.of(configuration.settings);
        } catch (InvalidQuotaConfigException e) {
            event.addDefinitionError(new DeploymentException("quotaware configuration: " + e.getMessage(), e));
            return;
        }
        for (AnnotatedType<?> type : annotated) {
            Quota onClass = type.getAnnotation(Quota.class);
            for (AnnotatedMethod<?> m : type.getMethods()) {
                Method method = m.getJavaMember();
                Quota quota = m.isAnnotationPresent(Quota.class) ? m.getAnnotation(Quota.class) : onClass;
                if (quota == null || !business(method)) {
                    continue;
                }
                try {
                    QuotaMethod resolved = configuration.resolve(method, quota);
                    methods.put(method, resolved);
                    names.add(resolved.name());
                } catch (IllegalArgumentException e) {
                    event.addDefinitionError(new DeploymentException("@Quota on " + QuotaMethod.describe(method)
                            + ": " + e.getMessage(), e));
                }
            }
        }
        annotated.clear();
        for (String error : addOwnLimits(configuration.settings.quota().tiers(), methods)) {
            event.addDefinitionError(new DeploymentException(error));
        }
        LOG.info(() -> "quotaware: " + methods.size() + " @Quota method(s), tiers "
                + configuration.settings.quota().tiers().all().keySet());
    }

    /**
     * Puts the rows of every method's own rule ({@code @Quota(limits = ...)}) in every tier of {@code tiers}, before
     * the manager is made with them: one state per user, one atomic step, as a configured rule's. Methods sharing a
     * rule name share its limits, and must declare the same.
     *
     * @return what is wrong, as deployment errors say it; empty when every row is in
     */
    static List<String> addOwnLimits(QuotaTiers tiers, Map<Method, QuotaMethod> methods) {
        Map<String, QuotaMethod> owners = new TreeMap<>();
        List<WindowedLimit> rows = new ArrayList<>();
        for (Map.Entry<Method, QuotaMethod> entry : methods.entrySet()) {
            QuotaMethod m = entry.getValue();
            if (m.limits().isEmpty()) {
                continue;
            }
            String rule = m.limits().get(0).rule();
            QuotaMethod first = owners.putIfAbsent(rule, m);
            if (first == null) {
                rows.addAll(m.limits());
            } else if (!first.limits().equals(m.limits())) {
                return List.of("@Quota on " + QuotaMethod.describe(entry.getKey()) + ": rule must be a name of its "
                        + "own, or the same limits as " + first.name() + " declares for it, was " + rule);
            }
        }
        List<String> errors = new ArrayList<>();
        if (rows.isEmpty()) {
            return errors;
        }
        tiers.all().forEach((tier, limits) -> {
            int count = limits.windows().size() + rows.size();
            if (count > QuotaLimits.MAX_WINDOWS) {
                errors.add("@Quota limits of " + owners.values().stream().map(QuotaMethod::name).toList()
                        + ": windowed limits of tier '" + tier + "' must be at most "
                        + QuotaLimits.MAX_WINDOWS + ", the tier's own, its rules' and its @Quota "
                        + "methods' together, was " + count);
            } else {
                tiers.define(tier, limits.toBuilder().limits(rows).build());
            }
        });
        return errors;
    }

    private static boolean business(Method m) {
        int mod = m.getModifiers();
        return !Modifier.isStatic(mod) && !Modifier.isPrivate(mod) && m.getDeclaringClass() != Object.class;
    }

    /** The validated configuration; set once the deployment's beans are discovered. */
    QuotaConfiguration configuration() {
        QuotaConfiguration c = configuration;
        if (c == null) {
            throw new IllegalStateException("quotaware: the configuration is read at deployment; it is not ready yet");
        }
        return c;
    }

    /** The {@code quotaware.identity.*} rules at runtime (a servlet type: it identifies HTTP requests). */
    FilterSettings callerRules() {
        configuration();
        return callerRules;
    }

    /** The validated {@code quotaware.admin.*} keys. */
    public AdminSettings adminSettings() {
        return configuration().admin;
    }

    /**
     * The settings of an intercepted method. A method the deployment scan did not list (a proxy or bridge method of
     * a validated one) is resolved once from its annotation and cached.
     */
    QuotaMethod method(Method method, Class<?> targetClass) {
        QuotaMethod known = methods.get(method);
        if (known != null) {
            return known;
        }
        return methods.computeIfAbsent(method, m -> {
            Quota quota = m.getAnnotation(Quota.class);
            if (quota == null) {
                quota = targetClass.getAnnotation(Quota.class);
            }
            if (quota == null) {
                quota = m.getDeclaringClass().getAnnotation(Quota.class);
            }
            if (quota == null) {
                throw new IllegalStateException("quotaware: no @Quota found for " + QuotaMethod.describe(m));
            }
            QuotaMethod resolved = configuration().resolve(m, quota);
            names.add(resolved.name());
            return resolved;
        });
    }

    /** Whether {@code name} ({@code Class#method}) is a {@code @Quota} method of this application. */
    public boolean quotaMethod(String name) {
        return names.contains(name);
    }

    /** Measures what a call costs for the manager's limits that count it (CPU time, allocated bytes); null before. */
    private volatile CostMeter meter;

    /** Remembers (or, with null, forgets) the manager {@link QuotaBeans} created, and makes its meter. */
    void created(QuotaManager created) {
        meter = created == null ? null : new CostMeter(created);
        manager = created;
    }

    /** The meter of the manager {@link QuotaBeans} created; null before it did. */
    CostMeter meter() {
        return meter;
    }

    /** The manager itself once {@link QuotaBeans} created it, else {@code proxy} (whose first call creates it). */
    QuotaManager manager(QuotaManager proxy) {
        QuotaManager direct = manager;
        return direct != null ? direct : proxy;
    }
}
