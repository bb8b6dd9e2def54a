package org.quotaware;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

import static org.quotaware.InvalidQuotaConfigException.requireRange;

/**
 * One user's limits, immutable, built and validated by {@link #builder()}: the windowed limits as rows
 * ({@link WindowedLimit}: the presets of the {@link Limit} table under their names, and any a tier declares), and the
 * other per-user limits as an array indexed by {@link Limit}. Defaults are the seed's: 30 requests per minute, 50 files
 * per hour, 200 per day, 3 concurrent tasks, 10 MiB per file, a queue of 10 waiting at most 30 s.
 * Any limit can be switched off with {@link Builder#off(Limit)}; its getter then answers {@link #OFF}. Any of them can be
 * put in {@linkplain Builder#shadow shadow mode}: counted and reported as when enforced, but a request it alone would
 * deny is admitted, marked with the violations it would have been denied by.
 */
public final class QuotaLimits implements Serializable {

    private static final long serialVersionUID = 2L;

    /** The value of a limit that is switched off. */
    public static final long OFF = -1;

    public static final long MAX_RATE = 1_000_000;
    public static final long MAX_FILES_PER_DAY = 100_000_000;
    public static final long MAX_CONCURRENT_TASKS = 100_000;
    public static final long MAX_QUEUE_SIZE = 100_000;
    public static final long MAX_FILE_SIZE = 1L << 40;
    public static final long MAX_QUEUE_WAIT_MILLIS = 3_600_000;
    /** The most windowed limits one tier holds: each is a ring of counters in every tracked user's state. */
    public static final int MAX_WINDOWS = 16;

    private static final Limit[] LIMITS = Limit.values();
    private static final QuotaLimits DEFAULTS = new Builder().build();

    /** The windowed limits, the presets first in the table's order, then the declared ones in their order. */
    private final WindowedLimit[] windows;
    /** The {@link Limit} of each row of {@link #windows}: its preset, or {@link Limit#WINDOW}. */
    private final Limit[] windowLimits;
    /** The value of each limit that is not windowed, by {@link Limit#ordinal()}; {@link #OFF} when off or unused. */
    private final long[] values;
    /** The limits in shadow mode, one bit per {@link Limit#ordinal()}. */
    private final int shadow;
    /** The engine's form of these limits, made on first use (immutable; a race makes two equal ones). */
    private transient Object derived;

    /** The limits that can be put in shadow mode; the others protect the instance and are always enforced. */
    public static final List<Limit> SHADOWABLE = java.util.stream.Stream.concat(Limit.presets().stream(),
            java.util.stream.Stream.of(Limit.CONCURRENT_TASKS, Limit.QUEUE_SIZE, Limit.FILE_SIZE, Limit.WINDOW)).toList();

    private QuotaLimits(Builder b) {
        List<WindowedLimit> rows = new ArrayList<>(b.windows.values());
        rows.sort((x, y) -> Integer.compare(rank(x), rank(y))); // stable: declared rows keep their order
        this.windows = rows.toArray(WindowedLimit[]::new);
        this.windowLimits = new Limit[windows.length];
        for (int i = 0; i < windows.length; i++) {
            windowLimits[i] = Limit.of(windows[i]);
        }
        this.values = b.values.clone();
        this.shadow = b.shadow;
    }

    private static int rank(WindowedLimit row) {
        Limit l = Limit.of(row);
        return l == Limit.WINDOW ? LIMITS.length : l.ordinal();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The seed's defaults. */
    public static QuotaLimits defaults() {
        return DEFAULTS;
    }

    /** A builder starting from these limits. */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.windows.clear();
        for (WindowedLimit w : windows) {
            b.windows.put(w.qualifiedName(), w);
        }
        b.values = values.clone();
        b.shadow = shadow;
        return b;
    }

    /** These limits with every enabled count limit multiplied by {@code factor} (e.g. a premium tier at twice the default). */
    public QuotaLimits scaled(long factor) {
        requireRange("factor", factor, 1, 1_000);
        Builder b = toBuilder();
        b.windows.replaceAll((name, w) -> w.withMax(Math.min(w.max() * factor, cap(w))));
        for (Limit l : List.of(Limit.CONCURRENT_TASKS, Limit.FILE_SIZE, Limit.QUEUE_SIZE)) {
            long v = values[l.ordinal()];
            b.values[l.ordinal()] = v == OFF ? OFF : Math.min(v * factor, l.max());
        }
        return b.build();
    }

    /** The largest value of a row: its preset's, or any declared row's. */
    private static long cap(WindowedLimit w) {
        Limit l = Limit.of(w);
        return l == Limit.WINDOW ? WindowedLimit.MAX : l.max();
    }

    /**
     * This member's share of these limits when {@code members} members decide without seeing each other (a
     * distributed store's fallback): every enabled count limit divided by {@code members}, rounded down, at least 1.
     * The file size and the queue wait stay as they are.
     */
    public QuotaLimits share(int members) {
        requireRange("members", members, 1, 10_000);
        if (members == 1) {
            return this;
        }
        Builder b = toBuilder();
        b.windows.replaceAll((name, w) -> w.withMax(Math.max(1, w.max() / members)));
        long tasks = values[Limit.CONCURRENT_TASKS.ordinal()];
        b.values[Limit.CONCURRENT_TASKS.ordinal()] = tasks == OFF ? OFF : Math.max(1, tasks / members);
        long queue = values[Limit.QUEUE_SIZE.ordinal()];
        b.values[Limit.QUEUE_SIZE.ordinal()] = queue == OFF ? OFF : queue / members;
        return b.build();
    }

    /**
     * The value of a limit, or {@link #OFF}: a windowed preset's row, or the value of another per-user limit. The
     * instance's own limits and {@link Limit#WINDOW} (which names no one row) answer {@link #OFF}.
     */
    public long get(Limit limit) {
        if (limit.windowed()) {
            for (int i = 0; i < windows.length; i++) {
                if (windowLimits[i] == limit) {
                    return windows[i].max();
                }
            }
            return OFF;
        }
        return values[limit.ordinal()];
    }

    public boolean enabled(Limit limit) {
        return get(limit) != OFF;
    }

    /** The windowed limits: the presets that are on, in the table's order, then the declared ones. */
    public List<WindowedLimit> windows() {
        return List.of(windows);
    }

    /** The {@link Limit} row {@code i} of {@link #windows()} reports as: its preset, or {@link Limit#WINDOW}. */
    public Limit windowLimit(int i) {
        return windowLimits[i];
    }

    /** True when {@code limit} is in shadow mode: its violations are reported but deny nothing. */
    public boolean shadowed(Limit limit) {
        return (shadow & (1 << limit.ordinal())) != 0;
    }

    /** True when any limit is in shadow mode. */
    public boolean shadowing() {
        return shadow != 0;
    }

    /** The limits in shadow mode (empty when every limit is enforced). */
    public Set<Limit> shadow() {
        Set<Limit> out = EnumSet.noneOf(Limit.class);
        for (Limit l : SHADOWABLE) {
            if (shadowed(l)) {
                out.add(l);
            }
        }
        return out;
    }

    /**
     * The engine's form of these limits, made by {@code make} on first use and kept with them (limits are immutable,
     * and a tier hands out one object): not for applications.
     */
    @SuppressWarnings("unchecked")
    public <T> T derived(Function<QuotaLimits, T> make) {
        Object d = derived;
        if (d == null) {
            d = make.apply(this);
            derived = d;
        }
        return (T) d;
    }

    public long requestsPerMinute() {
        return get(Limit.REQUESTS_PER_MINUTE);
    }

    public long filesPerHour() {
        return get(Limit.FILES_PER_HOUR);
    }

    public long filesPerDay() {
        return get(Limit.FILES_PER_DAY);
    }

    public long maxConcurrentTasks() {
        return values[Limit.CONCURRENT_TASKS.ordinal()];
    }

    /** Requests that may wait for a slot; 0 (or off) means a request is denied at once when the slots are full. */
    public long maxQueueSize() {
        long v = values[Limit.QUEUE_SIZE.ordinal()];
        return v == OFF ? 0 : v;
    }

    public long maxFileSizeBytes() {
        return values[Limit.FILE_SIZE.ordinal()];
    }

    public Duration maxQueueWait() {
        return Duration.ofMillis(values[Limit.QUEUE_WAIT.ordinal()]);
    }

    @Override
    public boolean equals(Object o) {
        return o == this || o instanceof QuotaLimits l && shadow == l.shadow && Arrays.equals(values, l.values)
                && Arrays.equals(windows, l.windows);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Arrays.hashCode(values) + Arrays.hashCode(windows)) + shadow;
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("QuotaLimits[");
        for (WindowedLimit w : windows) {
            s.append(w.qualifiedName()).append('=').append(w.max()).append('/').append(w.window()).append(", ");
        }
        for (Limit l : LIMITS) {
            if (!l.windowed() && l.setting() != null) {
                long v = values[l.ordinal()];
                s.append(l.fieldName()).append('=').append(v == OFF ? "off" : Long.toString(v)).append(", ");
            }
        }
        s.setLength(s.length() - 2);
        return s + (shadow == 0 ? "" : ", shadow=" + shadow()) + "]";
    }

    /** Validates each value as it is set, so an invalid {@link QuotaLimits} cannot be built. */
    public static final class Builder {
        /** The windowed rows by {@link WindowedLimit#qualifiedName()}: one row per name. */
        private final Map<String, WindowedLimit> windows = new LinkedHashMap<>();
        private long[] values = new long[LIMITS.length];
        private int shadow;

        private Builder() {
            Arrays.fill(values, OFF);
            requestsPerMinute(30);
            filesPerHour(50);
            filesPerDay(200);
            maxConcurrentTasks(3);
            maxQueueSize(10);
            maxFileSizeBytes(10L * 1024 * 1024);
            maxQueueWait(Duration.ofSeconds(30));
        }

        public Builder requestsPerMinute(long value) {
            return set(Limit.REQUESTS_PER_MINUTE, value);
        }

        public Builder filesPerHour(long value) {
            return set(Limit.FILES_PER_HOUR, value);
        }

        public Builder filesPerDay(long value) {
            return set(Limit.FILES_PER_DAY, value);
        }

        public Builder maxConcurrentTasks(long value) {
            return set(Limit.CONCURRENT_TASKS, value);
        }

        /** 0 means no queue: a request finding every slot taken is denied at once. */
        public Builder maxQueueSize(long value) {
            return set(Limit.QUEUE_SIZE, value);
        }

        public Builder maxFileSizeBytes(long value) {
            return set(Limit.FILE_SIZE, value);
        }

        public Builder maxQueueWait(Duration value) {
            if (value == null) {
                throw InvalidQuotaConfigException.invalid("maxQueueWait", null, "a duration");
            }
            values[Limit.QUEUE_WAIT.ordinal()] = requireRange("maxQueueWait (ms)", value.toMillis(), 0,
                    MAX_QUEUE_WAIT_MILLIS);
            return this;
        }

        /**
         * Sets one limit, as {@link QuotaLimits#get(Limit)} answers it: {@link #OFF} switches it off, the queue wait
         * is in milliseconds. The row's range applies.
         */
        public Builder set(Limit limit, long value) {
            if (value == OFF) {
                return off(limit);
            }
            if (limit.setting() == null) {
                throw InvalidQuotaConfigException.invalid("limit", limit, "one of the per-user limits " + settable());
            }
            if (limit == Limit.QUEUE_WAIT) {
                return maxQueueWait(Duration.ofMillis(value));
            }
            requireRange(limit.fieldName(), value, limit.min(), limit.max());
            if (limit.windowed()) {
                windows.put(limit.policyName(), limit.row(value));
            } else {
                values[limit.ordinal()] = value;
            }
            return this;
        }

        /** Switches a limit off: no requests-per-minute limit, no queue, and so on. */
        public Builder off(Limit limit) {
            if (limit.setting() == null || limit.measure() == Limit.Measure.MILLIS) {
                throw InvalidQuotaConfigException.invalid("limit", limit, "one of " + switchable());
            }
            if (limit.windowed()) {
                windows.remove(limit.policyName());
            } else {
                values[limit.ordinal()] = OFF;
            }
            return this;
        }

        /**
         * Adds a windowed limit, or replaces the one of the same {@linkplain WindowedLimit#qualifiedName() name}
         * (a row named like a preset, {@code rpm}, replaces the preset).
         */
        public Builder limit(WindowedLimit row) {
            if (!windows.containsKey(row.qualifiedName()) && windows.size() >= MAX_WINDOWS) {
                throw InvalidQuotaConfigException.outOfRange("windowed limits", windows.size() + 1, 0, MAX_WINDOWS);
            }
            windows.put(row.qualifiedName(), row);
            return this;
        }

        /** Adds every row of {@code rows}; see {@link #limit(WindowedLimit)}. */
        public Builder limits(Collection<WindowedLimit> rows) {
            rows.forEach(this::limit);
            return this;
        }

        /** Removes the windowed limit of that {@linkplain WindowedLimit#qualifiedName() name}, if there is one. */
        public Builder remove(String qualifiedName) {
            windows.remove(qualifiedName);
            return this;
        }

        private static List<Limit> settable() {
            return Arrays.stream(LIMITS).filter(l -> l.setting() != null).toList();
        }

        private static List<Limit> switchable() {
            return settable().stream().filter(l -> l.measure() != Limit.Measure.MILLIS).toList();
        }

        /**
         * Puts exactly these limits in shadow mode (an empty set enforces every limit). {@link Limit#CONCURRENT_TASKS}
         * brings {@link Limit#QUEUE_SIZE} with it: with its slots in shadow nobody waits, so there is no queue to
         * enforce. {@link Limit#WINDOW} shadows every declared windowed limit.
         *
         * @throws InvalidQuotaConfigException for a limit not in {@link #SHADOWABLE}
         */
        public Builder shadow(Collection<Limit> limits) {
            int bits = 0;
            for (Limit l : limits) {
                if (!SHADOWABLE.contains(l)) {
                    throw InvalidQuotaConfigException.invalid("shadow", l, "limits among " + SHADOWABLE
                            + " (the others protect the instance and are always enforced)");
                }
                bits |= 1 << l.ordinal();
            }
            if ((bits & (1 << Limit.CONCURRENT_TASKS.ordinal())) != 0) {
                bits |= 1 << Limit.QUEUE_SIZE.ordinal();
            }
            shadow = bits;
            return this;
        }

        public QuotaLimits build() {
            return new QuotaLimits(this);
        }
    }
}
