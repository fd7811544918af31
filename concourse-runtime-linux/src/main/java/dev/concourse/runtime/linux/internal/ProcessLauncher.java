package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts a process's supervisor: a {@code sh} in its own session (so it outlives the engine) that
 * holds the output FIFOs open, runs {@code runc run} of the process's bundle and writes the exit
 * status to the {@code exit} file (a few bytes in one write; a reader that finds it empty takes
 * the process for running, and the supervisor's own exit tells it when to read again). Only
 * shell built-ins besides runc, since every program started costs time. With a memory limit it runs {@code runc run --keep}
 * instead, notes an OOM kill from the cgroup, then deletes the runc container (one more runc
 * call, so only then). The process runs under the init binary (tini) as PID 1 of its own PID
 * namespace: signals reach it, zombies are reaped, and when it exits the kernel ends whatever it
 * left running in the background, so its output ends with it.
 */
final class ProcessLauncher {
    private static final String SUPERVISOR = """
            d=$1 runc=$2 root=$3 id=$4 input=$5 oom=$6
            exec 3<>"$d/stdout" 4<>"$d/stderr"
            if [ "$input" = pipe ]; then input="$d/stdin"; fi
            if [ -z "$oom" ]; then
              "$runc" --root "$root" --log "$d/runc.log" run --bundle "$d" --pid-file "$d/pid" "$id" \
                  <"$input" >"$d/stdout" 2>"$d/stderr" 3>&- 4>&-
              status=$?
            else
              "$runc" --root "$root" --log "$d/runc.log" run --keep --bundle "$d" --pid-file "$d/pid" "$id" \
                  <"$input" >"$d/stdout" 2>"$d/stderr" 3>&- 4>&-
              status=$?
              if grep -qs '^oom_kill [1-9]' "$oom"; then : >"$d/oom"; fi
              "$runc" --root "$root" --log "$d/runc.log" delete --force "$id" </dev/null >/dev/null 2>&1 3>&- 4>&-
            fi
            echo "$status" >"$d/exit"
            """;

    private final String runc;
    private final Path runcRoot;
    private final Duration startTimeout;

    ProcessLauncher(String runc, Path runcRoot, Duration startTimeout) {
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
        List<String> command = new ArrayList<>(List.of("setsid", "sh", "-c", SUPERVISOR, "supervisor",
                directory.path().toString(), runc, runcRoot.toString(), runcId, withInput ? "pipe" : "/dev/null",
                oomFile == null ? "" : oomFile.toString()));
        Process supervisor;
        try {
            supervisor = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.path().resolve("supervisor.log").toFile()))
                    .redirectErrorStream(true)
                    .start();
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot start " + what + ": " + e.getMessage(), e);
        }
        directory.recordSupervisor(supervisor.toHandle());
        return supervisor;
    }

    /**
     * Returns once runc reports the process started (it wrote the pid file).
     *
     * @throws RuntimeOperationException if runc could not start it (the message is runc's)
     */
    void awaitStart(ProcessDirectory directory, Process supervisor, String what) {
        long deadline = System.nanoTime() + startTimeout.toNanos();
        // runc writes the pid file once the process runs; poll it (runc is an external process).
        while (!directory.started()) {
            if (!supervisor.isAlive() && !directory.started()) {
                throw new RuntimeOperationException("cannot start " + what + ": " + directory.runcError());
            }
            if (System.nanoTime() > deadline) {
                supervisor.destroyForcibly();
                throw new RuntimeOperationException("cannot start " + what + ": runc did not start it within "
                        + startTimeout);
            }
            LockSupport.parkNanos(1_000_000L);
        }
        awaitInit(directory, supervisor, deadline);
    }

    /**
     * Waits until the container's init (tini, the pid in the pid file) has started the process:
     * runc writes the pid file just before init runs, and until tini has set up its signal
     * handling the kernel drops signals to it (it is PID 1 of its namespace), so a TERMINATE sent
     * at once would be lost. Once tini has a child, it handles signals.
     */
    private static void awaitInit(ProcessDirectory directory, Process supervisor, long deadline) {
        String pid = directory.read("pid").orElse("");
        Path children = Path.of("/proc", pid, "task", pid, "children");
        if (pid.isEmpty() || !Files.exists(children)) {
            return;
        }
        while (supervisor.isAlive() && System.nanoTime() < deadline) {
            try {
                if (!Files.readString(children).isBlank()) {
                    return;
                }
            } catch (IOException e) {
                return; // init is gone: the process has ended already
            }
            LockSupport.parkNanos(500_000L);
        }
    }
}
