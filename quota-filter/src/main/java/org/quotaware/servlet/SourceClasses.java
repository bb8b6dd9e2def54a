package org.quotaware.servlet;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;

import org.quotaware.config.ConfigValues;

/**
 * Instantiates the identity chain's {@code class:<class name>} entries when the filter's settings are made, so a
 * class that cannot serve fails the deployment with the key, the entry and what is allowed.
 */
final class SourceClasses {

    private SourceClasses() {
    }

    /** An application's source named in the configuration: a public class with a public no-argument constructor. */
    static IdentitySource instantiate(String key, String entry, String className) {
        String allowed = "a public class implementing " + IdentitySource.class.getName()
                + " with a public no-argument constructor";
        Class<?> type;
        try {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            type = Class.forName(className, false, loader != null ? loader : SourceClasses.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw ConfigValues.fail(key, "chain entry", entry + " (no such class)", allowed);
        }
        if (!IdentitySource.class.isAssignableFrom(type) || !Modifier.isPublic(type.getModifiers())
                || Modifier.isAbstract(type.getModifiers())) {
            throw ConfigValues.fail(key, "chain entry", entry, allowed);
        }
        try {
            Constructor<?> constructor = type.getConstructor();
            return (IdentitySource) constructor.newInstance();
        } catch (NoSuchMethodException | IllegalAccessException | InstantiationException e) {
            throw ConfigValues.fail(key, "chain entry", entry, allowed);
        } catch (InvocationTargetException e) {
            throw ConfigValues.fail(key, "chain entry", entry + " (its constructor threw " + e.getCause() + ")",
                    allowed);
        }
    }
}
