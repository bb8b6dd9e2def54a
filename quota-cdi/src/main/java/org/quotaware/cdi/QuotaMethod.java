package org.quotaware.cdi;

import java.lang.reflect.Method;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import org.quotaware.WindowedLimit;

/**
 * One {@code @Quota} method as resolved at deployment (annotation and configuration merged, validated), so the
 * interceptor does no reflection or configuration lookup per call.
 *
 * @param tier       empty for the caller's own quota, else the tier of a separate per-method quota
 * @param cost       files one call counts as
 * @param concurrent whether a call holds a slot
 * @param name       {@code com.example.Resource#upload}: the target in the denial log and the {@code method} tag of
 *                   the decision metrics (overloads share it)
 * @param rules      the rules per endpoint its calls are charged to (a configured one, or its own), empty for none
 * @param ruleCost   the cost units a call counts: its configured rule's cost, else 1
 * @param limits     the rows of its own rule ({@link Quota#limits()}), which every tier holds; empty for none
 */
record QuotaMethod(String tier, int cost, boolean concurrent, String name, Set<String> rules, int ruleCost,
                   List<WindowedLimit> limits) {

    QuotaMethod {
        rules = Set.copyOf(rules);
        limits = List.copyOf(limits);
    }

    /** A method of no rule. */
    QuotaMethod(String tier, int cost, boolean concurrent, String name) {
        this(tier, cost, concurrent, name, Set.of(), 1, List.of());
    }

    /**
     * The name of a method's own rule when {@link Quota#rule()} gives none: {@code <class>.<method>} in lower case,
     * each character a rule name cannot hold made '-', cut to 40 characters.
     */
    static String ownRule(Method m) {
        String name = (m.getDeclaringClass().getSimpleName() + "." + m.getName()).toLowerCase(Locale.ROOT)
                .replaceAll("[^a-z0-9_.-]", "-");
        return name.length() > 40 ? name.substring(0, 40) : name;
    }

    /** The start of the key of a separate per-method quota. */
    static final String SEPARATE = "tier:";

    /** {@code com.example.Resource#upload}. */
    static String name(Method m) {
        return m.getDeclaringClass().getName() + "#" + m.getName();
    }

    /** {@code com.example.Resource#upload(String)}, as deployment errors name it. */
    static String describe(Method m) {
        StringBuilder s = new StringBuilder(m.getDeclaringClass().getName()).append('#').append(m.getName()).append('(');
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            s.append(i == 0 ? "" : ", ").append(types[i].getSimpleName());
        }
        return s.append(')').toString();
    }

    /**
     * The store key: the user, or {@code tier:<tier>:<user>} for the user's separate quota of this method's tier.
     * Never another caller's key: the identities the filter and {@link Callers} make start with {@code principal:},
     * {@code key:}, {@code user:} or {@code ip:}, or are {@code anonymous}, never with {@code tier:}; and a tier name
     * holds no {@code ':'}, so the first one after the tier ends it. ({@code user@tier} was ambiguous: a principal
     * named {@code alice@gold} spent the gold quota of {@code alice}.)
     */
    String key(String user) {
        return tier.isEmpty() ? user : SEPARATE + tier + ':' + user;
    }
}
