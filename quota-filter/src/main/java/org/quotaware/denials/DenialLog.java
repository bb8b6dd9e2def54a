package org.quotaware.denials;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaRequest;
import org.quotaware.spi.DecisionListener;

/**
 * The latest denials of one manager (shadow denials included), in a ring of fixed size: the oldest goes when a new one
 * comes. Recording is lock-free (one counter increment, one array write), so a flood of denials costs no contention
 * and no memory beyond the ring; reading walks the ring, newest first.
 */
public final class DenialLog implements DecisionListener {

    /** The ring's default size. */
    public static final int DEFAULT_SIZE = 1_000;
    /** The largest ring allowed: about a kilobyte per denial at most, so 10 MB. */
    public static final int MAX_SIZE = 10_000;

    /** A denial with its sequence number, so a reader skips a slot overwritten while it walks. */
    private record Entry(long seq, Denial denial) {
    }

    private final AtomicReferenceArray<Entry> ring;
    private final AtomicLong next = new AtomicLong();
    private final String member;
    private final InstantSource clock;

    /**
     * @param size   how many denials are kept (0 keeps none)
     * @param member the name of this member, written into each denial
     * @param clock  the time of each denial
     */
    public DenialLog(int size, String member, InstantSource clock) {
        InvalidQuotaConfigException.requireRange("size", size, 0, MAX_SIZE);
        this.ring = new AtomicReferenceArray<>(size);
        this.member = Objects.requireNonNull(member, "member");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void decided(String tier, QuotaCheckResult result, long nanos) {
        decided(null, null, result, nanos);
    }

    @Override
    public void decided(String user, QuotaRequest request, QuotaCheckResult result, long nanos) {
        if (result.violations().isEmpty() || ring.length() == 0) {
            return;
        }
        record(Denial.of(clock.instant(), user, request == null ? null : request.target(), member, result));
    }

    /** Keeps one denial, pushing out the oldest when the ring is full. */
    public void record(Denial denial) {
        if (ring.length() == 0) {
            return;
        }
        long seq = next.getAndIncrement();
        ring.set((int) (seq % ring.length()), new Entry(seq, Objects.requireNonNull(denial, "denial")));
    }

    /** The latest {@code limit} denials, newest first. */
    public List<Denial> latest(int limit) {
        return find(null, limit);
    }

    /** The latest {@code limit} denials of one user, newest first (among those the ring still holds). */
    public List<Denial> of(String user, int limit) {
        return find(Objects.requireNonNull(user, "user"), limit);
    }

    private List<Denial> find(String user, int limit) {
        List<Denial> out = new ArrayList<>(Math.max(0, Math.min(limit, 64)));
        long last = next.get() - 1;
        long first = Math.max(0, last - ring.length() + 1);
        for (long seq = last; seq >= first && out.size() < limit; seq--) {
            Entry e = ring.get((int) (seq % ring.length()));
            // a slot written over since (or not yet written by a slower recorder) belongs to another sequence
            if (e != null && e.seq() == seq && (user == null || user.equals(e.denial().user()))) {
                out.add(e.denial());
            }
        }
        return out;
    }

    /** Denials recorded since start, including those the ring no longer holds. */
    public long recorded() {
        return next.get();
    }

    /** How many denials the ring holds at most. */
    public int size() {
        return ring.length();
    }

    /** This machine's host name, the member name of a log without a cluster; {@code local} when it has none. */
    public static String localHost() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException | RuntimeException e) {
            return "local";
        }
    }

    /** The member name written into each denial. */
    public String member() {
        return member;
    }
}
