package dev.concourse.testkit;

import dev.concourse.spi.scheduling.CallerRunsExecutor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;

/**
 * Runs all of an engine's work on the thread of the test, one task at a time: the engine's
 * {@link Executor} and the {@link ManualClock}'s timers. Work submitted from outside a task (an
 * API call of the test, a timer) is queued and runs when the test drives; work submitted by a
 * running task (the branches of {@code in_parallel}, a build started by a scheduling pass) runs at
 * once, nested, so a task waiting for the branches it submitted finds them done. The engine is
 * therefore idle exactly when the queue is empty and no timer is due: no polling, no sleeping.
 *
 * <p>A task that has to wait for time (a task mock that takes a while or hangs until a timeout or
 * abort stops it) drives from within: it runs the queued work and due timers, and moves the
 * clock to the next timer, until what it waits for happens ({@link #driveUntil}).
 *
 * <p>Thread-safe for submissions; driving is for one thread at a time.
 */
final class EngineDriver implements CallerRunsExecutor {
    /** How far a waiting task may move time before the wait is declared endless. */
    static final Duration DEFAULT_HORIZON = Duration.ofDays(7);

    private final ManualClock clock;
    private final Deque<Runnable> queue = new ArrayDeque<>();
    private final Duration horizon;
    private volatile Thread driver;
    private int depth;
    private boolean closed;
    private final java.util.List<String> problems = new java.util.ArrayList<>();

    EngineDriver(ManualClock clock, Duration horizon) {
        this.clock = clock;
        this.horizon = horizon;
    }

    ManualClock clock() {
        return clock;
    }

    @Override
    public void execute(Runnable task) {
        if (Thread.currentThread() == driver && depth > 0) {
            run(task);
            return;
        }
        boolean inline;
        synchronized (this) {
            inline = closed;
            if (!closed) {
                queue.addLast(task);
            }
        }
        if (inline) {
            // After the harness closed: the engine's last work (its shutdown) runs on its caller.
            task.run();
        }
    }

    /** Runs queued work and timers due now until there is none. */
    void runUntilIdle() {
        enter();
        try {
            while (step()) {
                // one task or timer per step
            }
        } finally {
            leave();
        }
    }

    /**
     * Moves time forward by {@code duration}, running each timer at its due time and everything
     * it causes before moving on.
     */
    void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("cannot advance time by a negative duration: " + duration);
        }
        enter();
        try {
            Instant target = clock.now().plus(duration);
            while (true) {
                while (step()) {
                    // drain what is due now
                }
                Optional<Instant> next = clock.nextDue();
                if (next.isEmpty() || next.get().isAfter(target)) {
                    break;
                }
                clock.moveTo(next.get());
            }
            clock.moveTo(target);
            while (step()) {
                // what falls due at the target
            }
        } finally {
            leave();
        }
    }

    /**
     * Drives until {@code done} holds, moving time to the next timer whenever nothing else can
     * run: for a task waiting for time. Called on the driving thread (from within a task) it
     * drives; on another thread it cannot, and fails.
     *
     * @param what what is waiting, for the message when the wait cannot end
     * @return whether {@code done} holds; false (and a problem recorded) when nothing made it true
     *         within the horizon of simulated time
     */
    boolean driveUntil(BooleanSupplier done, String what) {
        if (Thread.currentThread() != driver) {
            problem(what + " waited for time on a thread the test kit does not drive (" + Thread.currentThread()
                    + "); engine work must run on the engine's executor");
            return false;
        }
        Instant limit = clock.now().plus(horizon);
        while (!done.getAsBoolean()) {
            if (step()) {
                continue;
            }
            Optional<Instant> next = clock.nextDue();
            if (next.isEmpty() || next.get().isAfter(limit)) {
                problem(what + " waits forever: nothing stopped it within " + horizon + " of simulated time (no"
                        + " timeout, no abort), so the test kit killed it; give the step a timeout, abort the build,"
                        + " or let the mock return (takes(...) instead of hangs())");
                return false;
            }
            clock.moveTo(next.get());
        }
        return true;
    }

    /**
     * Runs {@code action} on this thread as if it were engine work: what it submits to the executor
     * runs at once, inside it, and nothing queued before runs.
     */
    void inline(Runnable action) {
        enter();
        try {
            run(action);
        } finally {
            leave();
        }
    }

    /** Records something that must fail the test when the harness next returns. */
    synchronized void problem(String message) {
        problems.add(message);
    }

    /** Takes the problems recorded since the last call. */
    synchronized java.util.List<String> drainProblems() {
        java.util.List<String> taken = java.util.List.copyOf(problems);
        problems.clear();
        return taken;
    }

    /** Whether the calling thread is driving the engine now. */
    boolean isDriving() {
        return Thread.currentThread() == driver && depth > 0;
    }

    /** Stops queueing: later work runs on the thread that submits it. Returns what was still queued. */
    synchronized int close() {
        closed = true;
        int left = queue.size();
        queue.clear();
        return left;
    }

    private boolean step() {
        Runnable task;
        synchronized (this) {
            task = queue.pollFirst();
        }
        if (task == null) {
            task = clock.takeDue().orElse(null);
        }
        if (task == null) {
            return false;
        }
        run(task);
        return true;
    }

    private void run(Runnable task) {
        depth++;
        try {
            task.run();
        } catch (RuntimeException e) {
            // The default executor's threads would die with it; here the test hears of it.
            java.io.StringWriter trace = new java.io.StringWriter();
            e.printStackTrace(new java.io.PrintWriter(trace));
            problem("engine work failed unexpectedly: " + trace);
        } finally {
            depth--;
        }
    }

    private void enter() {
        Thread current = Thread.currentThread();
        synchronized (this) {
            if (driver != null && driver != current) {
                throw new IllegalStateException("the engine is driven by " + driver + " already; a harness"
                        + " belongs to one test thread");
            }
            driver = current;
        }
        depth++;
    }

    private void leave() {
        depth--;
        if (depth == 0) {
            synchronized (this) {
                driver = null;
            }
        }
    }
}
