package org.quotaware.engine;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaPermit;
import org.quotaware.QuotaRequest;
import org.quotaware.spi.QuotaStore;

/**
 * The permits a manager issues, and what closing one does: its slot goes back to the store and to this instance, and
 * to the user's next waiting request. While a permit is open, the lease of its slot is renewed (for a store whose
 * slots expire).
 */
final class IssuedPermits {

    private final QuotaStore store;
    private final long leaseMillis;
    /** Permits holding a leased slot, renewed by {@link #renewLeases()}; null when the store's slots never expire. */
    private final Set<QuotaPermit> leased;
    /** The instance's slot count ({@link InstanceSlots}), which a closed permit leaves. */
    private final AtomicInteger active;
    private final Statistics statistics;
    private final WaitingRoom room;
    // made once, not a method reference per permit
    private final QuotaPermit.Releaser slotReleaser = (p, ok) -> releaseSlot(p, ok, null);
    private final QuotaPermit.Releaser endReleaser = (p, ok) -> releaseNoSlot(p, ok, null);

    IssuedPermits(QuotaStore store, long leaseMillis, AtomicInteger active, Statistics statistics, WaitingRoom room) {
        this.store = store;
        this.leaseMillis = leaseMillis;
        this.leased = leaseMillis == QuotaEngine.NO_LEASE ? null : ConcurrentHashMap.newKeySet();
        this.active = active;
        this.statistics = statistics;
        this.room = room;
    }

    QuotaPermit permit(String user, long token, boolean concurrent, QuotaLimits limits, QuotaCheckResult result) {
        return leased(new QuotaPermit(user, token, result, releaser(concurrent, limits)));
    }

    QuotaPermit permit(String user, long token, boolean concurrent, QuotaLimits limits,
                       Supplier<QuotaCheckResult> result) {
        return leased(new QuotaPermit(user, token, result, releaser(concurrent, limits)));
    }

    /**
     * The shared releasers, or for limits that count something when requests end, one that brings them with the
     * release: the user's state may have been dropped since the admission, and a new one must count the charges in
     * their rings.
     */
    private QuotaPermit.Releaser releaser(boolean concurrent, QuotaLimits limits) {
        if (!Windows.of(limits).chargesAtEnd) {
            return concurrent ? slotReleaser : endReleaser;
        }
        return concurrent ? (p, ok) -> releaseSlot(p, ok, limits) : (p, ok) -> releaseNoSlot(p, ok, limits);
    }

    /** The permit, tracked for lease renewal when it holds a slot of a store whose slots expire. */
    private QuotaPermit leased(QuotaPermit p) {
        if (leased != null && p.slot() != 0) {
            leased.add(p);
        }
        return p;
    }

    /** See {@link org.quotaware.spi.HostedQuotaManager#renewLeases()}. */
    int renewLeases() {
        if (leased == null) {
            return 0;
        }
        Map<String, List<Long>> byUser = new HashMap<>();
        for (QuotaPermit p : leased) {
            byUser.computeIfAbsent(p.user(), u -> new ArrayList<>()).add(p.slot());
        }
        room.addPlaces(byUser); // every waiting place too: a wait may be longer than the lease
        int renewed = 0;
        for (Map.Entry<String, List<Long>> e : byUser.entrySet()) {
            long[] tokens = e.getValue().stream().mapToLong(Long::longValue).toArray();
            renewed += store.execute(e.getKey(), new Operations.Renew(tokens, leaseMillis));
        }
        return renewed;
    }

    private void releaseNoSlot(QuotaPermit permit, boolean success, QuotaLimits limits) {
        Operations.Charges charges = Operations.Charges.of(permit.charges(), QuotaRequest.request());
        if (charges != Operations.Charges.NONE) {
            store.send(permit.user(), new Operations.Release(0, success, charges, limits));
        }
        statistics.ended(success);
    }

    private void releaseSlot(QuotaPermit permit, boolean success, QuotaLimits limits) {
        String user = permit.user();
        if (leased != null) {
            leased.remove(permit);
        }
        try {
            // CPU and allocation budgets are a tier's, not a rule's: the permit's rules are not kept
            Operations.Charges charges = Operations.Charges.of(permit.charges(), QuotaRequest.request());
            // a permit of a tier without a concurrency limit holds no slot, but what it was charged still counts
            if (permit.slot() != 0 || charges != Operations.Charges.NONE) {
                Operations.Release release = new Operations.Release(permit.slot(), success, charges,
                        charges == Operations.Charges.NONE ? null : limits);
                if (room.waiting() == 0) {
                    // nobody needs the answer: a cluster store does not make the request wait a round trip for it
                    store.send(user, release);
                } else {
                    // the handover below must find the slot free (HostileLoadIT lost waits without this)
                    store.execute(user, release);
                }
            }
        } finally {
            active.decrementAndGet();
            statistics.ended(success);
        }
        room.released(user);
    }
}
