package dev.concourse.internal.exec;

import dev.concourse.spi.scheduling.EngineClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A node in a tree of cancellation signals, the executor's version of Go's {@code context}: a
 * child is cancelled with its parent (and with the parent's cause), never the other way round.
 * The build has a root; a timeout makes a child that cancels itself with
 * {@link Cause#DEADLINE_EXCEEDED}; hooks that must run although the build is aborting get a new
 * root ({@link #detachedFromAbort()}), as Concourse runs them with {@code context.Background()}.
 *
 * <p>Every node of one run also shares the run's <em>hand-over</em> signal: the build now belongs
 * to another engine node ({@link #handOver()}). It cancels the build's root and the hooks' roots
 * alike with {@link Cause#HANDED_OVER}, so nothing of the run goes on here, and it stays visible
 * ({@link #isHandedOver()}, {@link #onHandOver}) where an abort or a timeout cancelled a node first.
 *
 * <p>Thread-safe. Listeners run on the thread that cancels, outside any lock, and must be short.
 */
final class Cancellation implements AutoCloseable {

    /** Why a step was cancelled. */
    enum Cause {
        /** The build was aborted, or a fail-fast sibling failed ({@code context.Canceled}). */
        ABORTED,
        /** A timeout expired ({@code context.DeadlineExceeded}). */
        DEADLINE_EXCEEDED,
        /**
         * The build now belongs to another engine node (it took the build over): no step or hook
         * starts here any more, and running processes are detached rather than stopped. For the
         * step's outcome it counts as an abort (nothing is stored of it anyway).
         */
        HANDED_OVER
    }

    /** A listener or timer to remove once it is not needed. */
    interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private static final Registration NOTHING = () -> { };

    private final Object lock = new Object();
    private final List<Runnable> listeners = new ArrayList<>();
    private Cause cause;
    private Registration parentLink = NOTHING;
    private Registration timer = NOTHING;
    /** The run's hand-over signal (itself for the signal). */
    private final Cancellation handOver;

    private Cancellation(Cancellation handOver) {
        this.handOver = handOver == null ? this : handOver;
    }

    /** The root of a new run: only {@link #cancel} and {@link #handOver()} cancel it. */
    static Cancellation detached() {
        return new Cancellation(null).child();
    }

    /**
     * A new root of this run, not cancelled with this (an abort) but with the run's hand-over:
     * for hooks that run although the build is aborting. {@link #close()} it when done.
     */
    Cancellation detachedFromAbort() {
        return handOver.child();
    }

    /** Hands the whole run over to another engine node: cancels every node of it with {@link Cause#HANDED_OVER}. */
    void handOver() {
        handOver.cancel(Cause.HANDED_OVER);
    }

    /** Whether the run was handed over to another engine node ({@link #handOver()}), whatever cancelled this first. */
    boolean isHandedOver() {
        return handOver.isCancelled();
    }

    /** Runs {@code listener} when the run is handed over, at once if it already was. */
    Registration onHandOver(Runnable listener) {
        return handOver.onCancel(listener);
    }

    /** A child cancelled together with this. {@link #close()} it when done to drop the link. */
    Cancellation child() {
        Cancellation child = new Cancellation(handOver);
        child.parentLink = onCancel(() -> child.cancel(cause().orElse(Cause.ABORTED)));
        return child;
    }

    /** A child that also cancels itself with {@link Cause#DEADLINE_EXCEEDED} after {@code timeout}. */
    Cancellation withTimeout(EngineClock clock, Duration timeout) {
        Cancellation child = child();
        if (child.isCancelled()) {
            return child;
        }
        EngineClock.Scheduled scheduled = clock.schedule(timeout, () -> child.cancel(Cause.DEADLINE_EXCEEDED));
        synchronized (child.lock) {
            child.timer = scheduled::cancel;
        }
        return child;
    }

    /** Cancels this and its children; only the first cause counts. */
    void cancel(Cause why) {
        List<Runnable> toRun;
        synchronized (lock) {
            if (cause != null) {
                return;
            }
            cause = why;
            toRun = List.copyOf(listeners);
            listeners.clear();
        }
        for (Runnable listener : toRun) {
            listener.run();
        }
    }

    boolean isCancelled() {
        synchronized (lock) {
            return cause != null;
        }
    }

    Optional<Cause> cause() {
        synchronized (lock) {
            return Optional.ofNullable(cause);
        }
    }

    /** Runs {@code listener} when this is cancelled, at once if it already is. */
    Registration onCancel(Runnable listener) {
        synchronized (lock) {
            if (cause == null) {
                listeners.add(listener);
                return () -> {
                    synchronized (lock) {
                        listeners.remove(listener);
                    }
                };
            }
        }
        listener.run();
        return NOTHING;
    }

    /** Detaches from the parent and stops the timer; the cancellation state stays as it is. */
    @Override
    public void close() {
        Registration link;
        Registration t;
        synchronized (lock) {
            link = parentLink;
            t = timer;
            parentLink = NOTHING;
            timer = NOTHING;
        }
        link.close();
        t.close();
    }
}
