package org.quotaware.cdi;

import java.lang.reflect.Method;

/**
 * One {@code @Quota} method as resolved at deployment (annotation and configuration merged, validated), so the
 * interceptor does no reflection or configuration lookup per call.
 *
 * @param tier       empty for the caller's own quota, else the tier of a separate per-method quota
 * @param cost       files one call counts as
 * @param concurrent whether a call holds a slot
 * @param name       {@code com.example.Resource#upload}: the target in the denial log and the {@code method} tag of
 *                   the decision metrics (overloads share it)
 */
record QuotaMethod(String tier, int cost, boolean concurrent, String name) {

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

    /** The store key: the user, or the user's separate quota for this method's tier. */
    String key(String user) {
        return tier.isEmpty() ? user : user + "@" + tier;
    }
}
