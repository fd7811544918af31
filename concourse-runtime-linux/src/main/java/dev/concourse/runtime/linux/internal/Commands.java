package dev.concourse.runtime.linux.internal;

import dev.concourse.spi.runtime.RuntimeOperationException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/** Runs short host commands ({@code runc}, {@code mount}, {@code cp}) through Commons Exec, with a deadline. */
final class Commands {

    /** How a command ended and what it printed. */
    record Result(List<String> command, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        String describe() {
            String err = (stderr.isBlank() ? stdout : stderr).strip();
            return "'" + String.join(" ", command) + "' failed with exit code " + exitCode
                    + (err.isEmpty() ? "" : ": " + err);
        }
    }

    private final Duration timeout;

    Commands(Duration timeout) {
        this.timeout = timeout;
    }

    /** Runs it; a non-zero exit is a {@link RuntimeOperationException} starting with {@code what}. */
    String run(String what, List<String> command) {
        Result result = tryRun(command);
        if (!result.ok()) {
            throw new RuntimeOperationException(what + ": " + result.describe());
        }
        return result.stdout();
    }

    /** Runs it and returns how it ended, whatever the exit code. */
    Result tryRun(List<String> command) {
        CommandLine line = new CommandLine(command.getFirst());
        for (String arg : command.subList(1, command.size())) {
            line.addArgument(arg, false);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        DefaultExecutor executor = DefaultExecutor.builder().get();
        executor.setStreamHandler(new PumpStreamHandler(out, err));
        executor.setWatchdog(ExecuteWatchdog.builder().setTimeout(timeout).get());
        executor.setExitValues(null);
        int exit;
        try {
            exit = executor.execute(line);
        } catch (ExecuteException e) {
            exit = e.getExitValue();
        } catch (IOException e) {
            throw new RuntimeOperationException("cannot run '" + String.join(" ", command) + "': " + e.getMessage(), e);
        }
        if (executor.getWatchdog().killedProcess()) {
            throw new RuntimeOperationException("'" + String.join(" ", command) + "' did not finish within " + timeout
                    + " and was killed");
        }
        return new Result(command, exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
