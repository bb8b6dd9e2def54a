package org.quotaware.cdi;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.interceptor.InvocationContext;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quotaware.Counted;
import org.quotaware.QuotaManager;
import org.quotaware.QuotaPermit;
import org.quotaware.engine.DefaultQuotaManager;
import org.quotaware.servlet.QuotaCaller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What {@code @Quota} charges its permit: the CPU its method burns on the invoking thread, before the permit closes,
 * on every path; but nothing on a request the filter counted, whose cost the filter charges (never twice in the
 * same user's windows).
 */
class QuotaInterceptorCostTest {

    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final long MS = 1_000_000;

    private final DefaultQuotaManager real = DefaultQuotaManager.builder().build();
    private final List<QuotaPermit> permits = new CopyOnWriteArrayList<>();
    private Set<Counted> units = EnumSet.of(Counted.CPU);

    @BeforeEach
    void cpuTimeIsMeasured() {
        Assumptions.assumeTrue(THREADS.isCurrentThreadCpuTimeSupported() && THREADS.isThreadCpuTimeEnabled(),
                "this JVM measures no thread CPU time; CostMeterTest covers how the meter degrades");
    }

    @AfterEach
    void stop() {
        real.close();
    }

    /** The real manager, saying a limit counts {@link #units} and keeping the permits it issues. */
    private QuotaManager manager() {
        return (QuotaManager) Proxy.newProxyInstance(QuotaManager.class.getClassLoader(),
                new Class<?>[] {QuotaManager.class}, (self, method, args) -> {
                    if (method.getName().equals("chargedAtEnd")) {
                        return units;
                    }
                    try {
                        Object answer = method.invoke(real, args);
                        if (answer instanceof QuotaPermit p) {
                            permits.add(p);
                        } else if (answer instanceof CompletionStage<?> stage) {
                            return stage.thenApply(a -> {
                                if (a instanceof QuotaPermit p) {
                                    permits.add(p);
                                }
                                return a;
                            });
                        }
                        return answer;
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private QuotaInterceptor interceptor(QuotaCaller caller) {
        QuotaManager manager = manager();
        QuotaInterceptor interceptor = new QuotaInterceptor();
        interceptor.manager = manager;
        interceptor.extension = new QuotaExtension() {
            @Override
            QuotaMethod method(Method method, Class<?> targetClass) {
                return new QuotaMethod("", 1, true, "Shop#" + method.getName());
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
            }
        };
        return interceptor;
    }

    /** A caller the filter did not count (no filter, or a path it does not count). */
    private static final QuotaCaller ALONE = new QuotaCaller("key:alice", null, 0, false, false, false);
    /** A caller whose request the filter counted and holds the slot of. */
    private static final QuotaCaller FILTERED = new QuotaCaller("key:alice", null, 0, true, false, false);

    private long charged() {
        assertThat(permits).singleElement().matches(QuotaPermit::isClosed, "closed");
        long[] charges = permits.get(0).charges();
        return charges == null ? 0 : charges[Counted.CPU.ordinal()];
    }

    @Test
    void aMethodIsChargedTheCpuItBurntBeforeItsPermitCloses() throws Exception {
        interceptor(ALONE).enforce(invocation("upload", () -> burn(20 * MS)));
        assertThat(charged()).isGreaterThanOrEqualTo(20 * MS);
    }

    @Test
    void aMethodThatThrowsIsChargedToo() throws Exception {
        assertThatThrownBy(() -> interceptor(ALONE).enforce(invocation("upload", () -> {
            burn(20 * MS);
            throw new IllegalArgumentException("bad file");
        }))).isInstanceOf(IllegalArgumentException.class);
        assertThat(charged()).isGreaterThanOrEqualTo(20 * MS);
    }

    @Test
    void aStageMethodIsChargedItsInvokingThreadBeforeAnAlreadyCompletedStageClosesThePermit() throws Exception {
        Object answer = interceptor(ALONE).enforce(invocation("later", () -> {
            burn(20 * MS);
            return CompletableFuture.completedFuture("done");
        }));
        assertThat(answer).isInstanceOf(CompletionStage.class);
        assertThat(charged()).isGreaterThanOrEqualTo(20 * MS);
    }

    @Test
    void onARequestTheFilterCountedTheFilterChargesItAndThisDoesNot() throws Exception {
        interceptor(FILTERED).enforce(invocation("upload", () -> burn(20 * MS)));
        assertThat(charged()).as("the filter's permit is charged for the whole request thread").isZero();
    }

    @Test
    void nothingIsMeasuredWhenNoLimitCountsIt() throws Exception {
        units = Set.of();
        interceptor(ALONE).enforce(invocation("upload", () -> burn(20 * MS)));
        assertThat(charged()).isZero();
    }

    /** Burns this thread's CPU until it has used {@code nanos} more. */
    private static Object burn(long nanos) {
        long start = THREADS.getCurrentThreadCpuTime();
        long x = 17;
        while (THREADS.getCurrentThreadCpuTime() - start < nanos) {
            for (int i = 0; i < 10_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        return x;
    }

    @FunctionalInterface
    interface Body {
        Object run() throws Exception;
    }

    /** A call of this class's {@code name} method whose proceed runs {@code body}. */
    private static InvocationContext invocation(String name, Body body) throws NoSuchMethodException {
        Method m = QuotaInterceptorCostTest.class.getDeclaredMethod(name);
        return (InvocationContext) Proxy.newProxyInstance(InvocationContext.class.getClassLoader(),
                new Class<?>[] {InvocationContext.class}, (self, method, args) -> switch (method.getName()) {
                    case "getMethod" -> m;
                    case "getTarget" -> "a target";
                    case "getParameters" -> new Object[0];
                    case "proceed" -> body.run();
                    default -> null;
                });
    }

    @SuppressWarnings("unused")
    private String upload() {
        return "done";
    }

    @SuppressWarnings("unused")
    private CompletionStage<String> later() {
        return CompletableFuture.completedFuture("done");
    }
}
