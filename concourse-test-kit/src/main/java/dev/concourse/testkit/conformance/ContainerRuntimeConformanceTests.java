package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessDetachedException;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSignal;
import dev.concourse.spi.runtime.ProcessSpec;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import dev.concourse.testkit.conformance.TarFixture.Entry;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ContainerRuntime} must have, as JUnit Jupiter tests: workers,
 * containers, processes (arguments, environment, working directory, exit status, output, input,
 * signals, re-attaching), volumes (mounting, copies, tar streams) and, where supported, finding
 * containers and volumes again from a new runtime instance. The engine relies on nothing else.
 *
 * <p>To check a runtime, subclass this kit in your test sources:
 *
 * <pre>{@code
 * class RuncContainerRuntimeConformanceTest extends ContainerRuntimeConformanceTests {
 *     @TempDir Path state;
 *
 *     @Override
 *     protected ContainerRuntime createRuntime() {
 *         return RuncContainerRuntime.builder().stateDirectory(state).build();
 *     }
 *
 *     @Override
 *     protected ContainerImage testImage() {
 *         return ContainerImage.rootfs("raw://" + busyboxRootfs());
 *     }
 *
 *     @Override
 *     protected boolean supportsRestart() {
 *         return true;
 *     }
 * }
 * }</pre>
 *
 * <p>Contract with the subclass:
 * <ul>
 *   <li>{@link #createRuntime()} is called before each test. Tests use its first worker. Restart
 *       tests (only if {@link #supportsRestart()}) close that runtime and call
 *       {@code createRuntime()} again in the same test: the new instance must see the state of
 *       the first (for example the same state directory: a {@code @TempDir} field of the
 *       subclass is new for each test and the same within one).</li>
 *   <li>Containers are created with {@link #testImage()}. Processes use only a POSIX shell and
 *       {@code sh}, {@code echo}, {@code cat}, {@code sleep}, {@code true}, {@code false},
 *       {@code exit}, {@code read}, {@code trap}, {@code pwd}, {@code test}/{@code [}, found on the
 *       container's {@code PATH} (busybox is enough). Scripts use relative paths only, so they
 *       also work where a "container" is a directory on the host.</li>
 *   <li>After each test the kit destroys the containers and volumes it created and closes every
 *       runtime it created.</li>
 * </ul>
 *
 * <p>Every wait has a deadline ({@link #timeout()}); nothing sleeps. One test writes 10 MB of
 * output through a shell loop, which takes about a second. One test starts a background
 * {@code sleep} that outlives its parent (to check that a step does not wait for it); it ends by
 * itself 15 seconds after {@link #timeout()}, unless the runtime killed it with its container.
 */
public abstract class ContainerRuntimeConformanceTests {
    private static final int TERM = 15;
    private static final int KILL = 9;

    /** A fresh runtime; see the class documentation for restart tests. */
    protected abstract ContainerRuntime createRuntime();

    /** The image of every container the tests create; {@link ContainerImage#NONE} by default. */
    protected ContainerImage testImage() {
        return ContainerImage.NONE;
    }

    /**
     * Whether a new runtime instance, from a second {@link #createRuntime()} call in the same test,
     * finds the containers and volumes of a closed earlier one. False by default.
     */
    protected boolean supportsRestart() {
        return false;
    }

    /** The longest the tests wait for a process or some output; 30 seconds by default. */
    protected Duration timeout() {
        return Duration.ofSeconds(30);
    }

    private final List<ContainerRuntime> runtimes = new ArrayList<>();
    private final List<Container> createdContainers = new ArrayList<>();
    private final List<Volume> createdVolumes = new ArrayList<>();
    private final ExecutorService waiters = Executors.newVirtualThreadPerTaskExecutor();
    /** The runtime and worker of the current test. */
    private ContainerRuntime runtime;
    private Worker worker;

    @BeforeEach
    void createRuntimeForTest() {
        runtime = newRuntime();
        assertThat(runtime.workers()).as("workers of %s", runtime.id()).isNotEmpty();
        worker = runtime.workers().getFirst();
    }

    @AfterEach
    void cleanUp() {
        List<Throwable> failures = new ArrayList<>();
        for (Container container : createdContainers) {
            run(failures, container::destroy);
        }
        for (Volume volume : createdVolumes) {
            run(failures, volume::destroy);
        }
        for (ContainerRuntime r : runtimes) {
            run(failures, r::close);
        }
        waiters.shutdownNow();
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("cleaning up after the test failed");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    private static void run(List<Throwable> failures, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException | Error e) {
            failures.add(e);
        }
    }

    @Nested
    @DisplayName("workers")
    class Workers {
        @Test
        @DisplayName("are listed with a unique name and a platform, and found by name")
        void listedWithInfo() {
            assertThat(runtime.id()).isNotBlank();
            List<Worker> workers = runtime.workers();
            assertThat(workers).isNotEmpty();
            assertThat(workers.stream().map(w -> w.info().name()).distinct()).hasSameSizeAs(workers);
            for (Worker w : workers) {
                assertThat(w.info().name()).isNotBlank();
                assertThat(w.info().platform()).isNotBlank();
                assertThat(runtime.worker(w.info().name())).containsSame(w);
            }
            assertThat(runtime.worker("no-such-worker-" + System.identityHashCode(this))).isEmpty();
        }
    }

    @Nested
    @DisplayName("containers")
    class Containers {
        @Test
        @DisplayName("are created with a handle of the runtime's choosing, found, listed and destroyed")
        void lifecycle() {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of("owner", "build-1")));
            assertThat(container.handle()).isNotBlank();
            assertThat(container.workerName()).isEqualTo(worker.info().name());
            assertThat(container.properties()).containsExactlyEntriesOf(Map.of("owner", "build-1"));

            Container found = worker.findContainer(container.handle()).orElseThrow();
            assertThat(found.handle()).isEqualTo(container.handle());
            assertThat(found.properties()).containsEntry("owner", "build-1");
            assertThat(worker.containers()).extracting(Container::handle).contains(container.handle());

            destroy(container);
            assertThat(worker.findContainer(container.handle())).isEmpty();
            assertThat(worker.containers()).extracting(Container::handle).doesNotContain(container.handle());
        }

        @Test
        @DisplayName("take the handle they are given, and a second container with it is refused")
        void chosenHandle() {
            String handle = "conformance-" + Long.toHexString(new Random().nextLong() & Long.MAX_VALUE);
            Container container = create(spec(handle, Map.of(), null, List.of(), Map.of()));
            assertThat(container.handle()).isEqualTo(handle);
            assertThat(worker.findContainer(handle)).isPresent();
            assertThatThrownBy(() -> create(spec(handle, Map.of(), null, List.of(), Map.of())))
                    .isInstanceOf(RuntimeOperationException.class);
        }

        @Test
        @DisplayName("are not found by a handle nobody created")
        void unknownHandle() {
            assertThat(worker.findContainer("no-such-container-0123456789")).isEmpty();
        }

        @Test
        @DisplayName("store properties given at creation and set later")
        void properties() {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of("a", "1")));
            container.setProperty("b", "2");
            container.setProperty("a", "3");
            assertThat(container.properties()).isEqualTo(Map.of("a", "3", "b", "2"));
            assertThat(worker.findContainer(container.handle()).orElseThrow().properties())
                    .isEqualTo(Map.of("a", "3", "b", "2"));
        }

        @Test
        @DisplayName("when destroyed, kill their processes, refuse new ones and leave mounted volumes alone")
        void destroyKillsProcesses() throws Exception {
            Volume volume = createVolume(VolumeSpec.empty());
            volume.streamIn(".", new ByteArrayInputStream(new TarFixture()
                    .add("kept.txt", Entry.file(0644, "kept")).bytes()));
            Container container = create(spec(null, Map.of(), "/tmp/build",
                    List.of(new ContainerSpec.Mount(volume, "/tmp/build/data", false)), Map.of()));
            ContainerProcess sleeping = container.run(new ProcessSpec("sleep", "sleep", List.of("1000"), Map.of(),
                    null, null), new ProcessIO(null, null, null));

            destroy(container);

            assertThat(awaitExit(sleeping)).isNotZero();
            assertThatThrownBy(() -> container.run(sh("again", "true"), new ProcessIO(null, null, null)))
                    .isInstanceOf(RuntimeOperationException.class);
            assertThat(worker.findVolume(volume.handle())).isPresent();
            assertThat(TarFixture.read(volume.streamOut("."))).containsKey("kept.txt");
        }
    }

    @Nested
    @DisplayName("processes")
    class Processes {
        @Test
        @DisplayName("get their arguments and the container's environment overlaid with their own")
        void argumentsAndEnvironment() throws Exception {
            Container container = create(spec(null, Map.of("A", "from-container", "B", "container"), null,
                    List.of(), Map.of()));
            Result result = runToEnd(container, new ProcessSpec("env", "sh",
                    List.of("-c", "echo \"$A|$B|$C|$1|$2\"", "sh", "one two", "three"),
                    Map.of("B", "process", "C", "only-process"), null, null), null);
            assertThat(result.status()).isZero();
            assertThat(result.stdout()).isEqualTo("from-container|process|only-process|one two|three\n");
        }

        @Test
        @DisplayName("report their exit status: 0, 1, 42, and that of true and false found on PATH")
        void exitStatus() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            assertThat(runToEnd(container, sh("zero", "exit 0"), null).status()).isZero();
            assertThat(runToEnd(container, sh("one", "exit 1"), null).status()).isEqualTo(1);
            assertThat(runToEnd(container, sh("forty-two", "exit 42"), null).status()).isEqualTo(42);
            assertThat(runToEnd(container, new ProcessSpec("true", "true", List.of(), Map.of(), null, null), null)
                    .status()).isZero();
            ContainerProcess failing = container.run(new ProcessSpec("false", "false", List.of(), Map.of(), null,
                    null), new ProcessIO(null, null, null));
            assertThat(awaitExit(failing)).isEqualTo(1);
            assertThat(failing.exitStatus()).hasValue(1);
        }

        @Test
        @DisplayName("run in the container's working directory, or their own (absolute or relative), created if missing")
        void workingDirectory() throws Exception {
            Container container = create(spec(null, Map.of(), "/work/dir", List.of(), Map.of()));
            assertThat(runToEnd(container, sh("write", "echo hello > file.txt"), null).status()).isZero();
            Result absolute = runToEnd(container, new ProcessSpec("read", "sh", List.of("-c", "cat file.txt"),
                    Map.of(), "/work/dir", null), null);
            assertThat(absolute.stdout()).isEqualTo("hello\n");
            Result relative = runToEnd(container, new ProcessSpec("relative", "sh",
                    List.of("-c", "cat ../file.txt; pwd"), Map.of(), "sub", null), null);
            assertThat(relative.status()).isZero();
            assertThat(relative.stdout()).startsWith("hello\n").endsWith("/work/dir/sub\n");
        }

        @Test
        @DisplayName("write stdout and stderr separately, completely and in order (10 MB)")
        void largeOutput() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            String pad = "x".repeat(95);
            String script = "i=0; while [ $i -lt 100000 ]; do echo \"out $i " + pad + "\"; "
                    + "if [ $((i % 10)) -eq 0 ]; then echo \"err $i\" >&2; fi; i=$((i+1)); done";
            Result result = runToEnd(container, sh("loud", script), null);
            assertThat(result.status()).isZero();
            String[] out = result.stdout().split("\n", -1);
            assertThat(out).hasSize(100_001);
            assertThat(out[100_000]).isEmpty();
            for (int i = 0; i < 100_000; i++) {
                if (!out[i].equals("out " + i + " " + pad)) {
                    fail("stdout line " + i + " is '" + out[i] + "'");
                }
            }
            String[] err = result.stderr().split("\n", -1);
            assertThat(err).hasSize(10_001);
            for (int i = 0; i < 10_000; i++) {
                if (!err[i].equals("err " + i * 10)) {
                    fail("stderr line " + i + " is '" + err[i] + "'");
                }
            }
        }

        @Test
        @DisplayName("read all of their stdin, then its end")
        void stdin() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            byte[] input = new byte[1024 * 1024];
            new Random(42).nextBytes(input);
            Result echoed = runToEnd(container, new ProcessSpec("cat", "cat", List.of(), Map.of(), null, null),
                    new ByteArrayInputStream(input));
            assertThat(echoed.status()).isZero();
            assertThat(echoed.stdoutBytes()).isEqualTo(input);

            Result nothing = runToEnd(container, new ProcessSpec("cat-nothing", "cat", List.of(), Map.of(), null,
                    null), null);
            assertThat(nothing.status()).isZero();
            assertThat(nothing.stdout()).isEmpty();
        }

        @Test
        @DisplayName("that do not exist are a RuntimeOperationException")
        void missingExecutable() {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            ProcessIO io = new ProcessIO(null, null, null);
            assertThatThrownBy(() -> container.run(new ProcessSpec("absolute", "/no/such/program-7f3a", List.of(),
                    Map.of(), null, null), io)).isInstanceOf(RuntimeOperationException.class);
            assertThatThrownBy(() -> container.run(new ProcessSpec("bare", "no-such-program-7f3a", List.of(),
                    Map.of(), null, null), io)).isInstanceOf(RuntimeOperationException.class);
        }

        @Test
        @DisplayName("run at the same time without mixing their output")
        void concurrent() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            List<CompletableFuture<Result>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                results.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return runToEnd(container, sh("p" + n, "echo start-" + n + "; echo end-" + n), null);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                }, waiters));
            }
            for (int i = 0; i < results.size(); i++) {
                Result result = results.get(i).get(timeout().toMillis(), TimeUnit.MILLISECONDS);
                assertThat(result.status()).isZero();
                assertThat(result.stdout()).isEqualTo("start-" + i + "\nend-" + i + "\n");
            }
        }

        @Test
        @DisplayName("finish when they exit, even if a background process they started keeps the output open")
        void backgroundProcessHoldingOutput() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            OutputCapture out = new OutputCapture();
            // The background process outlives the test's timeout, so waiting for it would fail.
            long seconds = timeout().toSeconds() + 15;
            ContainerProcess process = container.run(sh("daemon", "(sleep " + seconds + "; echo late) & echo done"),
                    new ProcessIO(null, out, null));
            assertThat(awaitExit(process)).isZero();
            assertThat(out.text()).startsWith("done\n");
        }

        @Test
        @DisplayName("discard output when their streams are null")
        void nullStreams() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            ContainerProcess process = container.run(sh("quiet", "echo out; echo err >&2"),
                    new ProcessIO(null, null, null));
            assertThat(awaitExit(process)).isZero();
        }

        @Test
        @DisplayName("keep their id while running; a finished process's id can be used again")
        void processIds() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            ContainerProcess first = container.run(new ProcessSpec("task", "sleep", List.of("1000"), Map.of(), null,
                    null), new ProcessIO(null, null, null));
            assertThat(first.id()).isEqualTo("task");
            assertThatThrownBy(() -> container.run(sh("task", "exit 0"), new ProcessIO(null, null, null)))
                    .isInstanceOf(RuntimeOperationException.class);
            first.signal(ProcessSignal.KILL);
            awaitExit(first);

            ContainerProcess second = container.run(sh("task", "exit 3"), new ProcessIO(null, null, null));
            assertThat(awaitExit(second)).isEqualTo(3);
            assertThat(container.attach("task", new ProcessIO(null, null, null)).orElseThrow().exitStatus())
                    .hasValue(3);
        }
    }

    @Nested
    @DisplayName("signals")
    class Signals {
        @Test
        @DisplayName("TERMINATE stops a sleeping process at once with status 143")
        void terminate() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            ContainerProcess process = container.run(new ProcessSpec("sleep", "sleep", List.of("1000"), Map.of(),
                    null, null), new ProcessIO(null, null, null));
            assertThat(process.exitStatus()).isEmpty();
            process.signal(ProcessSignal.TERMINATE);
            assertThat(awaitExit(process)).isEqualTo(128 + TERM);
            assertThat(process.exitStatus()).hasValue(128 + TERM);
        }

        @Test
        @DisplayName("TERMINATE reaches the children of a shell")
        void terminateShellWithChild() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            OutputCapture out = new OutputCapture();
            ContainerProcess process = container.run(sh("shell", "sleep 1000 & echo started; wait; echo after"),
                    new ProcessIO(null, out, null));
            assertThat(out.awaitText("started", timeout())).isTrue();
            process.signal(ProcessSignal.TERMINATE);
            assertThat(awaitExit(process)).isNotZero();
        }

        @Test
        @DisplayName("TERMINATE lets a process that handles it clean up, and its last output arrives")
        void gracefulTerminate() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            OutputCapture out = new OutputCapture();
            ContainerProcess process = container.run(sh("graceful",
                    "trap 'echo cleaning up; exit 3' TERM; echo ready; while true; do sleep 1; done"),
                    new ProcessIO(null, out, null));
            assertThat(out.awaitText("ready\n", timeout())).as("the script started").isTrue();
            process.signal(ProcessSignal.TERMINATE);
            assertThat(awaitExit(process)).isEqualTo(3);
            assertThat(out.text()).isEqualTo("ready\ncleaning up\n");
        }

        @Test
        @DisplayName("KILL stops a process with status 137")
        void kill() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            ContainerProcess process = container.run(new ProcessSpec("sleep", "sleep", List.of("1000"), Map.of(),
                    null, null), new ProcessIO(null, null, null));
            process.signal(ProcessSignal.KILL);
            assertThat(awaitExit(process)).isEqualTo(128 + KILL);
        }

        @Test
        @DisplayName("KILL stops a process that ignores TERMINATE")
        void killAfterIgnoredTerminate() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            OutputCapture out = new OutputCapture();
            ContainerProcess process = container.run(sh("stubborn",
                    "trap '' TERM; echo ready; while true; do sleep 1; done"), new ProcessIO(null, out, null));
            assertThat(out.awaitText("ready", timeout())).as("the script started").isTrue();

            process.signal(ProcessSignal.TERMINATE);
            CompletableFuture<Integer> exit = exitOf(process);
            assertThatThrownBy(() -> exit.get(1, TimeUnit.SECONDS))
                    .as("a process that ignores SIGTERM keeps running")
                    .isInstanceOf(TimeoutException.class);

            process.signal(ProcessSignal.KILL);
            assertThat(exit.get(timeout().toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(128 + KILL);
        }

        @Test
        @DisplayName("sent to a finished process do nothing")
        void afterExit() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            ContainerProcess process = container.run(sh("done", "exit 0"), new ProcessIO(null, null, null));
            assertThat(awaitExit(process)).isZero();
            process.signal(ProcessSignal.TERMINATE);
            process.signal(ProcessSignal.KILL);
            assertThat(process.exitStatus()).hasValue(0);
        }
    }

    @Nested
    @DisplayName("attaching")
    class Attaching {
        @Test
        @DisplayName("to a running process by id sends its later output to the new streams and gives its exit status")
        void attachToRunning() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            PipedOutputStream feed = new PipedOutputStream();
            PipedInputStream stdin = new PipedInputStream(feed);
            OutputCapture before = new OutputCapture();
            container.run(sh("task", "echo before; read line; echo \"after $line\"; exit 7"),
                    new ProcessIO(stdin, before, null));
            assertThat(before.awaitText("before\n", timeout())).isTrue();

            OutputCapture after = new OutputCapture();
            ContainerProcess attached = container.attach("task", new ProcessIO(null, after, null)).orElseThrow();
            assertThat(attached.id()).isEqualTo("task");
            feed.write("go\n".getBytes(StandardCharsets.UTF_8));
            feed.close();

            assertThat(awaitExit(attached)).isEqualTo(7);
            assertThat(after.text()).isEqualTo("after go\n");
            assertThat(before.text()).isEqualTo("before\n");
        }

        @Test
        @DisplayName("detaching from a running process is refused (false, the default) or leaves it running"
                + " unsignalled: waits end with ProcessDetachedException, and attaching again follows it to its end")
        void detachFromRunning() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            PipedOutputStream feed = new PipedOutputStream();
            PipedInputStream stdin = new PipedInputStream(feed);
            OutputCapture before = new OutputCapture();
            ContainerProcess process = container.run(sh("task", "trap 'echo signalled; exit 9' TERM; echo before;"
                    + " read line; echo \"after $line\"; exit 6"), new ProcessIO(stdin, before, null));
            assertThat(before.awaitText("before\n", timeout())).isTrue();
            CompletableFuture<Integer> waiting = exitOf(process);

            if (!process.detach()) {
                // The runtime cannot detach: this instance goes on following the process.
                feed.write("go\n".getBytes(StandardCharsets.UTF_8));
                feed.close();
                assertThat(waiting.get(timeout().toMillis(), TimeUnit.MILLISECONDS)).isEqualTo(6);
                assertThat(before.text()).isEqualTo("before\nafter go\n");
                return;
            }
            assertThatThrownBy(() -> waiting.get(timeout().toMillis(), TimeUnit.MILLISECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(ProcessDetachedException.class);
            assertThatThrownBy(process::waitFor).isInstanceOf(ProcessDetachedException.class);
            assertThat(process.exitStatus()).isEmpty();

            OutputCapture after = new OutputCapture();
            ContainerProcess attached = container.attach("task", new ProcessIO(null, after, null)).orElseThrow();
            assertThat(attached.exitStatus()).as("still running").isEmpty();
            feed.write("go\n".getBytes(StandardCharsets.UTF_8));
            feed.close();
            assertThat(awaitExit(attached)).as("not signalled").isEqualTo(6);
            assertThat(after.text()).isEqualTo("after go\n");
            assertThat(before.text()).as("nothing more to the detached streams").isEqualTo("before\n");
        }

        @Test
        @DisplayName("to a finished process gives its exit status; to an unknown id gives nothing")
        void attachToFinishedOrUnknown() throws Exception {
            Container container = create(spec(null, Map.of(), null, List.of(), Map.of()));
            assertThat(awaitExit(container.run(sh("done", "exit 5"), new ProcessIO(null, null, null)))).isEqualTo(5);
            ContainerProcess attached = container.attach("done", new ProcessIO(null, null, null)).orElseThrow();
            assertThat(awaitExit(attached)).isEqualTo(5);
            assertThat(attached.exitStatus()).hasValue(5);
            assertThat(container.attach("never-started", new ProcessIO(null, null, null))).isEmpty();
        }
    }

    @Nested
    @DisplayName("volumes")
    class Volumes {
        @Test
        @DisplayName("are created, found, listed, carry properties and are destroyed")
        void lifecycle() {
            Volume volume = createVolume(new VolumeSpec(null, null, false, Map.of("kind", "artifact")));
            assertThat(volume.handle()).isNotBlank();
            assertThat(volume.workerName()).isEqualTo(worker.info().name());
            assertThat(volume.path()).isNotBlank();
            assertThat(volume.properties()).isEqualTo(Map.of("kind", "artifact"));
            volume.setProperty("build", "42");
            assertThat(worker.findVolume(volume.handle()).orElseThrow().properties())
                    .isEqualTo(Map.of("kind", "artifact", "build", "42"));
            assertThat(worker.volumes()).extracting(Volume::handle).contains(volume.handle());

            destroy(volume);
            assertThat(worker.findVolume(volume.handle())).isEmpty();
            assertThat(worker.volumes()).extracting(Volume::handle).doesNotContain(volume.handle());
        }

        @Test
        @DisplayName("take the handle they are given, and a second volume with it is refused")
        void chosenHandle() {
            String handle = "conformance-" + Long.toHexString(new Random().nextLong() & Long.MAX_VALUE);
            Volume volume = createVolume(new VolumeSpec(handle, null, false, Map.of()));
            assertThat(volume.handle()).isEqualTo(handle);
            assertThat(worker.findVolume(handle)).isPresent();
            assertThatThrownBy(() -> createVolume(new VolumeSpec(handle, null, false, Map.of())))
                    .isInstanceOf(RuntimeOperationException.class);
        }

        @Test
        @DisplayName("mounted in one container hold what its process wrote, for a process of another")
        void sharedBetweenContainers() throws Exception {
            Volume volume = createVolume(VolumeSpec.empty());
            Container writer = create(spec(null, Map.of(), "/tmp/build",
                    List.of(new ContainerSpec.Mount(volume, "/tmp/build/out", false)), Map.of()));
            assertThat(runToEnd(writer, sh("write", "echo data > out/file.txt"), null).status()).isZero();

            Container reader = create(spec(null, Map.of(), "/tmp/build",
                    List.of(new ContainerSpec.Mount(volume, "/tmp/build/in", true)), Map.of()));
            Result read = runToEnd(reader, sh("read", "cat in/file.txt"), null);
            assertThat(read.status()).isZero();
            assertThat(read.stdout()).isEqualTo("data\n");
        }

        @Test
        @DisplayName("created from a parent start with a copy of its content and change independently")
        void childVolume() throws Exception {
            Volume parent = createVolume(VolumeSpec.empty());
            parent.streamIn(".", tar(new TarFixture().add("a.txt", Entry.file(0644, "parent"))
                    .add("dir/b.txt", Entry.file(0600, "nested"))));
            Volume child = createVolume(VolumeSpec.childOf(parent));
            Map<String, Entry> copied = TarFixture.read(child.streamOut("."));
            assertThat(copied.get("a.txt").text()).isEqualTo("parent");
            assertThat(copied.get("dir/b.txt").text()).isEqualTo("nested");
            assertThat(copied.get("dir/b.txt").mode() & 0777).isEqualTo(0600);

            child.streamIn(".", tar(new TarFixture().add("a.txt", Entry.file(0644, "child"))
                    .add("only-child.txt", Entry.file(0644, "c"))));
            parent.streamIn(".", tar(new TarFixture().add("only-parent.txt", Entry.file(0644, "p"))));

            Map<String, Entry> parentContent = TarFixture.read(parent.streamOut("."));
            Map<String, Entry> childContent = TarFixture.read(child.streamOut("."));
            assertThat(parentContent.get("a.txt").text()).isEqualTo("parent");
            assertThat(parentContent).containsKey("only-parent.txt").doesNotContainKey("only-child.txt");
            assertThat(childContent.get("a.txt").text()).isEqualTo("child");
            assertThat(childContent).containsKey("only-child.txt").doesNotContainKey("only-parent.txt");
        }
    }

    @Nested
    @DisplayName("tar streams")
    class TarStreams {
        private TarFixture tree() {
            return new TarFixture()
                    .add("bin/", Entry.directory(0755))
                    .add("bin/tool", Entry.file(0755, "#!/bin/sh\necho tool ran \"$@\"\n"))
                    .add("data/", Entry.directory(0755))
                    .add("data/nested/", Entry.directory(0750))
                    .add("data/nested/deep/", Entry.directory(0755))
                    .add("data/nested/deep/file.txt", Entry.file(0640, "deep content\n"))
                    .add("empty/", Entry.directory(0700))
                    .add("link", Entry.symlink("data/nested/deep/file.txt"))
                    .add("readonly.txt", Entry.file(0444, "read only\n"));
        }

        private void assertTree(Map<String, Entry> entries) {
            assertThat(entries).containsOnlyKeys("bin", "bin/tool", "data", "data/nested", "data/nested/deep",
                    "data/nested/deep/file.txt", "empty", "link", "readonly.txt");
            assertThat(entries.get("bin/tool").type()).isEqualTo('0');
            assertThat(entries.get("bin/tool").mode() & 0777).isEqualTo(0755);
            assertThat(entries.get("bin/tool").text()).startsWith("#!/bin/sh");
            assertThat(entries.get("data/nested").type()).isEqualTo('5');
            assertThat(entries.get("data/nested").mode() & 0777).isEqualTo(0750);
            assertThat(entries.get("data/nested/deep/file.txt").mode() & 0777).isEqualTo(0640);
            assertThat(entries.get("data/nested/deep/file.txt").text()).isEqualTo("deep content\n");
            assertThat(entries.get("empty").type()).isEqualTo('5');
            assertThat(entries.get("empty").mode() & 0777).isEqualTo(0700);
            assertThat(entries.get("link").type()).isEqualTo('2');
            assertThat(entries.get("link").link()).isEqualTo("data/nested/deep/file.txt");
            assertThat(entries.get("readonly.txt").mode() & 0777).isEqualTo(0444);
        }

        @Test
        @DisplayName("in and out keep files, modes, nested and empty directories and symbolic links")
        void roundTrip() throws Exception {
            Volume volume = createVolume(VolumeSpec.empty());
            volume.streamIn(".", tar(tree()));
            assertTree(TarFixture.read(volume.streamOut(".")));

            Volume copy = createVolume(VolumeSpec.empty());
            try (InputStream out = volume.streamOut(".")) {
                copy.streamIn(".", out);
            }
            assertTree(TarFixture.read(copy.streamOut(".")));
        }

        @Test
        @DisplayName("in make executables a process can run and links it can follow")
        void usableByProcesses() throws Exception {
            Volume volume = createVolume(VolumeSpec.empty());
            volume.streamIn(".", tar(tree()));
            Container container = create(spec(null, Map.of(), "/tmp/build",
                    List.of(new ContainerSpec.Mount(volume, "/tmp/build/v", false)), Map.of()));
            Result tool = runToEnd(container, new ProcessSpec("tool", "v/bin/tool", List.of("now"), Map.of(), null,
                    null), null);
            assertThat(tool.status()).isZero();
            assertThat(tool.stdout()).isEqualTo("tool ran now\n");
            assertThat(runToEnd(container, sh("link", "cat v/link"), null).stdout()).isEqualTo("deep content\n");
        }

        @Test
        @DisplayName("in at a sub-path create it; out of a directory is relative to it, out of a file is that file")
        void subPaths() throws Exception {
            Volume volume = createVolume(VolumeSpec.empty());
            volume.streamIn("into/here", tar(tree()));
            Map<String, Entry> dir = TarFixture.read(volume.streamOut("into/here/data/nested"));
            assertThat(dir).containsOnlyKeys("deep", "deep/file.txt");
            Map<String, Entry> file = TarFixture.read(volume.streamOut("into/here/data/nested/deep/file.txt"));
            assertThat(file).containsOnlyKeys("file.txt");
            assertThat(file.get("file.txt").text()).isEqualTo("deep content\n");
        }

        @Test
        @DisplayName("in replace existing files")
        void replace() throws Exception {
            Volume volume = createVolume(VolumeSpec.empty());
            volume.streamIn(".", tar(new TarFixture().add("f.txt", Entry.file(0444, "old"))));
            volume.streamIn(".", tar(new TarFixture().add("f.txt", Entry.file(0644, "new"))));
            Entry entry = TarFixture.read(volume.streamOut("f.txt")).get("f.txt");
            assertThat(entry.text()).isEqualTo("new");
            assertThat(entry.mode() & 0777).isEqualTo(0644);
        }

        @Test
        @DisplayName("out of a missing path is a RuntimeOperationException")
        void missingPath() {
            Volume volume = createVolume(VolumeSpec.empty());
            assertThatThrownBy(() -> volume.streamOut("no/such/path").close())
                    .isInstanceOf(RuntimeOperationException.class);
        }

        @Test
        @DisplayName("in refuse entries that would land outside the volume")
        void hostileEntries() {
            Volume volume = createVolume(VolumeSpec.empty());
            assertThatThrownBy(() -> volume.streamIn(".", tar(new TarFixture()
                    .add("../escaped.txt", Entry.file(0644, "x"))))).isInstanceOf(RuntimeOperationException.class);
            assertThatThrownBy(() -> volume.streamIn(".", tar(new TarFixture()
                    .add("/tmp/escaped.txt", Entry.file(0644, "x"))))).isInstanceOf(RuntimeOperationException.class);
            assertThatThrownBy(() -> volume.streamIn(".", tar(new TarFixture()
                    .add("up", Entry.symlink(".."))
                    .add("up/escaped.txt", Entry.file(0644, "x"))))).isInstanceOf(RuntimeOperationException.class);
        }
    }

    @Nested
    @DisplayName("after a restart")
    class Restart {
        @Test
        @DisplayName("a new runtime instance finds containers and volumes with their properties and content")
        void findsState() throws Exception {
            Assumptions.assumeTrue(supportsRestart(), "the runtime does not support restarts");
            Volume volume = createVolume(new VolumeSpec(null, null, false, Map.of("kind", "cache")));
            volume.streamIn(".", tar(new TarFixture().add("cached.txt", Entry.file(0644, "cached"))));
            Container container = create(spec(null, Map.of("GREETING", "hello"), "/tmp/build",
                    List.of(new ContainerSpec.Mount(volume, "/tmp/build/cache", false)), Map.of("owner", "build-7")));
            container.setProperty("step", "unit");
            assertThat(runToEnd(container, sh("write", "echo kept > kept.txt"), null).status()).isZero();
            String workerName = worker.info().name();
            // What the first instance made is now handled through the second one only.
            createdContainers.remove(container);
            createdVolumes.remove(volume);
            runtime.close();
            runtimes.remove(runtime);

            ContainerRuntime restarted = newRuntime();
            Worker sameWorker = restarted.worker(workerName).orElseThrow();
            Container found = sameWorker.findContainer(container.handle()).orElseThrow();
            createdContainers.add(found);
            assertThat(found.properties()).isEqualTo(Map.of("owner", "build-7", "step", "unit"));
            assertThat(sameWorker.containers()).extracting(Container::handle).contains(container.handle());
            Result result = runToEnd(found, sh("read", "echo \"$GREETING\"; cat kept.txt cache/cached.txt"), null);
            assertThat(result.stdout()).isEqualTo("hello\nkept\ncached");

            Volume foundVolume = sameWorker.findVolume(volume.handle()).orElseThrow();
            createdVolumes.add(foundVolume);
            assertThat(foundVolume.properties()).isEqualTo(Map.of("kind", "cache"));
            assertThat(sameWorker.volumes()).extracting(Volume::handle).contains(volume.handle());
            assertThat(TarFixture.read(foundVolume.streamOut(".")).get("cached.txt").text()).isEqualTo("cached");

            destroy(found);
            destroy(foundVolume);
            assertThat(sameWorker.findContainer(container.handle())).isEmpty();
            assertThat(sameWorker.findVolume(volume.handle())).isEmpty();
        }
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** What a process did, once it ended. */
    private record Result(int status, byte[] stdoutBytes, String stderr) {
        String stdout() {
            return new String(stdoutBytes, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "Result[status=" + status + ", stdout=" + stdout() + ", stderr=" + stderr + "]";
        }
    }

    private ContainerRuntime newRuntime() {
        ContainerRuntime created = createRuntime();
        runtimes.add(created);
        return created;
    }

    private ContainerSpec spec(String handle, Map<String, String> env, String workingDir, List<ContainerSpec.Mount> mounts,
            Map<String, String> properties) {
        return new ContainerSpec(handle, testImage(), env, null, workingDir, mounts, null, false, properties);
    }

    private Container create(ContainerSpec spec) {
        Container container = worker.createContainer(spec);
        createdContainers.add(container);
        return container;
    }

    private Volume createVolume(VolumeSpec spec) {
        Volume volume = worker.createVolume(spec);
        createdVolumes.add(volume);
        return volume;
    }

    private void destroy(Container container) {
        container.destroy();
        createdContainers.remove(container);
    }

    private void destroy(Volume volume) {
        volume.destroy();
        createdVolumes.remove(volume);
    }

    private static ProcessSpec sh(String id, String script) {
        return new ProcessSpec(id, "sh", List.of("-c", script), Map.of(), null, null);
    }

    private static InputStream tar(TarFixture fixture) {
        return new ByteArrayInputStream(fixture.bytes());
    }

    private Result runToEnd(Container container, ProcessSpec spec, InputStream stdin) throws Exception {
        OutputCapture out = new OutputCapture();
        OutputCapture err = new OutputCapture();
        ContainerProcess process = container.run(spec, new ProcessIO(stdin, out, err));
        int status = awaitExit(process);
        return new Result(status, out.bytes(), err.text());
    }

    private CompletableFuture<Integer> exitOf(ContainerProcess process) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for process " + process.id(), e);
            }
        }, waiters);
    }

    /** The exit status; kills the process and fails the test if it does not end in time. */
    private int awaitExit(ContainerProcess process) throws InterruptedException, ExecutionException {
        try {
            return exitOf(process).get(timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            process.signal(ProcessSignal.KILL);
            throw new AssertionError("process " + process.id() + " did not end within " + timeout(), e);
        }
    }
}
