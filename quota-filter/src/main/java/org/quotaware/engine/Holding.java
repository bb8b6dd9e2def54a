package org.quotaware.engine;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongSupplier;

import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.engine.Allotments.Allot;
import org.quotaware.engine.Allotments.Grant;
import org.quotaware.engine.Allotments.Settle;
import org.quotaware.engine.Allotments.Usage;
import org.quotaware.engine.Allotments.Want;
import org.quotaware.engine.Decision.Verdict;

/**
 * One member's allowance for one user: the grant the owner of the user's state made it, what it used of it, and the
 * demand it saw, from which it asks for the next grant. The allowance store
 * ({@code org.quotaware.store.AllowanceStore}) keeps one per user; every method runs under the holding's lock.
 * Internal to the library, not an API.
 * <p>
 * A request is decided here only while the grant is open, not past its use-by time, for the same limits, and while
 * every unit and the slot it needs are left in the grant; anything else (a denial, a file too large, a full instance,
 * a queue) is the owner's. The use-by time is the member's own: measured on its monotonic clock from before it sent
 * the exchange, and at least the clocks' skew bound before the owner's expiry of the grant, so the member has stopped
 * using a grant before any owner can count it expired.
 */
public final class Holding {

    /** The most rings of one limits' layout: one per windowed limit. */
    private static final int W = QuotaLimits.MAX_WINDOWS;

    /** The owner's id of the grant to settle next (it holds this member's slots and units), 0 when none. */
    private long grant;
    /** Whether requests may be decided on the grant: false from an exchange's start until its answer installs one. */
    private boolean open;
    private boolean exchanging;
    /** Dropped from its store: the store looks up (or makes) another. */
    private boolean retired;
    /** Give the grant back at the next tick (a request of this member had to queue at the owner). */
    private boolean giveBack;
    private long useBy;
    private QuotaLimits limits;
    private long[] granted = new long[W];
    /** Units of each ring of the grant's limits used here since the last exchange (W long: rings beyond are 0). */
    private final long[] used = new long[W];
    /** The grant's slots: those this member's tasks hold ({@link #inUse}) and spare ones. */
    private int slots;
    private int inUse;
    /** Tokens of the permits holding one of the grant's slots, {@link #inUse} of them. */
    private long[] tokens = Leases.NONE;
    private int completed;
    private int failed;
    /** Outcomes the exchange under way reports, taken off when it succeeds. */
    private int sentCompleted;
    private int sentFailed;
    private List<LimitStatus> view = List.of();
    private long viewAt;
    /**
     * The demand seen over about the last period, from {@link #since}: requests (decided here or by the owner), units
     * of each window, the most slots held at once. Scaled down as time passes rather than reset, so it is a rate.
     */
    private double requests;
    private final double[] consumed = new double[W];
    private int peak;
    private long since;
    private long lastExchange;
    private long lastUse;
    /** No asking before this: the owner granted nothing at the last exchange (a limit is near). */
    private long quietUntil;

    /** A holding made at {@code nanos} (monotonic), with nothing granted yet. */
    public Holding(long nanos) {
        since = nanos;
        lastExchange = nanos;
        lastUse = nanos;
    }

    /**
     * The request decided on the grant ({@link Verdict#ADMITTED}, with this member's view of the limits), or null
     * when it does not fit there and the owner must decide it.
     */
    public synchronized Decision admit(Operations.Acquire a, long nanos, LongSupplier millis) {
        if (!open || nanos - useBy >= 0 || a.instanceFull() || !a.limits().equals(limits)) {
            return null;
        }
        QuotaRequest r = a.request();
        long maxSize = limits.maxFileSizeBytes();
        if (maxSize != QuotaLimits.OFF && r.fileSizeBytes() > maxSize) {
            return null; // the owner answers the denial, with its reasons
        }
        SlidingWindow[] rings = Windows.of(limits).rings;
        for (SlidingWindow w : rings) {
            long need = w.need(r);
            if (need > 0 && used[w.ring] + need > granted[w.ring]) {
                return null;
            }
        }
        boolean slot = a.token() != 0;
        if (slot && inUse >= slots) {
            return null;
        }
        for (SlidingWindow w : rings) {
            long need = w.need(r);
            used[w.ring] += need;
            consumed[w.ring] += need;
        }
        requests++;
        lastUse = nanos;
        if (slot) {
            hold(a.token());
        }
        return new Decision(Verdict.ADMITTED, List.of(), view(nanos), millis.getAsLong());
    }

    private void hold(long token) {
        if (inUse == tokens.length) {
            tokens = Arrays.copyOf(tokens, Math.max(4, tokens.length * 2));
        }
        tokens[inUse] = token;
        inUse++;
        peak = Math.max(peak, inUse);
    }

    /**
     * The exchange for a request that did not fit: the settlement of the grant and what to ask for, or null when the
     * request goes to the owner as a plain {@link Operations.Acquire} (an exchange is under way, or there is nothing
     * to settle and nothing worth asking for). The holding is closed until {@link #settled} or {@link #failed}.
     */
    public synchronized Allot exchange(Operations.Acquire a, int members, long nanos, long grantId, long period) {
        if (retired) {
            return null;
        }
        slide(nanos, period);
        Want want = exchanging || nanos - quietUntil < 0 ? Want.NONE : want(a, nanos, period);
        if (want == Want.NONE) {
            // what there is to settle waits for the tick: an exchange that asks for nothing saves no round trip
            noted(a);
            return null;
        }
        return new Allot(a, grant, grantId, start(), want, members);
    }

    /**
     * Waits, for at most {@code maxMillis} of real time, for the exchange under way to end, when there is one and it
     * may grant (no limit was near at the last one): the request can then be decided on the new grant, rather than
     * sent to the owner beside it while this member's own grant holds units it could use. Answers whether it waited.
     */
    public synchronized boolean awaitExchange(long nanos, long maxMillis) {
        if (!exchanging || nanos - quietUntil < 0) {
            return false;
        }
        long deadline = System.nanoTime() + maxMillis * 1_000_000L;
        try {
            for (long left = maxMillis; exchanging && left > 0; left = (deadline - System.nanoTime()) / 1_000_000L) {
                wait(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    /** Counts a request the owner decides, as demand. */
    private void noted(Operations.Acquire a) {
        requests++;
        for (SlidingWindow w : Windows.of(a.limits()).rings) {
            consumed[w.ring] += w.need(a.request());
        }
        if (a.token() != 0) {
            peak = Math.max(peak, inUse + 1);
        }
    }

    /** Scales the demand down to about the last {@code period}, so it measures a rate. */
    private void slide(long nanos, long period) {
        long span = nanos - since;
        if (span > period) {
            double keep = (double) period / span;
            requests *= keep;
            for (int w = 0; w < W; w++) {
                consumed[w] *= keep;
            }
            peak = inUse;
            since = nanos - period;
        }
    }

    /** Closes the grant for an exchange and answers what it settles. */
    private Usage start() {
        exchanging = true;
        open = false;
        giveBack = false;
        sentCompleted = completed;
        sentFailed = failed;
        int rings = limits == null ? 0 : Windows.of(limits).rings.length;
        return new Usage(Arrays.copyOf(used, rings), inUse, completed, failed);
    }

    /**
     * What to ask for: twice what this member's demand makes for one {@code period} (measured over about the last
     * period, and over at least a quarter of one, so a first burst is not taken for a flood), but nothing unless that
     * is at least two requests, the one at hand ({@code a}, null for a settlement) included: a grant a member would
     * not use in time only parks capacity.
     */
    private Want want(Operations.Acquire a, long nanos, long period) {
        double asked = a == null ? requests : requests + 1;
        double scale = (double) period / Math.max(nanos - since, period / 4);
        if (asked < 2 || asked * scale < 2) {
            return Want.NONE;
        }
        QuotaLimits l = a == null ? limits : a.limits();
        if (l == null) {
            return Want.NONE;
        }
        SlidingWindow[] rings = Windows.of(l).rings;
        long[] units = new long[rings.length];
        for (SlidingWindow w : rings) {
            long need = a == null ? 0 : w.need(a.request());
            units[w.ring] = (long) Math.ceil(2 * scale * (consumed[w.ring] + need));
        }
        boolean slot = a == null ? peak > 0 : a.token() != 0;
        int slots = 0;
        if (slot) {
            int wanted = 2 * Math.max(peak, a == null ? inUse : inUse + 1);
            slots = Math.max(1, wanted - inUse - (a == null ? 0 : 1));
        }
        return new Want(units, slots);
    }

    /**
     * Installs the owner's answer to an exchange sent at {@code sent} (monotonic nanoseconds): the grant, which this
     * member may use until its use-by time, {@code period} from then and at least {@code skew} before the owner's
     * expiry ({@code lifetime} from then); the request's slot, {@code token}, when the grant took it in.
     */
    public synchronized void settled(Grant g, QuotaLimits grantLimits, long token, long sent, long period,
                                     long lifetime, long skew) {
        exchanging = false;
        grant = g.id();
        slots = g.slots();
        granted = Arrays.copyOf(g.units(), W);
        Arrays.fill(used, 0);
        completed -= sentCompleted;
        failed -= sentFailed;
        sentCompleted = 0;
        sentFailed = 0;
        if (g.folded()) {
            hold(token);
        }
        limits = grantLimits;
        view = g.view();
        viewAt = sent;
        useBy = sent + Math.min(period, lifetime - skew);
        open = grant != 0 && !giveBack && (slots > inUse || Arrays.stream(granted).anyMatch(u -> u > 0));
        if (!open) {
            quietUntil = sent + period / 4; // a limit is near: one by one for a while, as plain acquires
        }
        notifyAll();
        lastExchange = sent;
    }

    /**
     * The exchange got no answer: the grant stays closed, and what was used of it is reported at the next exchange
     * (the owner settles it then if it did not, and ignores it if it did or the grant expired).
     */
    public synchronized void failed() {
        exchanging = false;
        sentCompleted = 0;
        sentFailed = 0;
        notifyAll();
    }

    /** The request decided by the owner had to queue: no request of this member is decided locally any more. */
    public synchronized void queued() {
        giveBack = true;
        open = false;
    }

    /** Ends the slot of {@code token} if it is one of the grant's; false when it is not. */
    public synchronized boolean release(long token, boolean success) {
        for (int i = 0; i < inUse; i++) {
            if (tokens[i] == token) {
                tokens[i] = tokens[inUse - 1];
                inUse--;
                if (success) {
                    completed++;
                } else {
                    failed++;
                }
                return true;
            }
        }
        return false;
    }

    /** The tokens among {@code these} that are not the grant's (those are renewed by settling the grant). */
    public synchronized long[] notHeld(long[] these) {
        long[] out = new long[these.length];
        int n = 0;
        outer:
        for (long t : these) {
            for (int i = 0; i < inUse; i++) {
                if (tokens[i] == t) {
                    continue outer;
                }
            }
            out[n++] = t;
        }
        return n == these.length ? these : Arrays.copyOf(out, n);
    }

    /**
     * The settlement the tick sends now, or null: the grant given back once unused for {@code linger} (or at once
     * after a request queued at the owner), and renewed (with a new ask) every {@code period}, which also keeps the
     * slots of this member's running tasks alive.
     */
    public synchronized Settle due(long nanos, int members, long grantId, long leaseMillis, long linger,
                                   long period) {
        if (exchanging || retired || grant == 0 && !anythingToReport()) {
            return null;
        }
        boolean spare = slots > inUse || anyLeft();
        boolean idle = nanos - lastUse >= linger && nanos - lastExchange >= linger;
        boolean back = (giveBack || idle) && (spare || anythingToReport());
        boolean renew = nanos - lastExchange >= period;
        if (!back && !renew) {
            return null;
        }
        slide(nanos, period);
        Want want = back ? Want.NONE : want(null, nanos, period);
        return new Settle(limits, grant, grantId, start(), want, members, leaseMillis);
    }

    /**
     * The renewal the manager's lease renewal asks for when some of its permits hold the grant's slots: the grant
     * settled and renewed, unless that was done less than half a {@code period} ago (by the tick, or an exchange).
     */
    public synchronized Settle renewal(long nanos, int members, long grantId, long leaseMillis, long period) {
        if (exchanging || retired || grant == 0 || nanos - lastExchange < period / 2) {
            return null;
        }
        slide(nanos, period);
        return new Settle(limits, grant, grantId, start(), want(null, nanos, period), members, leaseMillis);
    }

    private boolean anyLeft() {
        for (int w = 0; w < W; w++) {
            if (granted[w] > used[w]) {
                return true;
            }
        }
        return false;
    }

    private boolean anythingToReport() {
        return completed != 0 || failed != 0 || Arrays.stream(used).anyMatch(u -> u > 0);
    }

    /**
     * Retires this holding when it holds nothing at the owner and saw no request for {@code forget}: the store then
     * drops it. Answers whether it did.
     */
    public synchronized boolean retireIfUnused(long nanos, long forget) {
        if (exchanging || grant != 0 || inUse > 0 || anythingToReport() || nanos - lastUse < forget
                || nanos - lastExchange < forget) {
            return false;
        }
        retired = true;
        open = false;
        return true;
    }

    public synchronized boolean retired() {
        return retired;
    }

    /**
     * The owner's decision on a request of an exchange, as this member shows it: with this member's view of the
     * limits once the exchange left it a grant, so the {@code RateLimit} figures of its requests go down one by one
     * whether the owner or the member decided them.
     */
    public synchronized Decision viewed(Decision d, long nanos) {
        return grant == 0 || d.verdict() != Verdict.ADMITTED ? d
                : new Decision(d.verdict(), d.violations(), view(nanos), d.atMillis());
    }

    /** The ring of the row named {@code name} (a view shows only the rows that counted its request), or -1. */
    private static int ringOf(Windows layout, String name) {
        for (int i = 0; i < layout.rows.length; i++) {
            if (layout.rows[i].qualifiedName().equals(name)) {
                return layout.ringOfRow[i];
            }
        }
        return -1;
    }

    /** This member's view of the limits: the owner's at the last exchange, with what is left of the grant. */
    private List<LimitStatus> view(long nanos) {
        int n = view.size();
        if (n == 0) {
            return List.of();
        }
        long elapsed = (nanos - viewAt) / 1_000_000_000L;
        Windows layout = Windows.of(limits);
        LimitStatus[] out = new LimitStatus[n];
        for (int i = 0; i < n; i++) {
            LimitStatus s = view.get(i);
            long reset = Math.max(0, s.resetSeconds() - elapsed);
            if (s.limit() == Limit.CONCURRENT_TASKS) {
                long active = Math.max(0, s.used() - slots + inUse);
                out[i] = new LimitStatus(s.limit(), s.max(), active, Math.max(0, s.max() - active), reset);
            } else if (s.windowed() && ringOf(layout, s.name()) >= 0) {
                int w = ringOf(layout, s.name());
                long remaining = Math.min(s.max(), s.remaining() + Math.max(0, granted[w] - used[w]));
                out[i] = new LimitStatus(s.limit(), s.max(), s.max() - remaining, remaining, reset, s.name(),
                        s.windowSeconds());
            } else {
                out[i] = s;
            }
        }
        return List.of(out);
    }
}
