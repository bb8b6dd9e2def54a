package org.quotaware.engine;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.List;

import org.quotaware.Counted;
import org.quotaware.Limit;
import org.quotaware.WindowedLimit;
import org.quotaware.QuotaLimits;
import org.quotaware.QuotaRequest;
import org.quotaware.engine.Allotments.Allot;
import org.quotaware.engine.Allotments.Settle;
import org.quotaware.engine.Allotments.Usage;
import org.quotaware.engine.Allotments.Want;
import org.quotaware.engine.Operations.Acquire;
import org.quotaware.engine.Operations.Check;
import org.quotaware.engine.Operations.Claim;
import org.quotaware.engine.Operations.Drain;
import org.quotaware.engine.Operations.Export;
import org.quotaware.engine.Operations.Inspect;
import org.quotaware.engine.Operations.Merge;
import org.quotaware.engine.Operations.Release;
import org.quotaware.engine.Operations.Renew;
import org.quotaware.engine.Operations.Unqueue;
import org.quotaware.spi.StateOperation;

/**
 * The compact binary form of the {@link Operations}, for a store that ships them to where the state lives: a format
 * version byte, a tag byte, then the fields (tokens as fixed longs, being random; everything else as varints). Tens of
 * bytes, where Java serialization spends hundreds on class descriptors. Nothing else travels: an operation without a
 * compact form ({@link #compact}) is decided where it is, never Java-serialized, so decoding never instantiates a
 * class the bytes name.
 * <p>
 * Rolling upgrades: the version byte is above every tag of the unversioned format written before it (tags 1 to 10),
 * so this version still reads that format and the versioned one before it; bytes of a newer format are refused with
 * a message naming both versions. Lengths are checked against the bytes left before anything is allocated for them,
 * and leases and times are range-checked: bytes from another member never make a large allocation or a decision on
 * an impossible time.
 */
final class OperationCodec {

    private static final int ACQUIRE = 1;
    private static final int CHECK = 2;
    private static final int CLAIM = 3;
    private static final int UNQUEUE = 4;
    private static final int RELEASE = 5;
    private static final int RENEW = 6;
    private static final int MERGE = 7;
    private static final int EXPORT = 8;
    private static final int DRAIN = 9;
    private static final int INSPECT = 10;
    /**
     * A request's flag (version 3): rules it still counts in follow its rules. A member of the version before refuses
     * it as malformed rather than count the request nowhere, so it needs no version of its own.
     */
    private static final int UNCOUNTED = 8;
    private static final int ALLOT = 11;
    private static final int SETTLE = 12;
    /**
     * The newest format, written for the operations of allowances ({@link Allotments}); the others are written in
     * the format before it ({@link #VERSION_1}), which members of the version before read, so a rolling upgrade works
     * until a member sends an allowance's operation.
     */
    static final int VERSION_2 = 0x22;
    /**
     * Written for what the formats before cannot say: limits other than the seed's three windows (declared rows, or a
     * preset switched off, which changes the rings units are indexed by), a request's cost or rules, a release's
     * charges. Everything else is written as before, so a rolling upgrade works until a tier uses them.
     */
    static final int VERSION = 0x24;
    /** The first format of windowed rows; every version from it to {@link #VERSION} is read as rows. */
    private static final int ROWS = 0x23;
    static final int VERSION_1 = 0x21;
    /** The first byte of the unversioned format is its tag, below this. */
    private static final int FIRST_VERSION = 0x20;
    /**
     * The count limits in the order versions 1 and 2 write them (the seed's limits, which they alone know); the queue
     * wait follows them. Version 3 writes the windowed rows themselves, so a row added to the table changes only the
     * ordinals of {@link Limit}, which answers carry: raise {@link WireFormat#VERSION} with it.
     */
    private static final Limit[] LIMITS = {Limit.REQUESTS_PER_MINUTE, Limit.FILES_PER_HOUR, Limit.FILES_PER_DAY,
            Limit.CONCURRENT_TASKS, Limit.QUEUE_SIZE, Limit.FILE_SIZE};
    /** The per-user limits that are not windowed, in the order version 3 writes them (the queue wait as ms + 1). */
    private static final Limit[] SCALARS = {Limit.CONCURRENT_TASKS, Limit.QUEUE_SIZE, Limit.FILE_SIZE,
            Limit.QUEUE_WAIT};
    private static final int LEGACY_RINGS = 3;
    private static final int MAX_RULES = 64;
    private static final Counted[] COUNTED = Counted.values();

    private OperationCodec() {
    }

    /** Whether {@code operation} has a compact form: one of the engine's {@link Operations}. */
    public static boolean compact(StateOperation<?> operation) {
        return operation instanceof Acquire || operation instanceof Check || operation instanceof Claim
                || operation instanceof Unqueue || operation instanceof Release || operation instanceof Renew
                || operation instanceof Merge || operation instanceof Export || operation instanceof Drain
                || operation instanceof Inspect || operation instanceof Allot || operation instanceof Settle;
    }

    /** The compact form; an operation without one ({@link #compact}) gives an {@link IllegalArgumentException}. */
    public static byte[] encode(StateOperation<?> operation) {
        boolean allowance = operation instanceof Allot || operation instanceof Settle;
        boolean v3 = needsVersion3(operation);
        ByteWriter out = new ByteWriter().putByte(v3 ? VERSION : allowance ? VERSION_2 : VERSION_1);
        if (operation instanceof Acquire a) {
            out.putByte(ACQUIRE);
            acquire(out, v3, a);
        } else if (operation instanceof Allot a) {
            out.putByte(ALLOT);
            acquire(out, v3, a.acquire());
            out.putLong(a.settled()).putLong(a.grant());
            usage(out, v3, a.usage());
            want(out, v3, a.want());
            out.putVarint(a.members());
        } else if (operation instanceof Settle r) {
            out.putByte(SETTLE);
            limits(out, v3, r.limits());
            out.putLong(r.settled()).putLong(r.grant());
            usage(out, v3, r.usage());
            want(out, v3, r.want());
            out.putVarint(r.members()).putSignedVarint(r.leaseMillis());
        } else if (operation instanceof Check c) {
            out.putByte(CHECK);
            request(out, v3, c.request());
            limits(out, v3, c.limits());
        } else if (operation instanceof Claim c) {
            out.putByte(CLAIM);
            limits(out, v3, c.limits());
            out.putLong(c.token()).putSignedVarint(c.leaseMillis());
        } else if (operation instanceof Unqueue u) {
            out.putByte(UNQUEUE);
            request(out, v3, u.request());
            out.putLong(u.token()).putSignedVarint(u.atMillis());
            limits(out, v3, u.limits());
        } else if (operation instanceof Release r) {
            out.putByte(RELEASE).putLong(r.token()).putByte(r.success() ? 1 : 0);
            if (v3) {
                out.putVarint(r.charges().cpuMillis()).putVarint(r.charges().allocatedKiB());
                strings(out, r.charges().rules());
                out.putByte(r.limits() == null ? 0 : 1);
                if (r.limits() != null) {
                    limits(out, true, r.limits());
                }
            }
        } else if (operation instanceof Renew r) {
            out.putByte(RENEW).putVarint(r.tokens().length);
            for (long token : r.tokens()) {
                out.putLong(token);
            }
            out.putSignedVarint(r.leaseMillis());
        } else if (operation instanceof Merge m) {
            out.putByte(MERGE).putBytes(m.counted().toBytes());
        } else if (operation instanceof Export) {
            out.putByte(EXPORT);
        } else if (operation instanceof Drain) {
            out.putByte(DRAIN);
        } else if (operation instanceof Inspect i) {
            out.putByte(INSPECT);
            limits(out, v3, i.limits());
        } else {
            throw new IllegalArgumentException("quotaware: " + operation.getClass().getName()
                    + " has no compact form; a store decides it where it is");
        }
        return out.toBytes();
    }

    /** The operation {@link #encode} wrote; malformed bytes give an {@link IllegalArgumentException}. */
    public static StateOperation<?> decode(byte[] bytes) {
        ByteReader in = new ByteReader(bytes);
        int tag = in.getByte();
        boolean v3 = tag >= ROWS && tag <= VERSION;
        if (tag >= VERSION_1 && tag <= VERSION) {
            tag = in.getByte();
        } else if (tag > FIRST_VERSION) {
            throw in.malformed("quotaware: an operation of format version " + (tag - FIRST_VERSION)
                    + ", this member reads up to version " + (VERSION - FIRST_VERSION)
                    + ": upgrade every member of the cluster to the same quotaware version");
        } // else the unversioned format, the tag first
        StateOperation<?> operation = switch (tag) {
            case ACQUIRE -> acquire(in, v3);
            case ALLOT -> new Allot(acquire(in, v3), in.getLong(), grantId(in), usage(in, v3), want(in, v3), members(in));
            case SETTLE -> new Settle(limits(in, v3), in.getLong(), grantId(in), usage(in, v3), want(in, v3), members(in),
                    lease(in));
            case CHECK -> new Check(request(in, v3), limits(in, v3));
            case CLAIM -> new Claim(limits(in, v3), in.getLong(), lease(in));
            case UNQUEUE -> new Unqueue(request(in, v3), in.getLong(), time(in), limits(in, v3));
            case RELEASE -> v3 ? new Release(in.getLong(), bool(in), new Operations.Charges(
                    in.getVarint(0, Long.MAX_VALUE, "CPU ms"), in.getVarint(0, Long.MAX_VALUE, "allocated KiB"),
                    strings(in)), bool(in) ? limits(in, true) : null) : new Release(in.getLong(), bool(in));
            case RENEW -> {
                long[] tokens = new long[in.getCount(Integer.MAX_VALUE, 8)];
                for (int i = 0; i < tokens.length; i++) {
                    tokens[i] = in.getLong();
                }
                yield new Renew(tokens, lease(in));
            }
            case MERGE -> new Merge(UserState.fromBytes(in.getBytes()));
            case EXPORT -> new Export();
            case DRAIN -> new Drain();
            case INSPECT -> new Inspect(limits(in, v3));
            default -> throw in.malformed("unknown operation tag " + tag);
        };
        in.requireEnd();
        return operation;
    }

    private static void acquire(ByteWriter out, boolean v3, Acquire a) {
        request(out, v3, a.request());
        limits(out, v3, a.limits());
        out.putLong(a.token()).putSignedVarint(a.leaseMillis()).putByte(a.instanceFull() ? 1 : 0);
    }

    private static Acquire acquire(ByteReader in, boolean v3) {
        return new Acquire(request(in, v3), limits(in, v3), in.getLong(), lease(in), bool(in));
    }

    private static void usage(ByteWriter out, boolean v3, Usage u) {
        units(out, v3, u.units());
        out.putVarint(u.inUse()).putVarint(u.completed()).putVarint(u.failed());
    }

    private static Usage usage(ByteReader in, boolean v3) {
        return new Usage(units(in, v3), count(in, "slots in use"), count(in, "completed tasks"),
                count(in, "failed tasks"));
    }

    private static void want(ByteWriter out, boolean v3, Want w) {
        units(out, v3, w.units());
        out.putVarint(w.slots());
    }

    private static Want want(ByteReader in, boolean v3) {
        return new Want(units(in, v3), count(in, "slots wanted"));
    }

    /** Units of each ring: as many as the limits have rings in version 3, the three windows' before. */
    private static void units(ByteWriter out, boolean v3, long[] units) {
        int n = v3 ? units.length : LEGACY_RINGS;
        if (v3) {
            out.putVarint(n);
        }
        for (int i = 0; i < n; i++) {
            out.putVarint(i < units.length ? units[i] : 0);
        }
    }

    private static long[] units(ByteReader in, boolean v3) {
        long[] units = new long[v3 ? in.getCount(QuotaLimits.MAX_WINDOWS, 1) : LEGACY_RINGS];
        for (int i = 0; i < units.length; i++) {
            units[i] = in.getVarint(0, Integer.MAX_VALUE, "units");
        }
        return units;
    }

    private static int count(ByteReader in, String what) {
        return (int) in.getVarint(0, Integer.MAX_VALUE, what);
    }

    private static long grantId(ByteReader in) {
        long id = in.getLong();
        if (id == 0) {
            throw in.malformed("a grant id of 0");
        }
        return id;
    }

    private static int members(ByteReader in) {
        return (int) in.getVarint(1, 100_000, "members");
    }

    /** A slot lease in milliseconds: positive, or {@link QuotaEngine#NO_LEASE}. */
    private static long lease(ByteReader in) {
        long lease = in.getSignedVarint();
        if (lease <= 0 || lease > StateCodec.MAX_TIME && lease != QuotaEngine.NO_LEASE) {
            throw in.malformed("a lease of " + lease + " ms");
        }
        return lease;
    }

    /** A store time in epoch milliseconds. */
    private static long time(ByteReader in) {
        long time = in.getSignedVarint();
        if (time < 0 || time > StateCodec.MAX_TIME) {
            throw in.malformed("a time of " + time);
        }
        return time;
    }

    private static void request(ByteWriter out, boolean v3, QuotaRequest r) {
        out.putVarint(r.files()).putSignedVarint(r.fileSizeBytes())
                .putByte((r.concurrent() ? 1 : 0) | (r.countsRequest() ? 2 : 0) | (r.anonymous() ? 4 : 0)
                        | (r.uncounted().isEmpty() ? 0 : UNCOUNTED))
                .putString(r.tier());
        if (v3) {
            out.putVarint(r.cost());
            strings(out, r.rules());
            if (!r.uncounted().isEmpty()) {
                strings(out, r.uncounted());
            }
        }
    }

    private static void strings(ByteWriter out, Set<String> strings) {
        out.putVarint(strings.size());
        for (String s : strings) {
            out.putString(s);
        }
    }

    private static Set<String> strings(ByteReader in) {
        int n = in.getCount(MAX_RULES, 1);
        Set<String> out = new HashSet<>();
        for (int i = 0; i < n; i++) {
            String s = in.getString();
            if (s == null || !out.add(s)) {
                throw in.malformed("a rule named " + s);
            }
        }
        return out;
    }

    private static QuotaRequest request(ByteReader in, boolean v3) {
        int files = in.getCount(Integer.MAX_VALUE);
        long fileSizeBytes = in.getSignedVarint();
        int flags = in.getByte();
        if ((flags & ~(v3 ? 7 | UNCOUNTED : 7)) != 0) {
            throw in.malformed("request flags " + flags);
        }
        QuotaRequest r = new QuotaRequest(files, fileSizeBytes, (flags & 1) != 0, in.getString(), (flags & 2) != 0,
                (flags & 4) != 0);
        if (!v3) {
            return r;
        }
        int cost = (int) in.getVarint(0, QuotaRequest.MAX_COST, "a cost");
        Set<String> rules = strings(in);
        return new QuotaRequest(r.files(), r.fileSizeBytes(), r.concurrent(), r.tier(), r.countsRequest(),
                r.anonymous(), null, cost, rules, (flags & UNCOUNTED) == 0 ? Set.of() : strings(in));
    }

    /**
     * Each count limit as its value plus one, so {@link QuotaLimits#OFF} is 0; then the queue wait in ms; then the
     * limits in shadow mode, one bit per limit in the order of {@link #LIMITS} (one byte, 0 when none).
     */
    private static void limits(ByteWriter out, boolean v3, QuotaLimits l) {
        if (v3) {
            List<WindowedLimit> rows = l.windows();
            out.putVarint(rows.size());
            for (WindowedLimit w : rows) {
                out.putString(w.name()).putByte(w.counted().ordinal()).putVarint(w.windowMillis())
                        .putVarint(w.max()).putString(w.rule());
            }
            for (Limit s : SCALARS) {
                out.putVarint(l.get(s) + 1);
            }
            int bits = 0;
            for (Limit s : l.shadow()) {
                bits |= 1 << s.ordinal();
            }
            out.putVarint(bits);
            return;
        }
        int shadow = 0;
        for (int i = 0; i < LIMITS.length; i++) {
            out.putVarint(l.get(LIMITS[i]) + 1);
            if (l.shadowed(LIMITS[i])) {
                shadow |= 1 << i;
            }
        }
        out.putVarint(l.get(Limit.QUEUE_WAIT)).putVarint(shadow);
    }

    /** Rebuilt through the builder, which refuses values no {@link QuotaLimits} can hold. */
    private static QuotaLimits limits(ByteReader in, boolean v3) {
        QuotaLimits.Builder b = QuotaLimits.builder();
        if (v3) {
            for (Limit preset : Limit.presets()) {
                b.off(preset);
            }
            int n = in.getCount(QuotaLimits.MAX_WINDOWS, 5);
            for (int i = 0; i < n; i++) {
                String name = in.getString();
                int counted = in.getByte();
                if (counted < 0 || counted >= COUNTED.length) {
                    throw in.malformed("a limit counting unit " + counted);
                }
                b.limit(new WindowedLimit(name, COUNTED[counted], in.getVarint(), in.getVarint(), in.getString()));
            }
            for (Limit s : SCALARS) {
                b.set(s, in.getVarint() - 1);
            }
            long bits = in.getVarint();
            List<Limit> shadowed = new ArrayList<>();
            for (Limit l : Limit.values()) {
                if ((bits & (1L << l.ordinal())) != 0) {
                    shadowed.add(l);
                }
            }
            if (Long.bitCount(bits) != shadowed.size()) {
                throw in.malformed("shadow bits " + bits);
            }
            return b.shadow(shadowed).build();
        }
        for (Limit limit : LIMITS) {
            b.set(limit, in.getVarint() - 1);
        }
        b.set(Limit.QUEUE_WAIT, in.getVarint());
        long shadow = in.getVarint();
        if (shadow >>> LIMITS.length != 0) {
            throw in.malformed("shadow bits " + shadow);
        }
        List<Limit> shadowed = new ArrayList<>();
        for (int i = 0; i < LIMITS.length; i++) {
            if ((shadow & (1L << i)) != 0) {
                shadowed.add(LIMITS[i]);
            }
        }
        return b.shadow(shadowed).build();
    }

    private static boolean bool(ByteReader in) {
        int b = in.getByte();
        if (b != 0 && b != 1) {
            throw in.malformed("a boolean of " + b);
        }
        return b == 1;
    }

    /** Whether {@code operation} says something only version 3 can. */
    private static boolean needsVersion3(StateOperation<?> operation) {
        if (operation instanceof Release r) {
            return r.charges() != Operations.Charges.NONE;
        }
        if (operation instanceof Acquire a) {
            return newer(a.limits()) || newer(a.request());
        }
        if (operation instanceof Allot a) {
            return newer(a.limits()) || newer(a.acquire().request());
        }
        if (operation instanceof Check c) {
            return newer(c.limits()) || newer(c.request());
        }
        if (operation instanceof Unqueue u) {
            return newer(u.limits()) || newer(u.request());
        }
        return operation instanceof Operations.WithLimits<?> w && newer(w.limits());
    }

    private static boolean newer(QuotaRequest r) {
        return r.cost() != 1 || !r.rules().isEmpty() || !r.uncounted().isEmpty();
    }

    /** Limits other than the seed's three windows, each on (the rings the formats before index units by). */
    private static boolean newer(QuotaLimits l) {
        Windows w = Windows.of(l);
        if (w.rows.length != LEGACY_RINGS || !w.sameRings(Windows.LEGACY)) {
            return true;
        }
        for (Limit row : w.rowLimits) {
            if (row == Limit.WINDOW) {
                return true;
            }
        }
        return l.shadowed(Limit.WINDOW);
    }
}
