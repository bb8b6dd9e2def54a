package org.quotaware.cdi;

import java.io.File;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GlassFish, WildFly, Open Liberty: no Hazelcast class at all (Payara keeps its own even with {@code --nohazelcast}).
 * The container reflects on every bean, resource and provider at deployment, so none may name a Hazelcast type; and
 * the store chosen there is the local one. Both are checked in a class loader that has this module's class path minus
 * every {@code com.hazelcast} class.
 */
class WithoutHazelcastTest {

    /** What makes the container (CDI in annotated mode, JAX-RS) reflect on a class. */
    private static final Set<String> REFLECTED_WHEN_ANNOTATED = Set.of(
            "jakarta.enterprise.context.ApplicationScoped", "jakarta.enterprise.context.RequestScoped",
            "jakarta.enterprise.context.SessionScoped", "jakarta.enterprise.context.ConversationScoped",
            "jakarta.enterprise.context.Dependent", "jakarta.inject.Singleton", "jakarta.interceptor.Interceptor",
            "jakarta.decorator.Decorator", "jakarta.enterprise.inject.Model", "jakarta.ws.rs.Path",
            "jakarta.ws.rs.ext.Provider", "jakarta.ws.rs.ApplicationPath");

    private URLClassLoader withoutHazelcast;

    @BeforeEach
    void load() {
        String path = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<URL> urls = new ArrayList<>();
        for (String entry : path.split(File.pathSeparator)) {
            try {
                urls.add(Path.of(entry).toUri().toURL());
            } catch (IOException e) {
                throw new IllegalStateException(entry, e);
            }
        }
        // parent: the JDK only, so every other class (this module's too) comes from these URLs, never from the
        // test's own loader, which has Hazelcast
        withoutHazelcast = new URLClassLoader("without-hazelcast", urls.toArray(URL[]::new),
                ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.startsWith("com.hazelcast.")) {
                    throw new ClassNotFoundException(name + " (a server without Hazelcast)");
                }
                return super.loadClass(name, resolve);
            }
        };
    }

    @AfterEach
    void close() throws IOException {
        withoutHazelcast.close();
    }

    @Test
    void everyClassTheContainerReflectsOnLoadsWithoutHazelcast() throws Exception {
        Path classes = Path.of("target", "classes");
        List<String> names;
        try (Stream<Path> files = Files.walk(classes)) {
            names = files.map(f -> classes.relativize(f).toString()).filter(f -> f.endsWith(".class"))
                    .map(f -> f.substring(0, f.length() - ".class".length()).replace(File.separatorChar, '.'))
                    .sorted().toList();
        }
        List<String> reflected = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (String name : names) {
            Class<?> type;
            try {
                type = Class.forName(name, false, withoutHazelcast);
            } catch (LinkageError | ClassNotFoundException e) {
                // a Hazelcast implementation (an EntryProcessor, a listener): only the Hazelcast packages may hold one
                if (!name.startsWith("org.quotaware.hazelcast.") && !name.startsWith("org.quotaware.cdi.hazelcast.")) {
                    failures.add(name + " does not load: " + e);
                }
                continue;
            }
            if (!reflectedOn(type)) {
                continue;
            }
            reflected.add(type.getSimpleName());
            try {
                reflect(type);
            } catch (NoClassDefFoundError | TypeNotPresentException e) {
                failures.add(name + ": " + e);
            }
        }

        assertThat(failures).isEmpty();
        assertThat(reflected).contains("QuotaBeans", "QuotaExtension", "QuotaInterceptor", "TierReplication",
                "OverrideReplication", "ScalingService", "QuotaAdminResource", "DashboardData");
    }

    @Test
    void theStoreChoiceWithoutHazelcastIsTheLocalStoreAndAConfiguredClusterFallsBack() throws Exception {
        @SuppressWarnings("unchecked")
        Supplier<List<Object>> choice = (Supplier<List<Object>>) Class
                .forName(Choose.class.getName(), true, withoutHazelcast).getDeclaredConstructor().newInstance();

        assertThat(choice.get()).containsExactly("org.quotaware.local.InMemoryQuotaStore", 4,
                "org.quotaware.store.FallbackQuotaStore", 2);
    }

    /** Runs inside the loader without Hazelcast: the store chosen and how many of ten requests it admits. */
    public static final class Choose implements Supplier<List<Object>> {
        @Override
        public List<Object> get() {
            ClusterStores.Choice alone = ClusterStores.choose(ClusterStoresTest.config(Map.of()), null);
            ClusterStores.Choice clustered = ClusterStores.choose(
                    ClusterStoresTest.config(Map.of("quotaware.cluster.fallback-members", "2")), null);
            return List.of(alone.store().getClass().getName(), ClusterStoresTest.admitted(alone, 10),
                    clustered.store().getClass().getName(), ClusterStoresTest.admitted(clustered, 10));
        }
    }

    private static boolean reflectedOn(Class<?> type) {
        if (jakarta(type, "jakarta.enterprise.inject.spi.Extension")) {
            return true;
        }
        for (Annotation a : type.getDeclaredAnnotations()) {
            String name = a.annotationType().getName();
            if (REFLECTED_WHEN_ANNOTATED.contains(name)
                    || meta(a, "jakarta.enterprise.inject.Stereotype", "jakarta.inject.Scope",
                    "jakarta.enterprise.context.NormalScope")) {
                return true;
            }
        }
        return false;
    }

    private static boolean jakarta(Class<?> type, String interfaceName) {
        for (Class<?> t = type; t != null; t = t.getSuperclass()) {
            for (Class<?> i : t.getInterfaces()) {
                if (i.getName().equals(interfaceName)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static boolean meta(Annotation a, String... names) {
        for (Annotation m : a.annotationType().getDeclaredAnnotations()) {
            if (Set.of(names).contains(m.annotationType().getName())) {
                return true;
            }
        }
        return false;
    }

    /** What CDI and JAX-RS read at deployment: members, their annotations and generic types, up the hierarchy. */
    private static void reflect(Class<?> type) {
        Set<Type> seen = new HashSet<>();
        for (Class<?> t = type; t != null && t != Object.class; t = t.getSuperclass()) {
            t.getDeclaredAnnotations();
            walk(t.getGenericSuperclass(), seen);
            for (Type i : t.getGenericInterfaces()) {
                walk(i, seen);
            }
            for (Field f : t.getDeclaredFields()) {
                f.getDeclaredAnnotations();
                walk(f.getGenericType(), seen);
            }
            for (Executable e : t.getDeclaredMethods()) {
                executable(e, seen);
                walk(((java.lang.reflect.Method) e).getGenericReturnType(), seen);
            }
            for (Executable e : t.getDeclaredConstructors()) {
                executable(e, seen);
            }
        }
    }

    private static void executable(Executable e, Set<Type> seen) {
        e.getDeclaredAnnotations();
        e.getParameterAnnotations();
        for (Type p : e.getGenericParameterTypes()) {
            walk(p, seen);
        }
        for (Type x : e.getGenericExceptionTypes()) {
            walk(x, seen);
        }
    }

    /** Type arguments are resolved lazily: walk them all. */
    private static void walk(Type type, Set<Type> seen) {
        if (type == null || !seen.add(type)) {
            return;
        }
        if (type instanceof ParameterizedType p) {
            walk(p.getRawType(), seen);
            walk(p.getOwnerType(), seen);
            for (Type a : p.getActualTypeArguments()) {
                walk(a, seen);
            }
        } else if (type instanceof WildcardType w) {
            for (Type b : w.getUpperBounds()) {
                walk(b, seen);
            }
            for (Type b : w.getLowerBounds()) {
                walk(b, seen);
            }
        } else if (type instanceof GenericArrayType g) {
            walk(g.getGenericComponentType(), seen);
        } else if (type instanceof TypeVariable<?> v) {
            for (Type b : v.getBounds()) {
                walk(b, seen);
            }
        }
    }
}
