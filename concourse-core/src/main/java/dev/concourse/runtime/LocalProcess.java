package dev.concourse.runtime;

import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSignal;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A host process: its output is pumped by two virtual threads to whichever {@link ProcessIO} is
 * attached at the moment, and its input is copied by a third, then closed. A fourth waits for
 * the exit and the end of the output; if a background process it left behind keeps the output
 * open for longer than the drain timeout after the exit, later output is discarded and the
 * process counts as finished, so such a step does not hang.
 */
final class LocalProcess implements ContainerProcess {
    private static final Logger LOG = LoggerFactory.getLogger(LocalProcess.class);
    private static final int BUFFER = 64 * 1024;

    private final String id;
    private final String description;
    private final Process process;
    private final Output stdout;
    private final Output stderr;
    private final CountDownLatch pumps = new CountDownLatch(2);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Duration drainTimeout;

    private LocalProcess(String id, String description, Process process, ProcessIO io, Duration drainTimeout) {
        this.id = id;
        this.description = description;
        this.process = process;
        this.drainTimeout = drainTimeout;
        this.stdout = new Output(io.stdout(), description + " stdout");
        this.stderr = new Output(io.stderr(), description + " stderr");
    }

    /** Starts pumping the streams of a process that has just been started. */
    static LocalProcess start(String id, String description, Process process, ProcessIO io,
            Duration drainTimeout) {
        LocalProcess local = new LocalProcess(id, description, process, io, drainTimeout);
        local.pump(process.getInputStream(), local.stdout, "stdout");
        local.pump(process.getErrorStream(), local.stderr, "stderr");
        local.feed(io.stdin());
        Thread.ofVirtual().name(description + " exit").start(local::awaitEnd);
        return local;
    }

    @Override
    public String id() {
        return id;
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public int waitFor() throws InterruptedException {
        finished.await();
        return process.exitValue();
    }

    @Override
    public OptionalInt exitStatus() {
        return finished.getCount() == 0 ? OptionalInt.of(process.exitValue()) : OptionalInt.empty();
    }

    private void awaitEnd() {
        try {
            process.waitFor();
            if (!pumps.await(drainTimeout.toNanos(), TimeUnit.NANOSECONDS)) {
                stdout.abandon();
                stderr.abandon();
                LOG.info("{} exited, but its output was still open {} later: a background process it started"
                        + " holds it; discarding that process's output", description, drainTimeout);
            }
        } catch (InterruptedException e) {
            // Only this runtime starts these threads, and it never interrupts them.
            Thread.currentThread().interrupt();
        } finally {
            finished.countDown();
        }
    }

    /**
     * Signals the process and every descendant it has now: a shell's children must stop too, and
     * once the shell is gone they would no longer be found as its descendants. Signals go through
     * {@link ProcessHandle}, not {@link Process#destroy()}, which also closes the output pipes: a
     * process that handles SIGTERM must still be able to report its clean-up.
     */
    @Override
    public void signal(ProcessSignal signal) {
        ProcessHandle handle = process.toHandle();
        if (!handle.isAlive()) {
            return;
        }
        List<ProcessHandle> descendants = handle.descendants().toList();
        if (signal == ProcessSignal.KILL) {
            handle.destroyForcibly();
            descendants.forEach(ProcessHandle::destroyForcibly);
        } else {
            handle.destroy();
            descendants.forEach(ProcessHandle::destroy);
        }
    }

    /** Sends output produced from now on to {@code io}; its stdin is not used (input was given at start). */
    void redirect(ProcessIO io) {
        stdout.redirect(io.stdout());
        stderr.redirect(io.stderr());
    }

    private void pump(InputStream from, Output to, String name) {
        Thread.ofVirtual().name(description + " " + name).start(() -> {
            byte[] buffer = new byte[BUFFER];
            try (from) {
                int n;
                while ((n = from.read(buffer)) >= 0) {
                    to.write(buffer, n);
                }
            } catch (IOException e) {
                LOG.debug("reading the {} of {} stopped: {}", name, description, e.toString());
            } finally {
                pumps.countDown();
            }
        });
    }

    private void feed(InputStream stdin) {
        OutputStream processInput = process.getOutputStream();
        if (stdin == null) {
            closeInput(processInput);
            return;
        }
        Thread.ofVirtual().name(description + " stdin").start(() -> {
            try {
                stdin.transferTo(processInput);
            } catch (IOException e) {
                // Usual when the process exits without reading all of its input.
                LOG.debug("copying stdin to {} stopped: {}", description, e.toString());
            } finally {
                closeInput(processInput);
            }
        });
    }

    private void closeInput(OutputStream processInput) {
        try {
            processInput.close();
        } catch (IOException e) {
            LOG.debug("closing the stdin of {} failed: {}", description, e.toString());
        }
    }

    /** Where one output stream goes; a lock (not a monitor) so virtual threads never pin on slow writes. */
    private static final class Output {
        private final ReentrantLock lock = new ReentrantLock();
        private final String name;
        private OutputStream target;
        private boolean abandoned;

        Output(OutputStream target, String name) {
            this.target = target;
            this.name = name;
        }

        void redirect(OutputStream newTarget) {
            lock.lock();
            try {
                if (!abandoned) {
                    target = newTarget;
                }
            } finally {
                lock.unlock();
            }
        }

        /** Output from now on is discarded, whatever is attached later. */
        void abandon() {
            lock.lock();
            try {
                abandoned = true;
                target = null;
            } finally {
                lock.unlock();
            }
        }

        void write(byte[] buffer, int length) {
            lock.lock();
            try {
                if (target == null) {
                    return;
                }
                target.write(buffer, 0, length);
                target.flush();
            } catch (IOException e) {
                // Keep draining the pipe so the process is not blocked; its further output is lost.
                LOG.warn("cannot write the {} to its destination, discarding it from now on: {}", name,
                        e.toString());
                target = null;
            } finally {
                lock.unlock();
            }
        }
    }
}
