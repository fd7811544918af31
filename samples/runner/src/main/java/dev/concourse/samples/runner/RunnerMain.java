package dev.concourse.samples.runner;

import java.io.PrintWriter;
import picocli.CommandLine;

/**
 * Entry point of {@code concourse-runner}: validates and runs Concourse pipelines and tasks on
 * this machine.
 *
 * <p>Exit codes: 0 success, 1 the config is invalid or the build failed ({@code execute}: the
 * task's exit status), 2 usage error or the build errored or was aborted, 3 unexpected internal
 * error.
 */
public final class RunnerMain {

    /** Exit code for a bug in the runner or the library: the stack trace goes to stderr. */
    static final int INTERNAL_ERROR = 3;

    private RunnerMain() {
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command line, with the runner's error handling; tests redirect its out and err. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new RunnerCommand());
        cli.setParameterExceptionHandler(RunnerMain::usageError);
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CommandLine.ParameterException usage) {
                // A command found a bad flag value while running (an unreadable -l file, say).
                return usageError(usage, parsed.originalArgs().toArray(String[]::new));
            }
            PrintWriter err = line.getErr();
            err.println("concourse-runner: internal error: " + e);
            e.printStackTrace(err);
            err.flush();
            return INTERNAL_ERROR;
        });
        return cli;
    }

    /** One line saying what is wrong, one saying where to read more; no usage wall. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine line = e.getCommandLine();
        PrintWriter err = line.getErr();
        err.println(line.getColorScheme().errorText("concourse-runner: " + e.getMessage()).toString());
        CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
        err.println("Run '" + line.getCommandSpec().qualifiedName() + " --help' for usage.");
        err.flush();
        return line.getCommandSpec().exitCodeOnInvalidInput();
    }
}
