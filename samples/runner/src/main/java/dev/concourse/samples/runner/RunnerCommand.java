package dev.concourse.samples.runner;

import picocli.CommandLine.Command;

/** The top-level command; it only groups the subcommands (none given is a usage error). */
@Command(name = "concourse-runner",
        mixinStandardHelpOptions = true,
        versionProvider = RunnerVersion.class,
        description = "Validate and run Concourse pipelines and tasks on this machine, with Concourse for the JVM.",
        subcommands = {ValidateCommand.class, RunCommand.class, ExecuteCommand.class,
            picocli.CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success",
            "1:the config is invalid, or the build failed (execute: the task's exit status)",
            "2:usage error (unknown option, missing argument, bad -v/-y/-i/-l), or the build errored or was aborted",
            "3:internal error"})
final class RunnerCommand {
}
