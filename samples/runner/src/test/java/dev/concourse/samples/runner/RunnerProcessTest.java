package dev.concourse.samples.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner in a JVM of its own, as users run it (the test class path stands in for the jar): the
 * README's command from the repository's root, and the end of the JVM (Ctrl-C, SIGTERM) aborting
 * the build, running its on_abort hooks and cleaning up.
 */
@EnabledOnOs({OS.LINUX, OS.MAC})
class RunnerProcessTest {
    private static final Path ROOT = Path.of(System.getProperty("basedir", ".")).resolve("../..").toAbsolutePath()
            .normalize();
    private static final String CLASS_PATH = System.getProperty("surefire.test.class.path",
            System.getProperty("java.class.path"));
    private static final Duration DEADLINE = Duration.ofSeconds(90);

    /** A build that runs until it is aborted, with an on_abort hook. */
    private static final String LONG_PIPELINE = """
            jobs:
            - name: wait
              on_abort:
                task: aborted-hook
                config: {platform: linux, run: {path: sh, args: [-c, "echo on_abort ran"]}}
              plan:
              - task: sleep
                config: {platform: linux, run: {path: sh, args: [-c, "echo waiting; sleep 120"]}}
            """;

    @TempDir
    Path dir;

    /** The runner's java.io.tmpdir: whatever it leaves behind is here. */
    private Path runnerTmp;

    @BeforeEach
    void createRunnerTmp() throws IOException {
        runnerTmp = Files.createDirectories(dir.resolve("runner-tmp"));
    }

    /** A running runner with its output collected on two threads. */
    private final class Runner {
        final Process process;
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Thread outReader;
        final Thread errReader;

        Runner(String... args) throws IOException {
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.io.tmpdir=" + runnerTmp, "-cp", CLASS_PATH, RunnerMain.class.getName()));
            command.addAll(List.of(args));
            process = new ProcessBuilder(command).directory(ROOT.toFile()).start();
            outReader = Thread.ofVirtual().start(() -> copy(process.getInputStream(), out));
            errReader = Thread.ofVirtual().start(() -> copy(process.getErrorStream(), err));
        }

        private static void copy(InputStream in, ByteArrayOutputStream to) {
            byte[] buffer = new byte[8192];
            try (in) {
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    synchronized (to) {
                        to.write(buffer, 0, n);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        String out() {
            synchronized (out) {
                return out.toString(StandardCharsets.UTF_8);
            }
        }

        String err() {
            synchronized (err) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }

        /** Polls with a deadline: the task is a real process that takes its time to start. */
        void awaitOut(String text) throws InterruptedException {
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            while (!out().contains(text)) {
                assertThat(System.nanoTime()).as("'%s' in the output; got %s / %s", text, out(), err())
                        .isLessThan(deadline);
                assertThat(process.isAlive()).as("the runner is still running; it printed %s / %s", out(), err())
                        .isTrue();
                TimeUnit.MILLISECONDS.sleep(50);
            }
        }

        int exitCode() throws InterruptedException {
            assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("the runner exits").isTrue();
            // the readers end when the pipes close, which the process's exit does
            assertThat(outReader.join(Duration.ofSeconds(10))).as("stdout read to its end").isTrue();
            assertThat(errReader.join(Duration.ofSeconds(10))).as("stderr read to its end").isTrue();
            return process.exitValue();
        }
    }

    private void assertNothingLeftBehind() throws IOException {
        try (Stream<Path> left = Files.list(runnerTmp)) {
            assertThat(left).as("files the runner left in its java.io.tmpdir").isEmpty();
        }
    }

    @Test
    void theReadmeCommandRunsTheHelloPipeline() throws Exception {
        Runner runner = new Runner("run", "samples/pipelines/hello.yml", "--job", "hello");

        assertThat(runner.exitCode()).isZero();
        assertThat(runner.out()).isEqualTo("==> task: say-hello\nhello world\n==> main/hello/hello #1 succeeded\n");
        assertThat(runner.err()).isEmpty();
        assertNothingLeftBehind();
    }

    @Test
    void sigtermAbortsTheBuildRunsItsOnAbortHookAndCleansUp() throws Exception {
        Files.writeString(dir.resolve("long.yml"), LONG_PIPELINE);
        Runner runner = new Runner("run", dir.resolve("long.yml").toString(), "--job", "wait");
        runner.awaitOut("waiting");

        signal(runner, "TERM"); // not Process.destroy(): that closes the pipes we read

        assertThat(runner.exitCode()).isEqualTo(143);
        assertAbortedAndCleanedUp(runner);
    }

    @Test
    void ctrlCAbortsTheBuildRunsItsOnAbortHookAndCleansUp() throws Exception {
        assumeTrue(!sigintIgnored(), "SIGINT is ignored in this process (a background job), and so in the runner");
        Files.writeString(dir.resolve("long.yml"), LONG_PIPELINE);
        Runner runner = new Runner("run", dir.resolve("long.yml").toString(), "--job", "wait");
        runner.awaitOut("waiting");

        signal(runner, "INT");

        assertThat(runner.exitCode()).isEqualTo(130);
        assertAbortedAndCleanedUp(runner);
    }

    @Test
    void watchKeepsThePipelineRunningAfterItWentIdleUntilSigterm() throws Exception {
        Files.writeString(dir.resolve("watched.yml"), """
                resources:
                - name: source
                  type: mock
                  source: {initial_version: v1}
                jobs:
                - name: unit
                  plan:
                  - get: source
                    trigger: true
                  - task: test
                    config: {platform: linux, run: {path: sh, args: [-c, "echo testing"]}}
                """);
        Runner runner = new Runner("run", "--watch", dir.resolve("watched.yml").toString());
        runner.awaitOut("==> 1 build: 1 succeeded");

        assertThat(runner.process.isAlive()).as("--watch keeps running when idle").isTrue();
        signal(runner, "TERM");

        assertThat(runner.exitCode()).isEqualTo(143);
        assertThat(runner.out()).contains("unit/1 | testing\n", "==> main/watched/unit #1 succeeded\n",
                "==> idle: no job can make progress\n");
        assertThat(runner.err()).contains("concourse-runner: interrupted; aborting the builds of pipeline"
                + " main/watched");
        assertNothingLeftBehind();
    }

    private static void signal(Runner runner, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(runner.process.pid())).start();
        assertThat(kill.waitFor()).as("kill -%s", signal).isZero();
    }

    private void assertAbortedAndCleanedUp(Runner runner) throws Exception {
        assertThat(runner.out()).contains("==> task: sleep\nwaiting\n", "==> task: aborted-hook\non_abort ran\n")
                .endsWith("==> main/long/wait #1 aborted\n");
        assertThat(runner.err()).contains("concourse-runner: interrupted; aborting main/long/wait #1",
                "error: interrupted");
        assertNothingLeftBehind();
    }

    /**
     * Whether SIGINT is ignored here (children inherit that, and the JVM then leaves it ignored):
     * bit 2 of the {@code SigIgn} mask in {@code /proc/self/status}. Unknown elsewhere: assume not.
     */
    private static boolean sigintIgnored() throws IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.isReadable(status)) {
            return false;
        }
        return Files.readAllLines(status).stream().filter(line -> line.startsWith("SigIgn:"))
                .map(line -> Long.parseUnsignedLong(line.substring("SigIgn:".length()).strip(), 16))
                .anyMatch(mask -> (mask & (1L << 1)) != 0);
    }
}
