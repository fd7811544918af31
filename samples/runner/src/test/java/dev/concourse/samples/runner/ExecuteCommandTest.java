package dev.concourse.samples.runner;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code execute} in-process, with a real engine running the task as a local process. */
class ExecuteCommandTest {

    private static final String COPY_TASK = """
            platform: linux
            inputs: [{name: src}]
            outputs: [{name: result}]
            run:
              path: sh
              args: [-c, "cat src/greeting.txt; echo; echo to-stderr >&2; cp src/greeting.txt result/copy.txt"]
            """;

    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    @Test
    void runsTheTaskWithInputsStreamsItsOutputAndCopiesOutputsBack() throws IOException {
        Path task = write("task.yml", COPY_TASK);
        write("src/greeting.txt", "hi from the input");
        Path result = dir.resolve("out/result"); // does not exist yet: created

        CliRun run = CliRun.of("execute", "-c", task.toString(), "-i", "src=" + dir.resolve("src"),
                "-o", "result=" + result);

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("hi from the input\n");
        assertThat(run.err()).isEqualTo("to-stderr\n");
        assertThat(result.resolve("copy.txt")).hasContent("hi from the input");
    }

    @Test
    void exitsWithTheTaskExitStatusAndCopiesNoOutputsWhenItFails() throws IOException {
        Path task = write("task.yml", """
                platform: linux
                outputs: [{name: result}]
                run: {path: sh, args: [-c, "echo partial > result/file.txt; echo failing; exit 3"]}
                """);
        Path result = dir.resolve("result");

        CliRun run = CliRun.of("execute", "-c", task.toString(), "-o", "result=" + result);

        assertThat(run.exitCode()).isEqualTo(3);
        assertThat(run.out()).isEqualTo("failing\n");
        assertThat(result.resolve("file.txt")).doesNotExist();
    }

    @Test
    void aMissingRequiredInputIsAUsageErrorNamingIt() throws IOException {
        Path task = write("task.yml", COPY_TASK);

        CliRun run = CliRun.of("execute", "-c", task.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).containsExactly(
                "concourse-runner: missing required input 'src' of " + task + "; give it with -i src=DIR",
                "Run 'concourse-runner execute --help' for usage.");
    }

    @Test
    void severalMissingInputsAreNamedTogetherAndOptionalOnesMayBeLeftOut() throws IOException {
        Path task = write("task.yml", """
                platform: linux
                inputs: [{name: source}, {name: tools}, {name: cache, optional: true}]
                run: {path: "true"}
                """);

        CliRun run = CliRun.of("execute", "-c", task.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines().getFirst()).isEqualTo("concourse-runner: missing required inputs 'source', 'tools' of "
                + task + "; give each with -i NAME=DIR");
    }

    @Test
    void anOptionalInputThatIsNotGivenIsNotThere() throws IOException {
        Path task = write("task.yml", """
                platform: linux
                inputs: [{name: cache, optional: true}]
                run: {path: sh, args: [-c, "if [ -e cache ]; then echo present; else echo absent; fi"]}
                """);

        CliRun run = CliRun.of("execute", "-c", task.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("absent\n");
    }

    @Test
    void unknownInputsAndOutputsAndMissingDirectoriesAreUsageErrors() throws IOException {
        Path task = write("task.yml", COPY_TASK);
        Files.createDirectories(dir.resolve("src"));
        Path file = write("plain-file", "x");

        CliRun unknownInput = CliRun.of("execute", "-c", task.toString(), "-i", "src=" + dir.resolve("src"),
                "-i", "srcs=" + dir);
        CliRun notADirectory = CliRun.of("execute", "-c", task.toString(), "-i", "src=" + dir.resolve("nowhere"));
        CliRun unknownOutput = CliRun.of("execute", "-c", task.toString(), "-i", "src=" + dir.resolve("src"),
                "-o", "results=" + dir);
        CliRun outputIsAFile = CliRun.of("execute", "-c", task.toString(), "-i", "src=" + dir.resolve("src"),
                "-o", "result=" + file);
        CliRun malformed = CliRun.of("execute", "-c", task.toString(), "-i", "src");

        assertThat(unknownInput.exitCode()).isEqualTo(2);
        assertThat(unknownInput.err()).contains("unknown input 'srcs': " + task + " has the inputs 'src'");
        assertThat(notADirectory.exitCode()).isEqualTo(2);
        assertThat(notADirectory.err()).contains("input 'src': " + dir.resolve("nowhere") + " is not a directory");
        assertThat(unknownOutput.exitCode()).isEqualTo(2);
        assertThat(unknownOutput.err()).contains("unknown output 'results': " + task + " has the outputs 'result'");
        assertThat(outputIsAFile.exitCode()).isEqualTo(2);
        assertThat(outputIsAFile.err()).contains("output 'result': " + file + " is not a directory");
        assertThat(malformed.exitCode()).isEqualTo(2);
        assertThat(malformed.err()).contains("KEY=VALUE");
    }

    @Test
    void anInvalidTaskConfigPrintsItsFindingsAndExitsOne() throws IOException {
        Path task = write("task.yml", """
                platform: linux
                run: {args: [-c, "echo never"]}
                """);

        CliRun run = CliRun.of("execute", "-c", task.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.out()).isEmpty();
        assertThat(run.errLines()).hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(line -> assertThat(line).startsWith(task.toString()));
        assertThat(run.errLines().getFirst()).contains(": error: ").contains("path");
        assertThat(run.errLines().getLast()).isEqualTo(task + ": 1 error");
    }

    @Test
    void aConfigFileThatIsNotThereIsAnInvalidConfig() {
        Path task = dir.resolve("missing.yml");

        CliRun run = CliRun.of("execute", "-c", task.toString());

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("file not found");
    }

    @Test
    void varsAreInterpolatedAndAVarThatIsNotGivenIsAnError() throws IOException {
        Path task = write("task.yml", """
                platform: linux
                params: {GREETING: ((greeting)), TIMES: ((times))}
                run: {path: sh, args: [-c, 'echo "$GREETING x $TIMES"']}
                """);
        Path vars = write("vars.yml", "times: 2\n");

        CliRun given = CliRun.of("execute", "-c", task.toString(), "-v", "greeting=hello", "-l", vars.toString());
        CliRun missing = CliRun.of("execute", "-c", task.toString(), "-l", vars.toString());

        assertThat(given.exitCode()).isZero();
        assertThat(given.out()).isEqualTo("hello x 2\n");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("undefined var 'greeting'").doesNotContain("'times'");
    }

    @Test
    void theSampleTaskFileRuns() {
        Path sample = Path.of(System.getProperty("basedir", ".")).resolve("../pipelines/tasks/hello.yml").normalize();

        CliRun run = CliRun.of("execute", "-c", sample.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).isEqualTo("hello from a task file\n");
    }

    @Test
    void aTaskThatCannotStartErrorsTheBuildAndExitsTwo() throws IOException {
        Path task = write("task.yml", """
                platform: linux
                run: {path: ./no-such-program}
                """);

        CliRun run = CliRun.of("execute", "-c", task.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.errLines()).anySatisfy(line -> assertThat(line).startsWith("error: ").contains("no-such-program"))
                .last().asString().matches("concourse-runner: one-off build #\\d+ errored");
    }
}
