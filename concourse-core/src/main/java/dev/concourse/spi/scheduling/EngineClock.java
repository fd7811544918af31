package dev.concourse.spi.scheduling;

import java.time.Duration;
import java.time.Instant;

/**
 * The engine's time: what time it is, and running things later (timeouts, grace periods, check
 * intervals, retries). Engine code never reads the system clock or sleeps; it asks this, so tests
 * can control time ({@code concourse-test-kit} provides a manual clock that skips idle time).
 *
 * <p>Thread-safe.
 */
public interface EngineClock {

    Instant now();

    /**
     * Runs {@code task} once after {@code delay}, on a thread of the clock's choosing (tasks must
     * be short or hand work to an executor).
     *
     * @return a handle to cancel it before it runs
     */
    Scheduled schedule(Duration delay, Runnable task);

    /** A task scheduled to run later. */
    interface Scheduled {
        /** Prevents it from running if it has not started; harmless otherwise. */
        void cancel();
    }
}
