package org.quotaware.cdi.ops;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.naming.InitialContext;
import javax.naming.NamingException;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;

/**
 * Only in the operations IT's WAR: the application's own {@link HazelcastInstance} bean (which quota-cdi prefers to
 * Payara's), Payara's instance behind a proxy that counts the {@code size()} calls of its maps, the cluster-wide count a
 * scrape of {@code /metrics} or {@code /health} may make. Everything else goes to Payara's instance as it is.
 */
@ApplicationScoped
public class CountingHazelcast {

    /** {@code IMap.size()} calls on every map of the instance since the application started. */
    static final AtomicLong SIZES = new AtomicLong();

    private volatile HazelcastInstance counting;

    @Produces
    HazelcastInstance instance() throws NamingException {
        HazelcastInstance c = counting;
        if (c == null) {
            HazelcastInstance payara = (HazelcastInstance) new InitialContext().lookup("payara/Hazelcast");
            c = proxy(HazelcastInstance.class, payara, (method, args, result) ->
                    method.equals("getMap") ? proxy(IMap.class, result, (m, a, r) -> {
                        if (m.equals("size")) {
                            SIZES.incrementAndGet();
                        }
                        return r;
                    }) : result);
            counting = c;
        }
        return c;
    }

    private interface After {
        Object after(String method, Object[] args, Object result);
    }

    /** {@code delegate} behind a proxy of its interfaces (a member's instance also serves its serialization). */
    private static <T> T proxy(Class<T> type, Object delegate, After after) {
        List<Class<?>> interfaces = new ArrayList<>(List.of(type));
        for (Class<?> i : delegate.getClass().getInterfaces()) {
            if (i != type && i.getName().startsWith("com.hazelcast.") && i.getClassLoader() == type.getClassLoader()
                    && !i.getName().contains(".impl.")) {
                interfaces.add(i);
            }
        }
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), interfaces.toArray(Class<?>[]::new),
                (self, method, args) -> {
                    try {
                        return after.after(method.getName(), args, method.invoke(delegate, args));
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                }));
    }
}
