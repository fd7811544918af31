package dev.concourse.internal.credentials;

import dev.concourse.spi.scheduling.EngineClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * A clock that moves only when told: {@link #advance(Duration)} runs the timers that fall due.
 * With {@link #autoAdvance()} a timer moves the clock to its due time and runs at once, so code
 * that waits on the clock finishes without real waiting (time skips over idle periods).
 */
final class ManualClock implements EngineClock {
    private final List<Duration> delays = new ArrayList<>();
    private final PriorityQueue<Timer> timers = new PriorityQueue<>(
            Comparator.comparing((Timer t) -> t.due).thenComparingLong(t -> t.order));
    private Instant now;
    private boolean autoAdvance;
    private long order;

    ManualClock(Instant start) {
        this.now = start;
    }

    ManualClock autoAdvance() {
        autoAdvance = true;
        return this;
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable task) {
        Timer timer;
        synchronized (this) {
            delays.add(delay);
            timer = new Timer(now.plus(delay), order++, task);
            timers.add(timer);
            notifyAll();
        }
        if (autoAdvance) {
            advance(delay);
        }
        return () -> {
            synchronized (ManualClock.this) {
                timers.remove(timer);
            }
        };
    }

    /** Moves the clock on and runs the timers due by then, in due order, on this thread. */
    void advance(Duration by) {
        Instant until;
        synchronized (this) {
            until = now.plus(by);
        }
        while (true) {
            Timer next;
            synchronized (this) {
                next = timers.peek();
                if (next == null || next.due.isAfter(until)) {
                    now = until;
                    return;
                }
                timers.poll();
                if (next.due.isAfter(now)) {
                    now = next.due;
                }
            }
            next.task.run();
        }
    }

    /** Every delay asked for, in order. */
    synchronized List<Duration> delays() {
        return List.copyOf(delays);
    }

    /** How many timers wait to run. */
    synchronized int pending() {
        return timers.size();
    }

    /** Waits (really, up to {@code timeout}) until {@code count} timers have been scheduled in all. */
    synchronized void awaitScheduled(int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (delays.size() < count) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("only " + delays.size() + " of " + count + " timers scheduled within " + timeout);
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    private record Timer(Instant due, long order, Runnable task) {
    }
}
