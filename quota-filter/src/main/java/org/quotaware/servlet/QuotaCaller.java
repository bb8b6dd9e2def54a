package org.quotaware.servlet;

import org.quotaware.QuotaRequest;

/**
 * Who a request's caller is for quotas, and what the filter already counted for it. The filter leaves it in the
 * request attribute {@link #ATTRIBUTE}, so a {@code @Quota} method on the same request adds only what the filter did
 * not count: never the request twice, never a second slot.
 *
 * @param user        the quota key, prefixed by the identity chain's entry that named the caller: by default
 *                    {@code principal:alice}, {@code key:alice}, {@code user:alice} or {@code ip:...}
 * @param tier        the tier the caller was identified with (e.g. {@code anonymous}), null for the user's own
 * @param files       files the filter counted for this request
 * @param slot        whether the filter holds a concurrency slot for this request
 * @param unknownKey  whether the caller sent an API key that is not configured
 * @param anonymous   whether the caller is known by its address only, see {@link QuotaRequest#anonymous()}
 * @param rules       the rules per endpoint the filter matched and charged this request to
 */
public record QuotaCaller(String user, String tier, int files, boolean slot, boolean unknownKey, boolean anonymous,
                          java.util.Set<String> rules) {

    public QuotaCaller {
        rules = rules == null ? java.util.Set.of() : java.util.Set.copyOf(rules);
    }

    /** A caller for whom no rule was matched. */
    public QuotaCaller(String user, String tier, int files, boolean slot, boolean unknownKey, boolean anonymous) {
        this(user, tier, files, slot, unknownKey, anonymous, java.util.Set.of());
    }

    public static final String ATTRIBUTE = QuotaCaller.class.getName();

    /**
     * The caller of the request the filter is running the rest of the chain for on this thread, or null. A
     * {@code @Quota} method looks here first: on the {@code ASYNC} dispatch that resumes a request parked in the queue,
     * Payara's CDI has no {@code HttpServletRequest} to give it.
     */
    public static QuotaCaller current() {
        RunningChain running = RunningChain.current();
        return running == null ? null : running.caller;
    }

    /** A caller nothing has been counted for yet. */
    static QuotaCaller identified(CallerIdentity.Caller caller) {
        return new QuotaCaller(caller.user(), caller.tier(), 0, false, caller.unknownKey(), caller.anonymous());
    }
}
