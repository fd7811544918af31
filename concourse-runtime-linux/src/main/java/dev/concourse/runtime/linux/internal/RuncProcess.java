package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ProcessDetachedException;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A process run by its supervisor ({@link ProcessLauncher}) as its own runc container. Its output
 * comes through two FIFOs the supervisor keeps open, so the process never gets SIGPIPE while no
 * engine reads; a new engine instance can open them again ({@link #reattach}). The supervisor
 * writes the exit status to a file and only then closes its ends of the FIFOs, so it is done as
 * soon as both FIFOs reached their end and the exit file is there: the output pump that sees the
 * last end completes it, with no thread in between. If the supervisor exits without an exit file
 * (it was killed), its exit completes it; if the output stays open after that (a process left
 * running in the background), the drain timeout does. Opening and reading a FIFO blocks in native
 * code, which would pin a virtual thread's carrier, so the pumps are platform threads
 * ({@link IoThreads}, reused across processes). {@link #detach()} stops following it without a
 * signal, for another instance to attach.
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
    private final AtomicBoolean finishing = new AtomicBoolean();
    private final CompletableFuture<Integer> done = new CompletableFuture<>();
    private final List<FileChannel> channels = new CopyOnWriteArrayList<>();
    private final List<RandomAccessFile> holders = new CopyOnWriteArrayList<>();
    private volatile boolean detached;
    private volatile Runnable forget = () -> { };
    private volatile boolean supervisorExited;
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

    /**
     * A process whose supervisor is about to start: holds its output FIFOs open (read-write) until
     * the supervisor has opened its own ends ({@link #started}). What a FIFO holds is dropped when
     * its last user closes it, and a reader waits in open() for a writer: the held ends let the
     * readers ({@link #follow}) open without waiting once the supervisor runs, and keep them from
     * seeing the end of the output before it began.
     */
    static RuncProcess open(String id, ProcessDirectory directory, String memoryLimit, Consumer<ProcessSignal> signaller,
            Duration drainTimeout, ProcessIO io) {
        RuncProcess process = new RuncProcess(id, directory, memoryLimit, signaller, drainTimeout, io);
        try {
            process.holders.add(new RandomAccessFile(directory.stdout().toFile(), "rw"));
            process.holders.add(new RandomAccessFile(directory.stderr().toFile(), "rw"));
        } catch (IOException e) {
            process.releaseHolders();
            throw new RuntimeOperationException("cannot open the output of process " + id + ": " + e.getMessage(), e);
        }
        return process;
    }

    /**
     * Starts reading its output and feeding its input, once the supervisor was started (so that
     * this work is done while runc starts the process, not before), and before {@link #supervise}.
     */
    void follow(InputStream input) {
        try {
            FileChannel out = open(directory.stdout());
            FileChannel err = open(directory.stderr());
            stdoutOpened = true;
            stderrOpened = true;
            pump(out, stdout);
            pump(err, stderr);
        } catch (IOException e) {
            stopReading();
            throw new RuntimeOperationException("cannot open the output of process " + id + ": " + e.getMessage(), e);
        }
        if (input != null) {
            IoThreads.start("runc-stdin-" + id, () -> feed(input));
        }
    }

    /** Completes at the latest once the supervisor started after {@link #open} has exited. */
    void supervise(CompletableFuture<?> supervisorExit) {
        supervisorExit.whenComplete((ignored, error) -> supervisorExited());
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
            process.supervisorExited = true;
            process.finish();
            return process;
        }
        process.pumpOpening(directory.stdout(), process.stdout, () -> process.stdoutOpened = true);
        process.pumpOpening(directory.stderr(), process.stderr, () -> process.stderrOpened = true);
        supervisor.onExit().whenComplete((ignored, error) -> process.supervisorExited());
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
            if (e.getCause() instanceof ProcessDetachedException detachedFrom) {
                throw new ProcessDetachedException(detachedFrom.getMessage());
            }
            throw new IllegalStateException("process " + id + " failed to complete", e.getCause());
        }
    }

    @Override
    public OptionalInt exitStatus() {
        if (done.isCompletedExceptionally()) {
            return OptionalInt.empty();
        }
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

    /** Whether both outputs reached their end here (nothing of this instance reads its FIFOs any more). */
    boolean outputDone() {
        return outputEnded.getCount() == 0;
    }

    /** Sends later output to {@code io} (its stdin is ignored: a process's input is what {@code run} gave it). */
    void redirect(ProcessIO io) {
        stdout.set(io.stdout());
        stderr.set(io.stderr());
    }

    /**
     * Stops following the process, without signalling it (its build now belongs to another engine
     * node): stops reading its output as {@link #stopReading} does, so what it prints from now on
     * stays in the FIFOs for an instance that attaches, ends every {@link #waitFor} with a
     * {@link ProcessDetachedException}, and has its container forget it (a later
     * {@code attach} of this instance attaches anew).
     */
    @Override
    public boolean detach() {
        stopReading();
        done.completeExceptionally(new ProcessDetachedException("process " + id + " was detached from this engine"
                + " instance (not signalled; it may still run, and another instance may attach to it)"));
        forget.run();
        return true;
    }

    /** Has {@code forget} run when it is {@linkplain #detach() detached} (its container forgets it). */
    void onDetach(Runnable forget) {
        this.forget = forget;
    }

    /**
     * Stops reading output (the runtime is closing; a later instance can re-attach and read the
     * rest). A closed channel aborts a blocked read without consuming data; a chunk read in the very
     * moment of the close is dropped.
     */
    void stopReading() {
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

    /**
     * A FileChannel, not a FileInputStream: closing it (detach) aborts a blocked read without
     * consuming data, so a later instance reading the FIFO gets all of it.
     */
    private FileChannel open(Path fifo) throws IOException {
        FileChannel channel = FileChannel.open(fifo, StandardOpenOption.READ);
        channels.add(channel);
        return channel;
    }

    /** Pumps a FIFO opened already. */
    private void pump(FileChannel in, AtomicReference<OutputStream> sink) {
        IoThreads.start("runc-output-" + id, () -> {
            try (in) {
                if (!detached) {
                    copy(in, sink);
                }
            } catch (IOException e) {
                // detached, or the FIFO is gone (container destroyed): the output ended here
            } finally {
                outputEnded();
            }
        });
    }

    /** Opens a FIFO (waiting for a writer, so in its own thread) and pumps it. */
    private void pumpOpening(Path fifo, AtomicReference<OutputStream> sink, Runnable opened) {
        IoThreads.start("runc-output-" + id, () -> {
            try (FileChannel in = open(fifo)) {
                opened.run();
                if (!detached) {
                    copy(in, sink);
                }
            } catch (IOException e) {
                // detached, or the FIFO is gone (container destroyed): the output ended here
            } finally {
                opened.run();
                outputEnded();
            }
        });
    }

    private static void copy(FileChannel in, AtomicReference<OutputStream> sink) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(BUFFER);
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
    }

    /**
     * One output reached its end. After both, the process is done if its exit status is recorded:
     * the supervisor closes its ends of the FIFOs only after writing it, so the supervisor's own
     * exit, a moment later, need not be waited for.
     */
    private void outputEnded() {
        outputEnded.countDown();
        if (outputEnded.getCount() == 0 && !detached && (supervisorExited || directory.exitStatus().isPresent())) {
            finish();
        }
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

    /** The supervisor exited: done once the output ended, or after the drain timeout. */
    private void supervisorExited() {
        supervisorExited = true;
        releaseHolders();
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
        if (outputEnded.getCount() == 0) {
            finish();
        } else {
            CompletableFuture.runAsync(this::finish, CompletableFuture.delayedExecutor(drainTimeout.toMillis(),
                    TimeUnit.MILLISECONDS, runnable -> Thread.ofVirtual().name("runc-drain-" + id).start(runnable)));
        }
    }

    private void finish() {
        if (!finishing.compareAndSet(false, true)) {
            return;
        }
        if (outputEnded.getCount() > 0) {
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
