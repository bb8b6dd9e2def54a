package org.quotaware.denials;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Level;
import java.util.logging.Logger;

import org.quotaware.InvalidQuotaConfigException;
import org.quotaware.QuotaCheckResult;
import org.quotaware.QuotaRequest;
import org.quotaware.Violation;
import org.quotaware.internal.LogText;
import org.quotaware.spi.DecisionListener;

/**
 * Writes denials to the JUL logger {@value #NAME} at {@code FINE}: silent under the usual {@code INFO} level until an
 * operator turns it on ({@code org.quotaware.denials.level=FINE}). Rate-limited per user, so it can be turned on under
 * attack: the first denial of a user in a window is logged, the others of that window are counted and the count is
 * logged once the window is over (with the user's next denial, or with anyone's after it). At most
 * {@value #MAX_USERS} users are followed per window; denials of further users share one line per window, so a flood
 * of invented identities costs neither memory nor log volume. Costs nothing while the level is off. The user and the
 * path come from the request: they are cut and their control characters escaped ({@link LogText}), so a denial is
 * always one line.
 */
public final class DenialLogger implements DecisionListener {

    /** The logger's name. */
    public static final String NAME = "org.quotaware.denials";
    /** The default window per user. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);
    /** Users followed at once; beyond them, the rest share {@link #OTHERS}. */
    static final int MAX_USERS = 1_000;
    /** Where users beyond {@link #MAX_USERS} are counted. */
    static final String OTHERS = "(other users)";

    /** A user's window: when it started and how many denials were not logged since. */
    private static final class Window {
        final long start;
        long unlogged;

        Window(long start) {
            this.start = start;
        }
    }

    private final Logger logger;
    private final long windowMillis;
    private final InstantSource clock;
    /** In order of window start, so the ended windows are at the head. */
    private final LinkedHashMap<String, Window> windows = new LinkedHashMap<>();

    public DenialLogger(Duration window, InstantSource clock) {
        this(Logger.getLogger(NAME), window, clock);
    }

    DenialLogger(Logger logger, Duration window, InstantSource clock) {
        this.logger = Objects.requireNonNull(logger, "logger");
        this.windowMillis = InvalidQuotaConfigException.requireRange("window (s)",
                Objects.requireNonNull(window, "window").toSeconds(), 1, 86_400) * 1000;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public void decided(String tier, QuotaCheckResult result, long nanos) {
        decided(null, null, result, nanos);
    }

    @Override
    public void decided(String user, QuotaRequest request, QuotaCheckResult result, long nanos) {
        if (result.violations().isEmpty() || !logger.isLoggable(Level.FINE)) {
            return;
        }
        Instant now = clock.instant();
        String who = LogText.of(Denial.cut(String.valueOf(user)));
        String key = who;
        List<String> ended = new ArrayList<>(0);
        boolean first;
        synchronized (windows) {
            long at = now.toEpochMilli();
            endWindows(at, ended);
            Window w = windows.get(key);
            if (w == null && windows.size() >= MAX_USERS) {
                key = OTHERS;
                w = windows.get(OTHERS);
            }
            first = w == null;
            if (first) {
                windows.put(key, new Window(at));
            } else {
                w.unlogged++;
            }
        }
        // written after the lock is left: a slow handler never holds up other denials' counting
        ended.forEach(logger::fine);
        if (first) {
            logger.fine(describe(who, key, request, result));
        }
    }

    /** Forgets the windows that ended before {@code at}, adding the lines of their counts to {@code lines}. */
    private void endWindows(long at, List<String> lines) {
        Iterator<Map.Entry<String, Window>> it = windows.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<String, Window> e = it.next();
            Window w = e.getValue();
            if (w.start + windowMillis > at) {
                return; // later windows started later still
            }
            it.remove();
            if (w.unlogged > 0) {
                lines.add(e.getKey() + ": " + w.unlogged + " more denial(s) not logged in the "
                        + windowMillis / 1000 + " s after " + Instant.ofEpochMilli(w.start));
            }
        }
    }

    private String describe(String who, String key, QuotaRequest request, QuotaCheckResult result) {
        StringBuilder s = new StringBuilder(who).append(result.allowed() ? " would be denied (shadow)" : " denied")
                .append(" in tier ").append(LogText.of(result.tier()));
        if (request != null && request.target() != null) {
            s.append(" at ").append(LogText.of(Denial.cut(request.target())));
        }
        s.append(": ");
        List<Violation> violations = result.violations();
        for (int i = 0; i < violations.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(violations.get(i).describe());
        }
        return s.append(" (further denials ").append(key.equals(who) ? "of this user" : "of users beyond the "
                + MAX_USERS + " followed, as " + OTHERS + ",").append(" in the next ").append(windowMillis / 1000)
                .append(" s are counted, not logged)").toString();
    }
}
