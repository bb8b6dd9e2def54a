package org.quotaware.servlet;

import org.quotaware.QuotaRequest;

/**
 * Who a request's caller is for quotas, and what the filter already counted for it. The filter leaves it in the
 * request attribute {@link #ATTRIBUTE}, so a {@code @Quota} method on the same request adds only what the filter did
 * not count: never the request twice, never a second slot.
 *
 * @param user        the quota key: {@code principal:alice}, {@code key:alice}, {@code user:alice} or {@code ip:...}
 * @param tier        the tier the caller was identified with (e.g. {@code anonymous}), null for the user's own
 * @param files       files the filter counted for this request
 * @param slot        whether the filter holds a concurrency slot for this request
 * @param unknownKey  whether the caller sent an API key that is not configured
 * @param anonymous   whether the caller is known by its address only, see {@link QuotaRequest#anonymous()}
 */
public record QuotaCaller(String user, String tier, int files, boolean slot, boolean unknownKey, boolean anonymous) {

    public static final String ATTRIBUTE = QuotaCaller.class.getName();

    /** The caller whose request the filter is passing down the chain on this thread; see {@link #current()}. */
    private static final ThreadLocal<QuotaCaller> CURRENT = new ThreadLocal<>();

    /**
     * The caller of the request the filter is running the rest of the chain for on this thread, or null. A
     * {@code @Quota} method looks here first: on the {@code ASYNC} dispatch that resumes a request parked in the queue
     * Payara 6's CDI has no {@code HttpServletRequest} to give it, so without this the filter's caller (and what it
     * counted) was lost, and the method decided again as an anonymous caller.
     */
    public static QuotaCaller current() {
        return CURRENT.get();
    }

    /** Makes {@code caller} {@linkplain #current() current} on this thread; answers the one it replaces. */
    static QuotaCaller enter(QuotaCaller caller) {
        QuotaCaller outer = CURRENT.get();
        CURRENT.set(caller);
        return outer;
    }

    /** Restores what {@link #enter} replaced. */
    static void leave(QuotaCaller outer) {
        if (outer == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(outer);
        }
    }

    /** A caller nothing has been counted for yet. */
    static QuotaCaller identified(CallerIdentity.Caller caller) {
        return new QuotaCaller(caller.user(), caller.tier(), 0, false, caller.unknownKey(), caller.anonymous());
    }
}
