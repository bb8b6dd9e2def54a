package org.quotaware.engine;

import java.util.List;

import org.quotaware.Limit;
import org.quotaware.LimitStatus;
import org.quotaware.Violation;
import org.quotaware.engine.Allotments.Allotment;
import org.quotaware.engine.Allotments.Grant;
import org.quotaware.engine.Decision.Verdict;

/**
 * The compact binary form of what the {@link Operations} answer ({@link Decision}, {@code List<LimitStatus>},
 * {@link Boolean}, {@link Integer}, {@link UserState}, {@link Operations.Snapshot} or null): a tag byte, then enum
 * ordinals and zigzag varints. Nothing else travels: only the {@link Operations} are shipped (see
 * {@link OperationCodec#compact}), and no answer is ever Java-deserialized.
 * Written into a {@link ByteWriter} so a store can put its own fields around it.
 */
final class AnswerCodec {

    private static final int NULL = 0;
    private static final int DECISION = 1;
    private static final int STATUSES = 2;
    private static final int FALSE = 3;
    private static final int TRUE = 4;
    private static final int INTEGER = 5;
    private static final int STATE = 6;
    private static final int SNAPSHOT = 7;
    private static final int ALLOTMENT = 8;
    private static final int GRANT = 9;
    /** An allotment and a grant whose units are not the three windows' of the formats before: count-prefixed. */
    private static final int ALLOTMENT_RINGS = 10;
    private static final int GRANT_RINGS = 11;
    private static final int LEGACY_RINGS = 3;
    private static final Verdict[] VERDICTS = Verdict.values();
    private static final Limit[] LIMITS = Limit.values();

    private AnswerCodec() {
    }

    public static void write(ByteWriter out, Object answer) {
        if (answer == null) {
            out.putByte(NULL);
        } else if (answer instanceof Decision d) {
            decision(out.putByte(DECISION), d);
        } else if (answer instanceof Allotment a) {
            boolean rings = a.grant().units().length != LEGACY_RINGS;
            // the grant's view is the decision's statuses
            decision(out.putByte(rings ? ALLOTMENT_RINGS : ALLOTMENT), a.decision());
            grant(out, a.grant(), rings);
        } else if (answer instanceof Grant g) {
            boolean rings = g.units().length != LEGACY_RINGS;
            grant(out.putByte(rings ? GRANT_RINGS : GRANT), g, rings);
            statuses(out, g.view());
        } else if (answer instanceof List<?> list && list.stream().allMatch(LimitStatus.class::isInstance)) {
            statuses(out.putByte(STATUSES), list);
        } else if (answer instanceof Boolean b) {
            out.putByte(b ? TRUE : FALSE);
        } else if (answer instanceof Integer i) {
            out.putByte(INTEGER).putSignedVarint(i);
        } else if (answer instanceof UserState s) {
            out.putByte(STATE).putBytes(s.toBytes());
        } else if (answer instanceof Operations.Snapshot s) {
            out.putByte(SNAPSHOT).putSignedVarint(s.requestsPerMinute()).putSignedVarint(s.filesPerHour())
                    .putSignedVarint(s.filesPerDay()).putSignedVarint(s.activeTasks()).putSignedVarint(s.queued())
                    .putSignedVarint(s.completed()).putSignedVarint(s.failed()).putSignedVarint(s.lastActivity());
            statuses(out, s.limits());
        } else {
            throw new IllegalArgumentException("an answer of " + answer.getClass().getName()
                    + " has no compact form");
        }
    }

    /** The answer {@link #write} wrote; malformed bytes give an {@link IllegalArgumentException}. */
    public static Object read(ByteReader in) {
        int tag = in.getByte();
        return switch (tag) {
            case NULL -> null;
            case DECISION -> decision(in);
            case ALLOTMENT, ALLOTMENT_RINGS -> {
                Decision d = decision(in);
                yield new Allotment(d, grant(in, d.limits(), tag == ALLOTMENT_RINGS));
            }
            case GRANT, GRANT_RINGS -> {
                Grant g = grant(in, List.of(), tag == GRANT_RINGS);
                yield new Grant(g.id(), g.slots(), g.units(), g.folded(), statuses(in));
            }
            case STATUSES -> statuses(in);
            case FALSE -> false;
            case TRUE -> true;
            case INTEGER -> {
                long v = in.getSignedVarint();
                if ((int) v != v) {
                    throw in.malformed("an integer of " + v);
                }
                yield (int) v;
            }
            case STATE -> UserState.fromBytes(in.getBytes());
            case SNAPSHOT -> new Operations.Snapshot(in.getSignedVarint(), in.getSignedVarint(),
                    in.getSignedVarint(), in.getSignedVarint(), in.getSignedVarint(), in.getSignedVarint(),
                    in.getSignedVarint(), in.getSignedVarint(), statuses(in));
            default -> throw in.malformed("unknown answer tag " + tag);
        };
    }

    private static void decision(ByteWriter out, Decision d) {
        out.putByte(d.verdict().ordinal()).putVarint(d.violations().size());
        for (Violation v : d.violations()) {
            limit(out, v.limit(), v.name(), v.windowSeconds());
            out.putSignedVarint(v.max()).putSignedVarint(v.current()).putSignedVarint(v.retryAfterSeconds());
        }
        statuses(out, d.limits());
        out.putSignedVarint(d.atMillis());
    }

    private static Decision decision(ByteReader in) {
        Verdict verdict = constant(in, VERDICTS);
        Violation[] violations = new Violation[in.getCount((Limit.values().length
                + org.quotaware.QuotaLimits.MAX_WINDOWS) * 4, 4)];
        for (int i = 0; i < violations.length; i++) {
            Limit limit = constant(in, LIMITS);
            String name = limit == Limit.WINDOW ? in.getString() : limit.policyName();
            long window = limit == Limit.WINDOW ? in.getVarint(0, Long.MAX_VALUE, "a window") : limit.windowSeconds();
            violations[i] = new Violation(limit, in.getSignedVarint(), in.getSignedVarint(), in.getSignedVarint(),
                    name, window);
        }
        return new Decision(verdict, List.of(violations), statuses(in), in.getSignedVarint());
    }

    /** A grant without its view, which the reader is given. */
    private static void grant(ByteWriter out, Grant g, boolean rings) {
        out.putLong(g.id()).putVarint(g.slots());
        if (rings) {
            out.putVarint(g.units().length);
        }
        for (long u : g.units()) {
            out.putVarint(u);
        }
        out.putByte(g.folded() ? 1 : 0);
    }

    private static Grant grant(ByteReader in, List<LimitStatus> view, boolean rings) {
        long id = in.getLong();
        int slots = (int) in.getVarint(0, Integer.MAX_VALUE, "a grant's slots");
        long[] units = units(in, rings ? in.getCount(org.quotaware.QuotaLimits.MAX_WINDOWS, 1) : LEGACY_RINGS);
        return new Grant(id, slots, units, in.getByte() != 0, view);
    }

    private static long[] units(ByteReader in, int n) {
        long[] units = new long[n];
        for (int i = 0; i < units.length; i++) {
            units[i] = in.getVarint(0, Integer.MAX_VALUE, "a grant's units");
        }
        return units;
    }

    private static void statuses(ByteWriter out, List<?> statuses) {
        out.putVarint(statuses.size());
        for (Object o : statuses) {
            LimitStatus s = (LimitStatus) o;
            limit(out, s.limit(), s.name(), s.windowSeconds());
            out.putSignedVarint(s.max()).putSignedVarint(s.used()).putSignedVarint(s.remaining())
                    .putSignedVarint(s.resetSeconds());
        }
    }

    private static List<LimitStatus> statuses(ByteReader in) {
        LimitStatus[] statuses = new LimitStatus[in.getCount(Limit.values().length
                + org.quotaware.QuotaLimits.MAX_WINDOWS, 5)];
        for (int i = 0; i < statuses.length; i++) {
            Limit limit = constant(in, LIMITS);
            String name = limit == Limit.WINDOW ? in.getString() : limit.policyName();
            long window = limit == Limit.WINDOW ? in.getVarint(0, Long.MAX_VALUE, "a window") : limit.windowSeconds();
            statuses[i] = new LimitStatus(limit, in.getSignedVarint(), in.getSignedVarint(), in.getSignedVarint(),
                    in.getSignedVarint(), name, window);
        }
        return List.of(statuses);
    }

    /** A limit by its ordinal; a declared window ({@link Limit#WINDOW}) with its name and window (the presets': theirs). */
    private static void limit(ByteWriter out, Limit limit, String name, long windowSeconds) {
        out.putByte(limit.ordinal());
        if (limit == Limit.WINDOW) {
            out.putString(name).putVarint(windowSeconds);
        }
    }

    /** An enum constant by its ordinal, written as one byte. */
    private static <E extends Enum<E>> E constant(ByteReader in, E[] values) {
        int ordinal = in.getByte();
        if (ordinal < 0 || ordinal >= values.length) {
            throw in.malformed("no " + values[0].getDeclaringClass().getSimpleName() + " numbered " + ordinal);
        }
        return values[ordinal];
    }
}
