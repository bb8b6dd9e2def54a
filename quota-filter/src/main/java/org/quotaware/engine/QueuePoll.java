package org.quotaware.engine;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs the waiting room's poll every {@code queuePoll}, from the first request that waits on: on the scheduler given
 * (a container's managed one), else on one daemon thread of its own. A poll that fails is logged at most once a
 * minute and never ends the polling.
 */
final class QueuePoll {

    private static final Logger LOG = Logger.getLogger(QueuePoll.class.getName());

    private final Runnable poll;
    private final long everyNanos;
    private final ScheduledExecutorService scheduler;
    private final boolean ownsScheduler;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile long failureLoggedAt;
    private volatile boolean closed;

    /** @param scheduler where to run, or null for a thread of its own */
    QueuePoll(Runnable poll, long everyNanos, ScheduledExecutorService scheduler) {
        this.poll = poll;
        this.everyNanos = everyNanos;
        this.ownsScheduler = scheduler == null;
        this.scheduler = scheduler != null ? scheduler : ownThread();
    }

    /** Starts polling, once. */
    void start() {
        if (started.get() || !started.compareAndSet(false, true)) {
            return;
        }
        try {
            scheduler.scheduleWithFixedDelay(this::run, everyNanos, everyNanos, TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            started.set(false); // the next waiter tries again
            if (!closed) {
                LOG.log(Level.SEVERE, "quotaware: the scheduler refused the queue poll; waits end only when a slot "
                        + "is released here", e);
            }
        }
    }

    /** One poll now; what the scheduler runs. */
    void run() {
        try {
            poll.run();
        } catch (RuntimeException e) {
            // a scheduled task that throws is never run again: a failing store must not end the polling
            long now = System.nanoTime();
            if (now - failureLoggedAt > TimeUnit.MINUTES.toNanos(1)) {
                failureLoggedAt = now;
                LOG.log(Level.WARNING, "quotaware: polling the waiting requests failed; retrying every queue poll", e);
            }
        }
    }

    void close() {
        closed = true;
        if (ownsScheduler) {
            scheduler.shutdownNow();
        }
    }

    private static ScheduledExecutorService ownThread() {
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "quotaware-queue-poll");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        return executor;
    }
}
