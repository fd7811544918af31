package dev.concourse.internal.event;

import java.time.Duration;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ends the lingers of delivery loops (see {@link EventSubscription}): one daemon thread for the
 * whole JVM ({@link #schedule}), started on use and ended after a second without lingers, so that
 * an idle JVM, or an application server that undeployed the library, holds no thread of ours. A
 * lingering loop parks without a timeout and has at most one task here at a time, which unparks it
 * once its linger has run out. A timed park per linger cost a timer of the virtual thread
 * scheduler per park, and fan-out to many subscribers parks each of them again and again during a
 * burst: the timers cost a fifth of the CPU of delivery.
 */
final class LingerTimer {
    private static final LingerTimer SHARED = new LingerTimer(Duration.ofSeconds(1));

    private final ScheduledThreadPoolExecutor executor;
    private volatile Thread lastThread;

    /** A timer whose thread ends after {@code idle} without tasks (tests make their own). */
    LingerTimer(Duration idle) {
        executor = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "concourse-event-linger");
            thread.setDaemon(true);
            thread.setContextClassLoader(null);
            lastThread = thread;
            return thread;
        });
        executor.setKeepAliveTime(idle.toNanos(), TimeUnit.NANOSECONDS);
        executor.allowCoreThreadTimeOut(true);
    }

    /** Runs {@code task} on the shared timer's thread after {@code delayNanos}; it must be short. */
    static void schedule(Runnable task, long delayNanos) {
        SHARED.submit(task, delayNanos);
    }

    void submit(Runnable task, long delayNanos) {
        executor.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    /** The thread it started last, if any (tests). */
    Thread lastThread() {
        return lastThread;
    }
}
