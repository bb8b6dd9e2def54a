package org.quotaware.cdi;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.enterprise.util.Nonbinding;
import jakarta.interceptor.InterceptorBinding;

/**
 * Puts a CDI bean method (typically a JAX-RS resource method) under the caller's quota: the call is admitted or
 * answered 429 (413 for size) before the method runs, and holds its concurrency slot until it returns, throws, or its
 * asynchronous result completes. On a class it applies to every business method.
 * <p>
 * Every member can be overridden with MicroProfile Config, first match wins: {@code <class>/<method>/Quota/<member>},
 * then {@code <class>/Quota/<member>}, then {@code Quota/<member>}, then the annotation (members {@code tier},
 * {@code cost}, {@code concurrent}, {@code rule}, {@code limits}).
 * Every {@code @Quota} is validated at deployment; a bad one fails the deployment naming the class, method and problem.
 */
@InterceptorBinding
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Quota {

    /**
     * Empty (the default): the caller's own quota, with the limits of the caller's tier, shared with the servlet
     * filter. A tier name: a separate quota per caller for this method, with the limits of that tier (which must be
     * defined).
     */
    @Nonbinding
    String tier() default "";

    /**
     * How many files one call counts as against the hourly and daily file limits. 0 (the default): the call is a
     * plain request, counted against requests per minute only; write {@code cost = 1} on a method that takes a file.
     */
    @Nonbinding
    int cost() default 0;

    /** Whether the call holds a concurrency slot while it runs. */
    @Nonbinding
    boolean concurrent() default true;

    /**
     * A rule per endpoint the calls are charged to: a rule configured with {@code quotaware.rules} and
     * {@code quotaware.rule.<name>.*} (its limits in the caller's tier, its cost), which must exist; or, with
     * {@link #limits()}, the name of the method's own rule. Empty (the default): none, or with {@link #limits()} a name
     * made from the method, {@code <class>.<method>} in lower case.
     */
    @Nonbinding
    String rule() default "";

    /**
     * Limits of the method's own, in every tier, in the syntax of {@code quotaware.<tier>.limits}
     * ({@code calls=10 requests/1m burst 2}): they count only this method's calls (its rule's, see
     * {@link #rule()}), and a violation is named {@code <rule>.<limit>}. Empty (the default): none.
     */
    @Nonbinding
    String limits() default "";
}
