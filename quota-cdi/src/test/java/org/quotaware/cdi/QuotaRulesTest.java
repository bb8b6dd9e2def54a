package org.quotaware.cdi;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.interceptor.InvocationContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Acquisition;
import org.quotaware.Counted;
import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaDenial;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.WindowedLimit;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.servlet.QuotaCaller;
import org.quotaware.testing.MutableClock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code @Quota(rule = ...)} charges a method's calls to a configured rule, {@code @Quota(limits = ...)} gives it
 * limits of its own in every tier; both are read at deployment, overridable like every member, and counted exactly.
 */
class QuotaRulesTest {

    private static final Map<String, String> RULES = Map.of("quotaware.rules", "reads",
            "quotaware.rule.reads.limits", "requests=3/1m", "quotaware.rule.reads.cost", "2");

    @SuppressWarnings("unused")
    static class Shop {
        @Quota(rule = "reads")
        public String read() {
            return "";
        }

        @Quota(limits = "calls=2 requests/1m")
        public String export() {
            return "";
        }

        @Quota(rule = "reports", limits = "calls=5 requests/1h, bytes=1MB/1d")
        public String report() {
            return "";
        }

        @Quota(rule = "nosuch")
        public String unknown() {
            return "";
        }

        @Quota(rule = "reads", limits = "calls=1 requests/1m")
        public String both() {
            return "";
        }

        @Quota(limits = "calls=0/1m")
        public String none() {
            return "";
        }

        @Quota(limits = "calls=2 requests/1m")
        public String export(String format) {
            return format;
        }

        @Quota(rule = "reports", limits = "calls=9 requests/1h")
        public String otherReport() {
            return "";
        }
    }

    private static QuotaConfiguration load(Map<String, String> listed) {
        return QuotaConfiguration.load(new MapConfig(listed, Map.of()));
    }

    private static QuotaMethod resolve(QuotaConfiguration c, String name, Class<?>... types) throws Exception {
        Method m = Shop.class.getMethod(name, types);
        return c.resolve(m, m.getAnnotation(Quota.class));
    }

    @Test
    void aMethodNamingAConfiguredRuleIsChargedToItAtItsCost() throws Exception {
        QuotaMethod read = resolve(load(RULES), "read");

        assertThat(read.rules()).containsExactly("reads");
        assertThat(read.ruleCost()).isEqualTo(2);
        assertThat(read.limits()).isEmpty();
    }

    @Test
    void aMethodsOwnLimitsAreARuleNamedAfterItOrAsItSays() throws Exception {
        QuotaConfiguration c = load(Map.of());

        QuotaMethod export = resolve(c, "export");
        assertThat(export.rules()).containsExactly("shop.export");
        assertThat(export.limits()).containsExactly(new WindowedLimit("calls", Counted.REQUESTS, 60_000, 2,
                "shop.export"));
        QuotaMethod report = resolve(c, "report");
        assertThat(report.limits()).extracting(WindowedLimit::qualifiedName)
                .containsExactly("reports.calls", "reports.bytes");
    }

    @Test
    void aBadRuleOrLimitIsRefusedAtDeploymentNamingTheMember() {
        assertThatThrownBy(() -> resolve(load(RULES), "unknown")).isInstanceOf(InvalidQuotaConfigException.class)
                .hasMessage("rule must be one of the rules of quotaware.rules [reads], was nosuch");
        assertThatThrownBy(() -> resolve(load(RULES), "both"))
                .hasMessageStartingWith("rule must be a name no quotaware.rule.* key configures when the method has "
                        + "limits of its own");
        assertThatThrownBy(() -> resolve(load(Map.of()), "none"))
                .hasMessageStartingWith("limits: entry 'calls=0/1m' must be name=<amount>[ <unit>]/<window>");
    }

    @Test
    void microProfileConfigOverridesTheRuleAndTheLimits() throws Exception {
        String cls = Shop.class.getName();
        QuotaConfiguration c = load(Map.of(cls + "/export/Quota/limits", "calls=7 requests/1h",
                cls + "/export/Quota/rule", "exports", cls + "/read/Quota/rule", "lookups",
                "quotaware.rules", "lookups"));

        assertThat(resolve(c, "export").limits()).containsExactly(new WindowedLimit("calls", Counted.REQUESTS,
                3_600_000, 7, "exports"));
        assertThat(resolve(c, "read").rules()).containsExactly("lookups");
        QuotaConfiguration off = load(Map.of(cls + "/export/Quota/limits", "off"));
        assertThat(resolve(off, "export").rules()).isEmpty();
    }

    @Test
    void everyTierHoldsTheMethodsOwnRowsAndOverloadsShareThem() throws Exception {
        QuotaConfiguration c = load(Map.of("quotaware.tiers", "premium"));
        Map<Method, QuotaMethod> methods = Map.of(Shop.class.getMethod("export"), resolve(c, "export"),
                Shop.class.getMethod("export", String.class), resolve(c, "export", String.class));

        assertThat(QuotaExtension.addOwnLimits(c.settings.quota().tiers(), methods)).isEmpty();

        for (String tier : List.of("default", "premium")) {
            assertThat(c.settings.quota().tiers().limits(tier).windows()).extracting(WindowedLimit::qualifiedName)
                    .as(tier).containsOnlyOnce("shop.export.calls");
        }
    }

    @Test
    void twoMethodsGivingOneRuleDifferentLimitsFailTheDeployment() throws Exception {
        QuotaConfiguration c = load(Map.of());
        Map<Method, QuotaMethod> methods = new java.util.LinkedHashMap<>();
        methods.put(Shop.class.getMethod("report"), resolve(c, "report"));
        methods.put(Shop.class.getMethod("otherReport"), resolve(c, "otherReport"));

        assertThat(QuotaExtension.addOwnLimits(c.settings.quota().tiers(), methods)).singleElement().asString()
                .contains("rule must be a name of its own, or the same limits as", "was reports");
    }

    private DefaultQuotaManager manager;

    @AfterEach
    void stop() {
        if (manager != null) {
            manager.close();
        }
    }

    @Test
    void aMethodsOwnLimitCountsItsCallsExactlyAndItsRefusalNamesIt() throws Exception {
        QuotaConfiguration c = load(Map.of());
        QuotaMethod export = resolve(c, "export");
        assertThat(QuotaExtension.addOwnLimits(c.settings.quota().tiers(),
                Map.of(Shop.class.getMethod("export"), export))).isEmpty();
        manager = DefaultQuotaManager.builder().tiers(c.settings.quota().tiers()).clock(new MutableClock()).build();
        List<Acquisition> decided = new java.util.concurrent.CopyOnWriteArrayList<>();
        QuotaInterceptor interceptor = interceptor(c, export, recording(manager, decided));

        assertThat(interceptor.enforce(invocation())).isEqualTo("done");
        assertThat(interceptor.enforce(invocation())).isEqualTo("done");
        // the third is refused (unit tests have no JAX-RS runtime to build the 429 QuotaExceededException carries)
        assertThatThrownBy(() -> interceptor.enforce(invocation()));
        assertThat(decided).hasSize(3);
        assertThat(decided.get(2)).isInstanceOf(QuotaDenial.class);
        assertThat(decided.get(2).result().violations()).singleElement().satisfies(v -> {
            assertThat(v.name()).isEqualTo("shop.export.calls");
            assertThat(v.max()).isEqualTo(2);
            assertThat(v.current()).isEqualTo(2);
        });
        assertThat(manager.usage("key:alice").requestsPerMinute()).as("its calls count as requests too")
                .isEqualTo(2);
    }

    /** {@code real}, keeping each acquisition it answers. */
    private static QuotaManager recording(QuotaManager real, List<Acquisition> decided) {
        return (QuotaManager) Proxy.newProxyInstance(QuotaManager.class.getClassLoader(),
                new Class<?>[] {QuotaManager.class}, (self, method, args) -> {
                    try {
                        Object answer = method.invoke(real, args);
                        if (answer instanceof Acquisition a) {
                            decided.add(a);
                        }
                        return answer;
                    } catch (java.lang.reflect.InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void nRequestsTheFilterCountedAreAdmittedByTheMethodsRuleExactlyItsLimitAndCountedOnce() throws Exception {
        QuotaConfiguration c = load(Map.of("quotaware.rules", "reads,searches",
                "quotaware.rule.reads.limits", "requests=3/1m", "quotaware.rule.reads.cost", "2",
                "quotaware.rule.searches.paths", "/search", "quotaware.rule.searches.limits", "requests=100/1m",
                "quotaware.default.max-concurrent-tasks", "100"));
        manager = DefaultQuotaManager.builder().tiers(c.settings.quota().tiers()).clock(new MutableClock()).build();
        List<Acquisition> decided = new java.util.concurrent.CopyOnWriteArrayList<>();
        // the filter matched rule searches, counted the request and holds its slot; the method is charged to reads
        QuotaCaller filtered = new QuotaCaller("key:alice", null, 0, true, false, false, Set.of("searches"));
        QuotaInterceptor interceptor = interceptor(c, resolve(c, "read"), recording(manager, decided), filtered);
        int threads = 12;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        List<java.util.concurrent.Future<Boolean>> calls = new java.util.ArrayList<>();
        for (int i = 0; i < threads; i++) {
            calls.add(pool.submit(() -> {
                start.await();
                try (QuotaPermit filter = (QuotaPermit) manager.acquire("key:alice",
                        QuotaRequest.request().withRules(Set.of("searches")).withAnonymous(false))) {
                    return "done".equals(interceptor.enforce(invocation()));
                } catch (RuntimeException refused) {
                    return false;
                }
            }));
        }
        start.countDown();
        int admitted = 0;
        for (java.util.concurrent.Future<Boolean> call : calls) {
            admitted += call.get(10, java.util.concurrent.TimeUnit.SECONDS) ? 1 : 0;
        }
        pool.shutdown();

        assertThat(admitted).isEqualTo(3);
        assertThat(decided).hasSize(threads).filteredOn(a -> a instanceof QuotaDenial).hasSize(threads - 3)
                .allSatisfy(d -> assertThat(d.result().violations()).singleElement()
                        .extracting(org.quotaware.Violation::name).isEqualTo("reads.requests"));
        Map<String, Long> used = manager.usage("key:alice").limits().stream().collect(
                java.util.stream.Collectors.toMap(LimitStatus::name, LimitStatus::used, (a, b) -> a));
        assertThat(used).as("the filter's counts once, the method's rule its admitted calls once")
                .containsEntry("rpm", 12L).containsEntry("searches.requests", 12L)
                .containsEntry("reads.requests", 3L).containsEntry("tasks", 0L);
    }

    private static QuotaInterceptor interceptor(QuotaConfiguration c, QuotaMethod method, QuotaManager manager) {
        return interceptor(c, method, manager, new QuotaCaller("key:alice", null, 0, false, false, false, Set.of()));
    }

    private static QuotaInterceptor interceptor(QuotaConfiguration c, QuotaMethod method, QuotaManager manager,
                                                QuotaCaller caller) {
        QuotaInterceptor interceptor = new QuotaInterceptor();
        interceptor.manager = manager;
        interceptor.extension = new QuotaExtension() {
            @Override
            QuotaMethod method(Method m, Class<?> targetClass) {
                return method;
            }

            @Override
            QuotaConfiguration configuration() {
                return c;
            }
        };
        interceptor.extension.created(manager);
        interceptor.callers = new Callers() {
            @Override
            public QuotaCaller current() {
                return caller;
            }

            @Override
            void updateHeaders(org.quotaware.QuotaCheckResult result) {
                // no HTTP response in a unit test
            }
        };
        return interceptor;
    }

    private static InvocationContext invocation() throws NoSuchMethodException {
        Method m = Shop.class.getMethod("export");
        return (InvocationContext) Proxy.newProxyInstance(InvocationContext.class.getClassLoader(),
                new Class<?>[] {InvocationContext.class}, (self, method, args) -> switch (method.getName()) {
                    case "getMethod" -> m;
                    case "getTarget" -> new Shop();
                    case "getParameters" -> new Object[0];
                    case "proceed" -> "done";
                    default -> null;
                });
    }
}
