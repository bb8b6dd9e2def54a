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
            decision(out.putByte(ALLOTMENT), a.decision()); // the grant's view is the decision's statuses
            grant(out, a.grant());
        } else if (answer instanceof Grant g) {
            grant(out.putByte(GRANT), g);
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
            case ALLOTMENT -> {
                Decision d = decision(in);
                yield new Allotment(d, grant(in, d.limits()));
            }
            case GRANT -> {
                Grant g = grant(in, List.of());
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
            out.putByte(v.limit().ordinal()).putSignedVarint(v.max()).putSignedVarint(v.current())
                    .putSignedVarint(v.retryAfterSeconds());
        }
        statuses(out, d.limits());
        out.putSignedVarint(d.atMillis());
    }

    private static Decision decision(ByteReader in) {
        Verdict verdict = constant(in, VERDICTS);
        Violation[] violations = new Violation[in.getCount(Limit.values().length * 4, 4)];
        for (int i = 0; i < violations.length; i++) {
            violations[i] = new Violation(constant(in, LIMITS), in.getSignedVarint(), in.getSignedVarint(),
                    in.getSignedVarint());
        }
        return new Decision(verdict, List.of(violations), statuses(in), in.getSignedVarint());
    }

    /** A grant without its view, which the reader is given. */
    private static void grant(ByteWriter out, Grant g) {
        out.putLong(g.id()).putVarint(g.slots());
        for (long u : g.units()) {
            out.putVarint(u);
        }
        out.putByte(g.folded() ? 1 : 0);
    }

    private static Grant grant(ByteReader in, List<LimitStatus> view) {
        long id = in.getLong();
        int slots = (int) in.getVarint(0, Integer.MAX_VALUE, "a grant's slots");
        long[] units = units(in);
        return new Grant(id, slots, units, in.getByte() != 0, view);
    }

    private static long[] units(ByteReader in) {
        long[] units = new long[Allowances.WINDOWS];
        for (int i = 0; i < units.length; i++) {
            units[i] = in.getVarint(0, Integer.MAX_VALUE, "a grant's units");
        }
        return units;
    }

    private static void statuses(ByteWriter out, List<?> statuses) {
        out.putVarint(statuses.size());
        for (Object o : statuses) {
            LimitStatus s = (LimitStatus) o;
            out.putByte(s.limit().ordinal()).putSignedVarint(s.max()).putSignedVarint(s.used())
                    .putSignedVarint(s.remaining()).putSignedVarint(s.resetSeconds());
        }
    }

    private static List<LimitStatus> statuses(ByteReader in) {
        LimitStatus[] statuses = new LimitStatus[in.getCount(Limit.values().length, 5)];
        for (int i = 0; i < statuses.length; i++) {
            statuses[i] = new LimitStatus(constant(in, LIMITS), in.getSignedVarint(), in.getSignedVarint(),
                    in.getSignedVarint(), in.getSignedVarint());
        }
        return List.of(statuses);
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
