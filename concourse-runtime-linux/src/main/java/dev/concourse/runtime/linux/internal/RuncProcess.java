package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSignal;
import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A process run by a supervising shell ({@link ProcessLauncher}) as its own runc container. Its
 * output comes through two FIFOs the supervisor keeps open, so the process never gets SIGPIPE
 * while no engine reads; a new engine instance can open them again ({@link #reattach}). It is done
 * when the supervisor has exited (after writing the exit status to a file) and both FIFOs reached
 * their end, or the drain timeout passed. Opening and reading a FIFO blocks in native code, which
 * would pin a virtual thread's carrier, so the pumps are platform threads.
 */
final class RuncProcess implements ContainerProcess {
    private static final int BUFFER = 64 * 1024;

    private final String id;
    private final ProcessDirectory directory;
    private final String memoryLimit;
    private final Consumer<ProcessSignal> signaller;
    private final Duration drainTimeout;
    private final AtomicReference<OutputStream> stdout = new AtomicReference<>();
    private final AtomicReference<OutputStream> stderr = new AtomicReference<>();
    private final CountDownLatch outputEnded = new CountDownLatch(2);
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    private final List<FileChannel> channels = new CopyOnWriteArrayList<>();
    private final List<RandomAccessFile> holders = new CopyOnWriteArrayList<>();
    private volatile boolean detached;
    private volatile boolean stdinOpened;
    private volatile boolean stdoutOpened;
    private volatile boolean stderrOpened;

    private RuncProcess(String id, ProcessDirectory directory, String memoryLimit, Consumer<ProcessSignal> signaller,
            Duration drainTimeout, ProcessIO io) {
        this.id = id;
        this.directory = directory;
        this.memoryLimit = memoryLimit;
        this.signaller = signaller;
        this.drainTimeout = drainTimeout;
        this.stdout.set(io.stdout());
        this.stderr.set(io.stderr());
    }

    /** Follows a supervisor this instance just started. */
    static RuncProcess open(String id, ProcessDirectory directory, String memoryLimit, Consumer<ProcessSignal> signaller,
            Duration drainTimeout, ProcessIO io) {
        RuncProcess process = new RuncProcess(id, directory, memoryLimit, signaller, drainTimeout, io);
        // The readers must have the FIFOs open before the supervisor starts: what a FIFO holds is
        // dropped when its last user closes it, so a process that ends before the engine opened
        // its output would lose it. A read-write end held until the supervisor has opened its own
        // ({@link #started}) lets the readers open without waiting, and keeps them from seeing
        // the end of the output before it began.
        CountDownLatch readersOpen = new CountDownLatch(2);
        try {
            process.holders.add(new RandomAccessFile(directory.stdout().toFile(), "rw"));
            process.holders.add(new RandomAccessFile(directory.stderr().toFile(), "rw"));
            process.pump(directory.stdout(), process.stdout, () -> {
                process.stdoutOpened = true;
                readersOpen.countDown();
            });
            process.pump(directory.stderr(), process.stderr, () -> {
                process.stderrOpened = true;
                readersOpen.countDown();
            });
            readersOpen.await();
        } catch (IOException e) {
            process.releaseHolders();
            process.detach();
            throw new RuntimeOperationException("cannot open the output of process " + id + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            process.releaseHolders();
            process.detach();
            Thread.currentThread().interrupt();
            throw new RuntimeOperationException("interrupted while starting process " + id, e);
        }
        if (io.stdin() != null) {
            Thread.ofPlatform().daemon().name("runc-stdin-" + id).start(() -> process.feed(io.stdin()));
        }
        return process;
    }

    /** Completes once the supervisor started after {@link #open} has exited. */
    void supervise(CompletableFuture<?> supervisorExit) {
        supervisorExit.whenComplete((ignored, error) -> {
            releaseHolders();
            complete();
        });
    }

    /** The supervisor holds the output FIFOs now (runc started the process): the engine's own ends can go. */
    void started() {
        releaseHolders();
    }

    private void releaseHolders() {
        for (RandomAccessFile holder : holders) {
            closeQuietly(holder);
        }
        holders.clear();
    }

    /** A process an earlier instance started: running (output from now on to {@code io}) or finished. */
    static RuncProcess reattach(String id, ProcessDirectory directory, String memoryLimit,
            Consumer<ProcessSignal> signaller, Duration drainTimeout, ProcessIO io, ProcessHandle supervisor) {
        RuncProcess process = new RuncProcess(id, directory, memoryLimit, signaller, drainTimeout, io);
        if (supervisor == null) {
            process.stdoutOpened = true;
            process.stderrOpened = true;
            process.stdinOpened = true;
            process.outputEnded.countDown();
            process.outputEnded.countDown();
            process.finish();
            return process;
        }
        process.pump(directory.stdout(), process.stdout, () -> process.stdoutOpened = true);
        process.pump(directory.stderr(), process.stderr, () -> process.stderrOpened = true);
        supervisor.onExit().whenComplete((ignored, error) -> process.complete());
        return process;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int waitFor() throws InterruptedException {
        try {
            return done.get();
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IllegalStateException("process " + id + " failed to complete", e.getCause());
        }
    }

    @Override
    public OptionalInt exitStatus() {
        Integer status = done.getNow(null);
        return status == null ? OptionalInt.empty() : OptionalInt.of(status);
    }

    @Override
    public void signal(ProcessSignal signal) {
        if (!done.isDone() && directory.exitStatus().isEmpty()) {
            signaller.accept(signal);
        }
    }

    boolean isRunning() {
        return !done.isDone();
    }

    /** Sends later output to {@code io} (its stdin is ignored: a process's input is what {@code run} gave it). */
    void redirect(ProcessIO io) {
        stdout.set(io.stdout());
        stderr.set(io.stderr());
    }

    /** Stops reading output (the runtime is closing; a later instance can re-attach and read the rest). */
    void detach() {
        releaseHolders();
        detached = true;
        stdout.set(null);
        stderr.set(null);
        for (FileChannel channel : channels) {
            try {
                channel.close();
            } catch (IOException e) {
                // closing only stops the reader
            }
        }
    }

    private void pump(Path fifo, AtomicReference<OutputStream> sink, Runnable opened) {
        Thread.ofPlatform().daemon().name("runc-output-" + id).start(() -> {
            ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
            // A FileChannel, not a FileInputStream: closing it (detach) aborts a blocked read
            // without consuming data, so a later instance reading the FIFO gets all of it.
            try (FileChannel in = FileChannel.open(fifo, StandardOpenOption.READ)) {
                channels.add(in);
                opened.run();
                if (detached) {
                    return;
                }
                while (in.read(buffer.clear()) >= 0) {
                    OutputStream out = sink.get();
                    if (out != null && buffer.position() > 0) {
                        try {
                            out.write(buffer.array(), 0, buffer.position());
                            out.flush();
                        } catch (IOException e) {
                            // the caller closed its stream: keep draining so the process is not blocked
                        }
                    }
                }
            } catch (IOException e) {
                // detached, or the FIFO is gone (container destroyed): the output ended here
            } finally {
                opened.run();
                outputEnded.countDown();
            }
        });
    }

    private void feed(InputStream input) {
        try (OutputStream out = new FileOutputStream(directory.stdin().toFile())) {
            stdinOpened = true;
            input.transferTo(out);
        } catch (IOException e) {
            // the process exited or closed its input: what it did not read is dropped
        } finally {
            stdinOpened = true;
        }
    }

    private void complete() {
        Thread.ofVirtual().name("runc-exit-" + id).start(this::finish);
    }

    private void finish() {
        // A reader or writer still waiting in open() (the supervisor died before opening its
        // end) is let through by opening the FIFO ourselves for a moment.
        if (!stdoutOpened) {
            unblock(directory.stdout());
        }
        if (!stderrOpened) {
            unblock(directory.stderr());
        }
        if (!stdinOpened && Files.exists(directory.stdin())) {
            unblock(directory.stdin());
        }
        boolean drained;
        try {
            drained = outputEnded.await(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            drained = false;
        }
        if (!drained) {
            // a background process keeps the output open: drop what it writes from now on
            stdout.set(null);
            stderr.set(null);
        }
        OptionalInt status = directory.exitStatus();
        if (status.isPresent() && Files.exists(directory.oomFile())) {
            report("\nprocess " + id + " was killed: the container ran out of memory (its memory limit is "
                    + memoryLimit + ")\n");
        } else if (status.isEmpty()) {
            report("\nprocess " + id + ": its supervisor ended without recording an exit status; "
                    + directory.runcError() + "\n");
        }
        done.complete(status.orElse(255));
    }

    private void report(String message) {
        OutputStream err = stderr.get();
        if (err != null) {
            try {
                err.write(message.getBytes(StandardCharsets.UTF_8));
                err.flush();
            } catch (IOException e) {
                // the caller closed its stream
            }
        }
    }

    private static void closeQuietly(RandomAccessFile file) {
        if (file != null) {
            try {
                file.close();
            } catch (IOException e) {
                // only held to let the readers open
            }
        }
    }

    private static void unblock(Path fifo) {
        try {
            // opening both ends releases whoever waits for the other end
            new RandomAccessFile(fifo.toFile(), "rw").close();
        } catch (IOException e) {
            // gone already: nobody can be waiting for it
        }
    }
}
