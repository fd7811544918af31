package dev.concourse.internal.event;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Ends the lingers of delivery loops (see {@link EventSubscription}): one daemon thread for the
 * whole JVM, started on use and ended after a second without lingers (so that an idle JVM, or an
 * application server that undeployed the library, holds no thread of ours). A lingering loop parks without a timeout and has at most one
 * task here at a time, which unparks it once its linger has run out. A timed park per linger
 * cost a timer of the virtual thread scheduler per park, and fan-out to many subscribers parks
 * each of them again and again during a burst: the timers cost a fifth of the CPU of delivery.
 */
final class LingerTimer {
    private static final long IDLE = TimeUnit.SECONDS.toNanos(1);
    private static final ScheduledExecutorService TIMER = timer();

    private LingerTimer() {
    }

    /** Runs {@code task} on the timer's thread after {@code delayNanos}; it must be short. */
    static void schedule(Runnable task, long delayNanos) {
        TIMER.schedule(task, delayNanos, TimeUnit.NANOSECONDS);
    }

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, task -> {
            Thread thread = new Thread(task, "concourse-event-linger");
            thread.setDaemon(true);
            thread.setContextClassLoader(null);
            return thread;
        });
        timer.setKeepAliveTime(IDLE, TimeUnit.NANOSECONDS);
        timer.allowCoreThreadTimeOut(true);
        return timer;
    }
}
