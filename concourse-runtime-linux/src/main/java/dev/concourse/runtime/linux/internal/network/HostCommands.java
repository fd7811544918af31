package dev.concourse.runtime.linux.internal.network;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs {@code ip} and {@code iptables} as processes. Failures name the whole command, its exit
 * code and its standard error.
 */
final class HostCommands {

    /** What a finished command printed, and how it ended. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        String describe() {
            String err = stderr.strip();
            return "'" + String.join(" ", command) + "' failed with exit code " + exitCode
                    + (err.isEmpty() ? " and no message" : ": " + err);
        }
    }

    private static final List<String> SYSTEM_DIRECTORIES = List.of("/usr/sbin", "/sbin", "/usr/bin", "/bin");

    private final Duration timeout;
    private final Map<String, String> resolved = new ConcurrentHashMap<>();

    HostCommands(Duration timeout) {
        this.timeout = timeout;
    }

    /** Runs the command and returns its standard output; a non-zero exit is an exception. */
    String run(String... command) {
        Result result = exec(null, command);
        if (!result.ok()) {
            throw new RuntimeOperationException("Network set-up: " + result.describe());
        }
        return result.stdout();
    }

    /** Runs the command and returns how it ended, whatever its exit code. */
    Result tryRun(String... command) {
        return exec(null, command);
    }

    /** Runs the command with {@code input} on its standard input; a non-zero exit is an exception. */
    void runWithInput(String input, String... command) {
        Result result = exec(input, command);
        if (!result.ok()) {
            throw new RuntimeOperationException("Network set-up: " + result.describe() + "\nInput was:\n" + input);
        }
    }

    /** Runs the command with {@code input} on its standard input and returns how it ended. */
    Result tryRunWithInput(String input, String... command) {
        return exec(input, command);
    }

    private Result exec(String input, String... command) {
        List<String> shown = List.of(command);
        String executable = locate(command[0]);
        if (executable == null) {
            throw new RuntimeOperationException("Network set-up needs '" + command[0] + "', which is neither on PATH nor in "
                    + SYSTEM_DIRECTORIES + ": install it (Debian: apt-get install "
                    + (command[0].startsWith("iptables") ? "iptables" : "iproute2") + ")");
        }
        CommandLine line = new CommandLine(executable);
        for (int i = 1; i < command.length; i++) {
            line.addArgument(command[i], false);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        InputStream in = input == null ? null : new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8));
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setStreamHandler(new PumpStreamHandler(out, err, in));
        ExecuteWatchdog watchdog = ExecuteWatchdog.builder().setTimeout(timeout).get();
        executor.setWatchdog(watchdog);
        executor.setExitValues(null);
        int exit;
        try {
            exit = executor.execute(line);
        } catch (IOException e) {
            throw new RuntimeOperationException("Network set-up could not run '" + String.join(" ", shown) + "': "
                    + e.getMessage(), e);
        }
        if (watchdog.killedProcess()) {
            throw new RuntimeOperationException("Network set-up: '" + String.join(" ", shown) + "' did not finish within "
                    + timeout.toSeconds() + " s and was killed");
        }
        return new Result(shown, exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private String locate(String program) {
        String found = resolved.get(program);
        if (found != null) {
            return found;
        }
        List<String> directories = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            directories.addAll(List.of(path.split(":")));
        }
        directories.addAll(SYSTEM_DIRECTORIES);
        for (String directory : directories) {
            if (directory.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(directory, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                resolved.put(program, candidate.toString());
                return candidate.toString();
            }
        }
        return null;
    }
}
