package dev.concourse.testkit;

import dev.concourse.spi.scheduling.EngineClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.PriorityQueue;

/**
 * An {@link EngineClock} that moves only when told: {@link #now()} stays put, and tasks scheduled
 * on it run when a test's {@link PipelineHarness} advances it past their due time, in due-time
 * order (ties in the order they were scheduled), on the thread driving the engine. Nothing runs
 * by itself, so a test sees the engine in a fixed state between its calls.
 *
 * <p>Thread-safe.
 */
public final class ManualClock implements EngineClock {
    /** Where every test's time starts unless told otherwise: a fixed instant, so logs and snapshots repeat. */
    public static final Instant DEFAULT_START = Instant.parse("2026-01-01T00:00:00Z");

    private final PriorityQueue<Timer> timers = new PriorityQueue<>();
    private Instant now;
    private long sequence;

    public ManualClock() {
        this(DEFAULT_START);
    }

    public ManualClock(Instant start) {
        this.now = Objects.requireNonNull(start, "start");
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    @Override
    public synchronized Scheduled schedule(Duration delay, Runnable task) {
        Objects.requireNonNull(task, "task");
        Duration wait = delay.isNegative() ? Duration.ZERO : delay;
        Timer timer = new Timer(now.plus(wait), sequence++, task);
        timers.add(timer);
        return () -> cancel(timer);
    }

    private synchronized void cancel(Timer timer) {
        timers.remove(timer);
    }

    /** When the next scheduled task is due, empty when none is scheduled. */
    public synchronized Optional<Instant> nextDue() {
        Timer next = timers.peek();
        return next == null ? Optional.empty() : Optional.of(next.due);
    }

    /** How many tasks are scheduled and not yet run or cancelled. */
    public synchronized int pending() {
        return timers.size();
    }

    /**
     * Moves time forward to {@code instant} without running anything (the harness runs what
     * falls due). Moving backwards is refused: engine code relies on time not going back.
     *
     * @throws IllegalArgumentException if {@code instant} is before {@link #now()}
     */
    public synchronized void moveTo(Instant instant) {
        if (instant.isBefore(now)) {
            throw new IllegalArgumentException("time cannot go back from " + now + " to " + instant);
        }
        now = instant;
    }

    /** Removes and returns the earliest task due at or before now, if any; the caller runs it. */
    synchronized Optional<Runnable> takeDue() {
        Timer next = timers.peek();
        if (next == null || next.due.isAfter(now)) {
            return Optional.empty();
        }
        timers.poll();
        return Optional.of(next.task);
    }

    private record Timer(Instant due, long sequence, Runnable task) implements Comparable<Timer> {
        @Override
        public int compareTo(Timer other) {
            int byDue = due.compareTo(other.due);
            return byDue != 0 ? byDue : Long.compare(sequence, other.sequence);
        }
    }
}
