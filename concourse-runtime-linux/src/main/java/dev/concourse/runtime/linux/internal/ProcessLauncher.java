package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts a process's supervisor ({@link SupervisorBinary}, {@code src/main/c/supervisor.c}): a small
 * static program in a process group of its own (so it outlives the engine and a Ctrl-C of the
 * engine's terminal) that holds the output FIFOs open, runs {@code runc run} of the process's bundle
 * and writes the exit status to the {@code exit} file (through a rename: a reader finds all of it
 * or nothing, and takes no file for running; the supervisor's own exit tells it when to read
 * again). With a memory limit it runs {@code runc run --keep} instead, notes an OOM kill from the
 * cgroup, then deletes the runc container (one more runc call, so only then). The process runs
 * under the init binary (tini) as PID 1 of its own PID namespace: signals reach it, zombies are
 * reaped, and when it exits the kernel ends whatever it left running in the background, so its
 * output ends with it.
 *
 * <p>The supervisor tells the engine on its standard output, once, whether runc started the
 * process (it watches for the pid file through inotify), so starting waits in a blocking read, not
 * a polling loop.
 */
final class ProcessLauncher {
    private static final Duration INIT_WAIT = Duration.ofSeconds(10);

    private final Path supervisor;
    private final String runc;
    private final Path runcRoot;
    private final Duration startTimeout;

    ProcessLauncher(Path supervisor, String runc, Path runcRoot, Duration startTimeout) {
        this.supervisor = supervisor;
        this.runc = runc;
        this.runcRoot = runcRoot;
        this.startTimeout = startTimeout;
    }

    /**
     * Starts the supervisor; {@link #awaitStart} then waits for runc to start the process.
     *
     * @param oomFile the cgroup file counting OOM kills, or null without a memory limit
     */
    Process spawn(ProcessDirectory directory, String runcId, boolean withInput, Path oomFile, String what) {
        List<String> command = List.of(supervisor.toString(), directory.path().toString(), runc, runcRoot.toString(),
                runcId, withInput ? "pipe" : "/dev/null", oomFile == null ? "" : oomFile.toString(),
                Long.toString(startTimeout.toMillis()));
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.PIPE)
                    .redirectError(ProcessBuilder.Redirect.appendTo(directory.supervisorLog().toFile()))
                    .start();
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot start " + what + ": " + e.getMessage(), e);
        }
        directory.recordSupervisor(process.toHandle());
        return process;
    }

    /**
     * Returns once runc reports the process started (it wrote the pid file).
     *
     * @throws RuntimeOperationException if runc could not start it (the message is runc's)
     */
    void awaitStart(ProcessDirectory directory, Process supervisor, String what) {
        switch (readReport(supervisor)) {
            case "started" -> {
            }
            case "timeout" -> throw new RuntimeOperationException("cannot start " + what
                    + ": runc did not start it within " + startTimeout);
            case "failed" -> throw new RuntimeOperationException("cannot start " + what + ": "
                    + directory.runcError());
            default -> throw new RuntimeOperationException("cannot start " + what + ": its supervisor failed ("
                    + directory.supervisorError() + "); " + directory.runcError());
        }
    }

    /**
     * Waits until the container's init (tini, the pid in the pid file) has started the process, so
     * that a SIGTERM sent now is not lost: runc writes the pid file just before init runs, and until
     * tini has set up its signal handling the kernel drops signals to it (it is PID 1 of its
     * namespace). Once tini has a child, it handles signals. Only a signal sent in the first
     * moments of a process waits here (usually well under a millisecond, at most 10 s, polling
     * {@code /proc}, which has no notification); starting a process does not.
     */
    static void awaitInit(ProcessDirectory directory) {
        String pid = directory.read("pid").orElse("");
        Path children = Path.of("/proc", pid, "task", pid, "children");
        long deadline = System.nanoTime() + INIT_WAIT.toNanos();
        while (!pid.isEmpty() && System.nanoTime() < deadline) {
            try {
                if (!Files.readString(children).isBlank()) {
                    return;
                }
            } catch (IOException e) {
                return; // init is gone: the process has ended already
            }
            LockSupport.parkNanos(200_000L);
        }
    }

    /** The supervisor's one line; empty if it ended without one. */
    private static String readReport(Process supervisor) {
        StringBuilder line = new StringBuilder();
        try (InputStream in = supervisor.getInputStream()) {
            for (int c = in.read(); c >= 0 && c != '\n' && line.length() < 64; c = in.read()) {
                line.append((char) c);
            }
        } catch (IOException e) {
            // the pipe broke: the supervisor is gone, which the caller reports
        }
        return line.toString();
    }
}
