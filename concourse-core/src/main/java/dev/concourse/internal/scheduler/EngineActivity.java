package dev.concourse.internal.scheduler;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts the engine's work in flight, so that one can tell when no job can make progress: jobs
 * queued for or in a scheduling pass, checks running or due now, running builds. Whoever hands
 * work on (a finished check requesting a scheduling pass, a pass starting a build, a finished build
 * requesting passes) begins the new work before ending its own, so the count never drops to zero
 * between two pieces of one chain. Thread-safe.
 */
public final class EngineActivity {
    private static final Logger LOG = LoggerFactory.getLogger(EngineActivity.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition idle = lock.newCondition();
    private long busy;

    /** Some work started (or became due). */
    public void begin() {
        lock.lock();
        try {
            busy++;
        } finally {
            lock.unlock();
        }
    }

    /** Work begun with {@link #begin()} ended. */
    public void end() {
        lock.lock();
        try {
            if (busy <= 0) {
                // A bug; the work it ends has ended anyway, so it must not fail (it may be in a finally).
                LOG.error("engine activity ended more often than it began", new IllegalStateException("unbalanced"));
                return;
            }
            if (--busy == 0) {
                idle.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code work} as one piece of activity. */
    public void during(Runnable work) {
        begin();
        try {
            work.run();
        } finally {
            end();
        }
    }

    /** Whether nothing is in flight. */
    public boolean isIdle() {
        lock.lock();
        try {
            return busy == 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits until nothing is in flight, at most {@code timeout}.
     *
     * @return whether the engine is idle (false: the timeout passed first)
     */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long nanos = timeout.toNanos();
        lock.lockInterruptibly();
        try {
            while (busy > 0) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = idle.awaitNanos(nanos);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until nothing is in flight, however long that takes. */
    public void awaitIdle() throws InterruptedException {
        lock.lockInterruptibly();
        try {
            while (busy > 0) {
                idle.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** The count, for messages. */
    long inFlight() {
        lock.lock();
        try {
            return busy;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String toString() {
        return "EngineActivity[" + inFlight() + " in flight]";
    }
}
