package org.quotaware.engine;

import java.util.Arrays;

/**
 * A compact list of leases, {@code (token, expiry)} pairs in a {@code long[]}, kept in arrival order without holes.
 * A user's held slots and queue places are such lists: a holder that stops renewing (its member died) loses its
 * entry when the lease runs out. The lists are short (at most the concurrency and queue limits).
 */
final class Leases {

    static final long[] NONE = new long[0];

    private Leases() {
    }

    /** Entries whose lease runs past {@code now}. */
    static int live(long[] leases, long now) {
        int n = 0;
        for (int i = 0; i < leases.length; i += 2) {
            if (leases[i + 1] > now) {
                n++;
            }
        }
        return n;
    }

    static long[] add(long[] leases, long token, long expiry) {
        long[] grown = Arrays.copyOf(leases, leases.length + 2);
        grown[leases.length] = token;
        grown[leases.length + 1] = expiry;
        return grown;
    }

    /** The list without {@code token}; the same array when it is not there. */
    static long[] remove(long[] leases, long token) {
        for (int i = 0; i < leases.length; i += 2) {
            if (leases[i] == token) {
                if (leases.length == 2) {
                    return NONE;
                }
                long[] out = new long[leases.length - 2];
                System.arraycopy(leases, 0, out, 0, i);
                System.arraycopy(leases, i + 2, out, i, leases.length - i - 2);
                return out;
            }
        }
        return leases;
    }

    static boolean contains(long[] leases, long token) {
        for (int i = 0; i < leases.length; i += 2) {
            if (leases[i] == token) {
                return true;
            }
        }
        return false;
    }

    /** Extends the lease of {@code token}; false when it is not there. */
    static boolean renew(long[] leases, long token, long expiry) {
        for (int i = 0; i < leases.length; i += 2) {
            if (leases[i] == token) {
                leases[i + 1] = Math.max(leases[i + 1], expiry);
                return true;
            }
        }
        return false;
    }

    /** The list without the entries whose lease ended at or before {@code now}. */
    static long[] expire(long[] leases, long now) {
        long[] out = leases;
        for (int i = leases.length - 2; i >= 0; i -= 2) {
            if (leases[i + 1] <= now) {
                out = remove(out, leases[i]);
            }
        }
        return out;
    }

    /** The earliest lease end after {@code now}, {@link Long#MAX_VALUE} when none runs past it. */
    static long firstEnd(long[] leases, long now) {
        long first = Long.MAX_VALUE;
        for (int i = 1; i < leases.length; i += 2) {
            if (leases[i] > now) {
                first = Math.min(first, leases[i]);
            }
        }
        return first;
    }

    /** The token of the first entry still live at {@code now}, 0 when none. */
    static long first(long[] leases, long now) {
        for (int i = 0; i < leases.length; i += 2) {
            if (leases[i + 1] > now) {
                return leases[i];
            }
        }
        return 0;
    }
}
