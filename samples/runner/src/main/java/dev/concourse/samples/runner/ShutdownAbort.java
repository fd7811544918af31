package dev.concourse.samples.runner;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C (or any other end of the JVM that runs shutdown hooks, such as SIGTERM) aborts the
 * command's build instead of leaving its processes behind: a shutdown hook aborts the build, then
 * waits until the command has seen the build end and cleaned up (see {@link #close()}), at most
 * {@link #MAX_WAIT}. The JVM then exits as interrupted processes do (130 after SIGINT, 143 after
 * SIGTERM).
 *
 * <p>Use with try-with-resources around everything the command does with its engine, so that
 * {@link #close()} runs after the engine is closed.
 */
final class ShutdownAbort implements AutoCloseable {
    /** The abort grace period, {@code on_abort} hooks and clean-up must fit in this. */
    static final Duration MAX_WAIT = LocalEngine.ABORT_GRACE_PERIOD.plusSeconds(50);

    private final PrintWriter err;
    private final Thread hook;
    private final CountDownLatch finished = new CountDownLatch(1);
    private Runnable abort;
    private String what;
    private boolean shuttingDown;

    private ShutdownAbort(PrintWriter err) {
        this.err = err;
        this.hook = Thread.ofPlatform().name("concourse-runner-abort").unstarted(this::onShutdown);
    }

    /** Registers the shutdown hook; nothing to abort yet. */
    static ShutdownAbort install(PrintWriter err) {
        ShutdownAbort shutdownAbort = new ShutdownAbort(err);
        Runtime.getRuntime().addShutdownHook(shutdownAbort.hook);
        return shutdownAbort;
    }

    /**
     * What to abort from now on, such as a build just created; if the JVM is already shutting
     * down it is aborted at once.
     */
    void abortOnShutdown(String what, Runnable abort) {
        synchronized (this) {
            this.what = what;
            this.abort = abort;
            if (!shuttingDown) {
                return;
            }
        }
        runAbort(what, abort);
    }

    private void onShutdown() {
        Runnable toAbort;
        String name;
        synchronized (this) {
            shuttingDown = true;
            toAbort = abort;
            name = what;
        }
        if (toAbort != null) {
            runAbort(name, toAbort);
        }
        try {
            if (!finished.await(MAX_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                err.println("concourse-runner: " + (name == null ? "the command" : name) + " did not end within "
                        + MAX_WAIT.toSeconds() + " s of being aborted; exiting anyway");
                err.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void runAbort(String name, Runnable toAbort) {
        err.println("concourse-runner: interrupted; aborting " + name);
        err.flush();
        try {
            toAbort.run();
        } catch (RuntimeException e) {
            // the build may have ended, or the engine closed, in the meantime: nothing left to abort
            err.println("concourse-runner: could not abort " + name + ": " + e.getMessage());
            err.flush();
        }
    }

    /** The command is done and cleaned up: the hook may let the JVM exit; outside a shutdown it is removed. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // the JVM is shutting down and the hook is running: it returns now that we counted down
        }
    }
}
