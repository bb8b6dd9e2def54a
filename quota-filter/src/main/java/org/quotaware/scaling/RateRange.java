package org.quotaware.scaling;

import java.io.Serializable;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaLimits;

import static org.quotaware.InvalidQuotaConfigException.requireRange;

/**
 * A rate limit that adapts to the load, such as the seed's "8-20 files per minute per user": with spare capacity a
 * user gets up to {@code high}, under load the limit falls toward {@code low}, never below. A fixed limit is a range
 * whose ends are equal.
 * <p>
 * {@link #effective(double)} is linear in the spare capacity ({@link AdaptiveScaler#spareCapacity}): the simplest
 * monotone rule, one a user can predict from the published spare capacity, with no tuning knob that nobody has data
 * for. The hard protection of a member is {@link LoadProtection}'s job, not the rate limit's.
 */
public record RateRange(long low, long high) implements Serializable {

    public RateRange {
        requireRange("low", low, 1, QuotaLimits.MAX_RATE);
        requireRange("high", high, low, QuotaLimits.MAX_RATE);
    }

    /** A range of one value: not adaptive. */
    public static RateRange fixed(long value) {
        return new RateRange(value, value);
    }

    /**
     * Reads {@code "8-20"} or {@code "20"}, as written in web.xml or MicroProfile Config.
     *
     * @param field the key, for the message
     */
    public static RateRange parse(String field, String text) {
        String t = text == null ? "" : text.strip();
        int dash = t.indexOf('-', 1);
        try {
            if (dash < 0) {
                return fixed(Long.parseLong(t));
            }
            return new RateRange(Long.parseLong(t.substring(0, dash).strip()),
                    Long.parseLong(t.substring(dash + 1).strip()));
        } catch (NumberFormatException e) {
            throw InvalidQuotaConfigException.invalid(field, text, "a number or a range low-high such as 8-20");
        } catch (InvalidQuotaConfigException e) {
            throw e.forKey(field);
        }
    }

    public boolean isFixed() {
        return low == high;
    }

    /**
     * The limit for this much spare capacity: {@code low + floor((high - low) × spare)}, the spare capacity clamped to
     * 0..1. An unknown spare capacity (NaN) gives {@code low}: not knowing the load never raises a limit.
     */
    public long effective(double spare) {
        if (Double.isNaN(spare) || spare <= 0) {
            return low;
        }
        if (spare >= 1) {
            return high;
        }
        // the epsilon keeps 0.5 of an even width from rounding down to one less
        return low + (long) Math.floor((high - low) * spare + 1e-9);
    }

    @Override
    public String toString() {
        return isFixed() ? Long.toString(low) : low + "-" + high;
    }
}
