package org.quotaware;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static org.quotaware.InvalidQuotaConfigException.requireRange;

/**
 * One user's limits: immutable, built and validated by {@link #builder()}. Defaults are the seed's: 30 requests per
 * minute, 50 files per hour, 200 per day, 3 concurrent tasks, 10 MiB per file, a queue of 10 waiting at most 30 s.
 * Any limit can be switched off with {@link Builder#off(Limit)}; its getter then answers {@link #OFF}. Any of them can be
 * put in {@linkplain Builder#shadow shadow mode}: counted and reported as when enforced, but a request it alone would
 * deny is admitted, marked with the violations it would have been denied by.
 */
public final class QuotaLimits implements Serializable {

    private static final long serialVersionUID = 1L;

    /** The value of a limit that is switched off. */
    public static final long OFF = -1;

    public static final long MAX_RATE = 1_000_000;
    public static final long MAX_FILES_PER_DAY = 100_000_000;
    public static final long MAX_CONCURRENT_TASKS = 100_000;
    public static final long MAX_QUEUE_SIZE = 100_000;
    public static final long MAX_FILE_SIZE = 1L << 40;
    public static final long MAX_QUEUE_WAIT_MILLIS = 3_600_000;

    private static final QuotaLimits DEFAULTS = new Builder().build();

    private final long requestsPerMinute;
    private final long filesPerHour;
    private final long filesPerDay;
    private final long maxConcurrentTasks;
    private final long maxQueueSize;
    private final long maxFileSizeBytes;
    private final long maxQueueWaitMillis;
    /** The limits in shadow mode, one bit per {@link Limit#ordinal()}. */
    private final int shadow;

    /** The limits that can be put in shadow mode; the others protect the instance and are always enforced. */
    public static final List<Limit> SHADOWABLE = List.of(Limit.REQUESTS_PER_MINUTE, Limit.FILES_PER_HOUR,
            Limit.FILES_PER_DAY, Limit.CONCURRENT_TASKS, Limit.QUEUE_SIZE, Limit.FILE_SIZE);

    private QuotaLimits(Builder b) {
        this.requestsPerMinute = b.requestsPerMinute;
        this.filesPerHour = b.filesPerHour;
        this.filesPerDay = b.filesPerDay;
        this.maxConcurrentTasks = b.maxConcurrentTasks;
        this.maxQueueSize = b.maxQueueSize;
        this.maxFileSizeBytes = b.maxFileSizeBytes;
        this.maxQueueWaitMillis = b.maxQueueWaitMillis;
        this.shadow = b.shadow;
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
        b.requestsPerMinute = requestsPerMinute;
        b.filesPerHour = filesPerHour;
        b.filesPerDay = filesPerDay;
        b.maxConcurrentTasks = maxConcurrentTasks;
        b.maxQueueSize = maxQueueSize;
        b.maxFileSizeBytes = maxFileSizeBytes;
        b.maxQueueWaitMillis = maxQueueWaitMillis;
        b.shadow = shadow;
        return b;
    }

    /** These limits with every enabled count limit multiplied by {@code factor} (e.g. a premium tier at twice the default). */
    public QuotaLimits scaled(long factor) {
        requireRange("factor", factor, 1, 1_000);
        Builder b = toBuilder();
        b.requestsPerMinute = times(requestsPerMinute, factor, MAX_RATE);
        b.filesPerHour = times(filesPerHour, factor, MAX_RATE);
        b.filesPerDay = times(filesPerDay, factor, MAX_FILES_PER_DAY);
        b.maxConcurrentTasks = times(maxConcurrentTasks, factor, MAX_CONCURRENT_TASKS);
        b.maxQueueSize = maxQueueSize == OFF ? OFF : Math.min(maxQueueSize * factor, MAX_QUEUE_SIZE);
        b.maxFileSizeBytes = times(maxFileSizeBytes, factor, MAX_FILE_SIZE);
        return b.build();
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
        b.requestsPerMinute = part(requestsPerMinute, members);
        b.filesPerHour = part(filesPerHour, members);
        b.filesPerDay = part(filesPerDay, members);
        b.maxConcurrentTasks = part(maxConcurrentTasks, members);
        b.maxQueueSize = maxQueueSize == OFF ? OFF : maxQueueSize / members;
        return b.build();
    }

    private static long part(long value, int members) {
        return value == OFF ? OFF : Math.max(1, value / members);
    }

    private static long times(long value, long factor, long max) {
        return value == OFF ? OFF : Math.min(value * factor, max);
    }

    /** The value of a count limit, or {@link #OFF}. Not defined for the per-instance system limits. */
    public long get(Limit limit) {
        return switch (limit) {
            case REQUESTS_PER_MINUTE -> requestsPerMinute;
            case FILES_PER_HOUR -> filesPerHour;
            case FILES_PER_DAY -> filesPerDay;
            case CONCURRENT_TASKS -> maxConcurrentTasks;
            case QUEUE_SIZE -> maxQueueSize;
            case FILE_SIZE -> maxFileSizeBytes;
            case QUEUE_WAIT -> maxQueueWaitMillis;
            default -> OFF;
        };
    }

    public boolean enabled(Limit limit) {
        return get(limit) != OFF;
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

    public long requestsPerMinute() {
        return requestsPerMinute;
    }

    public long filesPerHour() {
        return filesPerHour;
    }

    public long filesPerDay() {
        return filesPerDay;
    }

    public long maxConcurrentTasks() {
        return maxConcurrentTasks;
    }

    /** Requests that may wait for a slot; 0 (or off) means a request is denied at once when the slots are full. */
    public long maxQueueSize() {
        return maxQueueSize == OFF ? 0 : maxQueueSize;
    }

    public long maxFileSizeBytes() {
        return maxFileSizeBytes;
    }

    public Duration maxQueueWait() {
        return Duration.ofMillis(maxQueueWaitMillis);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof QuotaLimits l && requestsPerMinute == l.requestsPerMinute && filesPerHour == l.filesPerHour
                && filesPerDay == l.filesPerDay && maxConcurrentTasks == l.maxConcurrentTasks
                && maxQueueSize == l.maxQueueSize && maxFileSizeBytes == l.maxFileSizeBytes
                && maxQueueWaitMillis == l.maxQueueWaitMillis && shadow == l.shadow;
    }

    @Override
    public int hashCode() {
        return Objects.hash(requestsPerMinute, filesPerHour, filesPerDay, maxConcurrentTasks, maxQueueSize,
                maxFileSizeBytes, maxQueueWaitMillis, shadow);
    }

    @Override
    public String toString() {
        return "QuotaLimits[requestsPerMinute=" + show(requestsPerMinute) + ", filesPerHour=" + show(filesPerHour)
                + ", filesPerDay=" + show(filesPerDay) + ", maxConcurrentTasks=" + show(maxConcurrentTasks)
                + ", maxQueueSize=" + show(maxQueueSize) + ", maxFileSizeBytes=" + show(maxFileSizeBytes)
                + ", maxQueueWait=" + maxQueueWait() + (shadow == 0 ? "" : ", shadow=" + shadow()) + "]";
    }

    private static String show(long v) {
        return v == OFF ? "off" : Long.toString(v);
    }

    /** Validates each value as it is set, so an invalid {@link QuotaLimits} cannot be built. */
    public static final class Builder {
        private long requestsPerMinute = 30;
        private long filesPerHour = 50;
        private long filesPerDay = 200;
        private long maxConcurrentTasks = 3;
        private long maxQueueSize = 10;
        private long maxFileSizeBytes = 10L * 1024 * 1024;
        private long maxQueueWaitMillis = 30_000;
        private int shadow;

        private Builder() {
        }

        public Builder requestsPerMinute(long value) {
            requestsPerMinute = requireRange("requestsPerMinute", value, 1, MAX_RATE);
            return this;
        }

        public Builder filesPerHour(long value) {
            filesPerHour = requireRange("filesPerHour", value, 1, MAX_RATE);
            return this;
        }

        public Builder filesPerDay(long value) {
            filesPerDay = requireRange("filesPerDay", value, 1, MAX_FILES_PER_DAY);
            return this;
        }

        public Builder maxConcurrentTasks(long value) {
            maxConcurrentTasks = requireRange("maxConcurrentTasks", value, 1, MAX_CONCURRENT_TASKS);
            return this;
        }

        /** 0 means no queue: a request finding every slot taken is denied at once. */
        public Builder maxQueueSize(long value) {
            maxQueueSize = requireRange("maxQueueSize", value, 0, MAX_QUEUE_SIZE);
            return this;
        }

        public Builder maxFileSizeBytes(long value) {
            maxFileSizeBytes = requireRange("maxFileSizeBytes", value, 1, MAX_FILE_SIZE);
            return this;
        }

        public Builder maxQueueWait(Duration value) {
            Objects.requireNonNull(value, "maxQueueWait");
            maxQueueWaitMillis = requireRange("maxQueueWait (ms)", value.toMillis(), 0, MAX_QUEUE_WAIT_MILLIS);
            return this;
        }

        /**
         * Sets one limit, as {@link QuotaLimits#get(Limit)} answers it: {@link #OFF} switches it off, the queue wait
         * is in milliseconds. The setters' range checks apply.
         */
        public Builder set(Limit limit, long value) {
            if (value == OFF) {
                return off(limit);
            }
            return switch (limit) {
                case REQUESTS_PER_MINUTE -> requestsPerMinute(value);
                case FILES_PER_HOUR -> filesPerHour(value);
                case FILES_PER_DAY -> filesPerDay(value);
                case CONCURRENT_TASKS -> maxConcurrentTasks(value);
                case QUEUE_SIZE -> maxQueueSize(value);
                case FILE_SIZE -> maxFileSizeBytes(value);
                case QUEUE_WAIT -> maxQueueWait(Duration.ofMillis(value));
                default -> throw InvalidQuotaConfigException.invalid("limit", limit, "one of the per-user limits "
                        + "REQUESTS_PER_MINUTE, FILES_PER_HOUR, FILES_PER_DAY, CONCURRENT_TASKS, QUEUE_SIZE, "
                        + "FILE_SIZE, QUEUE_WAIT");
            };
        }

        /** Switches a limit off: no requests-per-minute limit, no queue, and so on. */
        public Builder off(Limit limit) {
            switch (limit) {
                case REQUESTS_PER_MINUTE -> requestsPerMinute = OFF;
                case FILES_PER_HOUR -> filesPerHour = OFF;
                case FILES_PER_DAY -> filesPerDay = OFF;
                case CONCURRENT_TASKS -> maxConcurrentTasks = OFF;
                case QUEUE_SIZE -> maxQueueSize = OFF;
                case FILE_SIZE -> maxFileSizeBytes = OFF;
                default -> throw InvalidQuotaConfigException.invalid("limit", limit,
                        "one of REQUESTS_PER_MINUTE, FILES_PER_HOUR, FILES_PER_DAY, CONCURRENT_TASKS, QUEUE_SIZE, FILE_SIZE");
            }
            return this;
        }

        /**
         * Puts exactly these limits in shadow mode (an empty set enforces every limit). {@link Limit#CONCURRENT_TASKS}
         * brings {@link Limit#QUEUE_SIZE} with it: with its slots in shadow nobody waits, so there is no queue to
         * enforce.
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
