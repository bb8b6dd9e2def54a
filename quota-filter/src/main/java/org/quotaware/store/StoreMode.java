package org.quotaware.store;

/** Where a {@link FallbackQuotaStore} decides now. */
public enum StoreMode {
    /** On the primary (distributed) store: every member sees the same counters. */
    DISTRIBUTED,
    /** On this member's local store, with a share of each limit, because the primary failed. */
    FALLBACK
}
