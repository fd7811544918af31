package dev.concourse.runtime.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessDetachedException;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSpec;
import java.io.ByteArrayOutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine restarts (re-attaching to running and finished processes), detaching from a running
 * process, and garbage collection.
 */
@ExtendWith(LeftoverCleanup.class)
class RuncLifecycleTest {
    @TempDir
    Path work;
    private Path base;
    private ContainerImage busybox;
    private RuncContainerRuntime first;
    private RuncContainerRuntime second;

    @BeforeEach
    void setUp() throws Exception {
        Prerequisites.require();
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        busybox = ContainerImage.rootfs("raw://" + BusyboxRootfs.build(work.resolve("image")));
        base = LeftoverCleanup.track(work.resolve("runc"));
    }

    @AfterEach
    void tearDown() {
        for (RuncContainerRuntime runtime : new RuncContainerRuntime[] {second, first}) {
            if (runtime != null) {
                runtime.workers().getFirst().containers().forEach(Container::destroy);
                runtime.close();
            }
        }
    }

    private RuncContainerRuntime runtime() {
        return RuncContainerRuntime.builder().baseDirectory(base).workerName("lifecycle")
                .garbageCollectionInterval(Duration.ZERO).build();
    }

    @Test
    void aNewInstanceReattachesToARunningProcessAndGetsItsOutputAndExitStatus() throws Exception {
        first = runtime();
        Container container = first.workers().getFirst().createContainer(new ContainerSpec("restart", busybox,
                Map.of(), null, "/tmp", List.of(), null, false, Map.of()));
        PipedOutputStream feed = new PipedOutputStream();
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        container.run(new ProcessSpec("task", "sh", List.of("-c", "echo before; read line; echo \"after $line\"; exit 7"),
                Map.of(), null, null), new ProcessIO(new PipedInputStream(feed), before, null));
        ContainerProcess done = container.run(new ProcessSpec("done", "sh", List.of("-c", "exit 5"), Map.of(), null,
                null), new ProcessIO(null, null, null));
        assertThat(done.waitFor()).isEqualTo(5);
        awaitText(before, "before\n");
        first.close();

        second = runtime();
        Container found = second.workers().getFirst().findContainer("restart").orElseThrow();
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        ContainerProcess task = found.attach("task", new ProcessIO(null, after, null)).orElseThrow();
        assertThat(task.exitStatus()).isEmpty();
        // the first instance's stdin is still the process's: the engine "restarted" in the same JVM
        feed.write("go\n".getBytes(StandardCharsets.UTF_8));
        feed.close();
        assertThat(waitFor(task)).isEqualTo(7);
        assertThat(after.toString(StandardCharsets.UTF_8)).isEqualTo("after go\n");
        assertThat(found.attach("done", new ProcessIO(null, null, null)).orElseThrow().exitStatus()).hasValue(5);
        assertThat(found.attach("never", new ProcessIO(null, null, null))).isEmpty();
    }

    @Test
    void theExitStatusOfAProcessThatEndsWhileNoEngineFollowsItIsKept() throws Exception {
        first = runtime();
        Container container = first.workers().getFirst().createContainer(new ContainerSpec("unfollowed", busybox,
                Map.of(), null, null, List.of(), null, false, Map.of()));
        PipedOutputStream feed = new PipedOutputStream();
        container.run(new ProcessSpec("task", "sh", List.of("-c", "read line; echo \"got $line\"; exit 3"), Map.of(),
                null, null), new ProcessIO(new PipedInputStream(feed), null, null));
        first.close();
        // the process ends after the engine stopped following it; only its supervisor sees it end
        feed.write("go\n".getBytes(StandardCharsets.UTF_8));
        feed.close();
        Path processDir = base.resolve("containers/unfollowed/processes/" + hex("task"));
        awaitFile(processDir.resolve("exit"));

        second = runtime();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ContainerProcess task = second.workers().getFirst().findContainer("unfollowed").orElseThrow()
                .attach("task", new ProcessIO(null, out, null)).orElseThrow();
        assertThat(task.exitStatus()).hasValue(3);
        assertThat(Files.readString(processDir.resolve("exit")).strip()).isEqualTo("3");
    }

    @Test
    void aProcessIdCanBeUsedAgainOnceItsProcessEnded() throws Exception {
        first = runtime();
        Container container = first.workers().getFirst().createContainer(new ContainerSpec("again", busybox,
                Map.of(), null, null, List.of(), null, false, Map.of()));
        // the runtime reuses a finished process's directory (and its FIFOs): each round must still
        // get only its own output, input and exit status, with and without input alternately
        for (int round = 1; round <= 4; round++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            boolean withInput = round % 2 == 0;
            java.io.InputStream input = withInput
                    ? new java.io.ByteArrayInputStream(("input " + round + "\n").getBytes(StandardCharsets.UTF_8))
                    : null;
            String script = withInput ? "read line; echo \"round $0 $line\"; exit $0" : "echo round $0; exit $0";
            ContainerProcess process = container.run(new ProcessSpec("step", "sh", List.of("-c", script,
                    Integer.toString(round)), Map.of(), null, null), new ProcessIO(input, out, null));
            assertThat(waitFor(process)).isEqualTo(round);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .isEqualTo(withInput ? "round " + round + " input " + round + "\n" : "round " + round + "\n");
            assertThat(container.attach("step", new ProcessIO(null, null, null)).orElseThrow().exitStatus())
                    .hasValue(round);
        }
        // the supervisor the runtime installed runs them: one binary, under the base directory
        assertThat(Files.list(base.resolve("bin")).map(p -> p.getFileName().toString()).toList())
                .singleElement().satisfies(name -> assertThat(name).matches("supervisor-[0-9a-f]{16}"));
    }

    @Test
    void garbageCollectionRemovesWhatNoContainerOrVolumeOwns() throws Exception {
        first = runtime();
        Container kept = first.workers().getFirst().createContainer(new ContainerSpec("kept", busybox, Map.of(), null,
                null, List.of(), null, false, Map.of()));
        Container lost = first.workers().getFirst().createContainer(new ContainerSpec("lost", busybox, Map.of(), null,
                null, List.of(), null, false, Map.of()));
        ContainerProcess sleeping = lost.run(new ProcessSpec("sleep", "sleep", List.of("1000"), Map.of(), null, null),
                new ProcessIO(null, null, null));
        Files.createDirectories(base.resolve("volumes/half-made/data"));
        // a crash between the state file's removal and the rest of destroy()
        Files.delete(base.resolve("containers/lost/state.properties"));
        first.close();

        second = runtime();   // collects at start-up
        // killed with its runc container; its state directory (exit file included) went with it
        assertThat(waitFor(sleeping)).isNotZero();
        assertThat(base.resolve("containers/lost")).doesNotExist();
        assertThat(base.resolve("volumes/half-made")).doesNotExist();
        assertThat(Files.readAllLines(Path.of("/proc/self/mountinfo"))).noneMatch(l -> l.contains("/containers/lost/"));
        assertThat(Files.list(base.resolve("runc")).map(p -> p.getFileName().toString()).toList())
                .noneMatch(id -> id.startsWith("lost."));
        assertThat(second.workers().getFirst().findContainer("kept")).isPresent();
        assertThat(kept.handle()).isEqualTo("kept");
        assertThat(second.collectGarbage()).as("a second pass finds nothing").isZero();
    }

    private static int waitFor(ContainerProcess process) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get(30, TimeUnit.SECONDS);
    }

    @Test
    void aDetachedProcessRunsOnUnsignalledItsWaitEndsAndAnotherInstanceAttachingGetsTheRestOfItsOutput()
            throws Exception {
        first = runtime();
        Container container = first.workers().getFirst().createContainer(new ContainerSpec("detached", busybox,
                Map.of(), null, "/tmp", List.of(), null, false, Map.of()));
        ByteArrayOutputStream before = new ByteArrayOutputStream();
        ContainerProcess process = container.run(new ProcessSpec("task", "sh", List.of("-c",
                "trap 'echo signalled; exit 9' TERM; echo before; while [ ! -f /tmp/go ]; do sleep 0.05; done;"
                        + " echo after; exit 4"), Map.of(), null, null), new ProcessIO(null, before, null));
        awaitText(before, "before\n");
        CompletableFuture<Integer> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });

        assertThat(process.detach()).isTrue();
        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(ProcessDetachedException.class);
        assertThatThrownBy(process::waitFor).isInstanceOf(ProcessDetachedException.class);
        assertThat(process.exitStatus()).isEmpty();
        Path processDir = base.resolve("containers/detached/processes/" + hex("task"));
        assertThat(processDir.resolve("exit")).as("still running").doesNotExist();
        // The instance forgot it: attaching again follows it anew (and can detach again).
        ContainerProcess again = container.attach("task", new ProcessIO(null, null, null)).orElseThrow();
        assertThat(again).isNotSameAs(process);
        assertThat(again.detach()).isTrue();

        second = runtime();
        ByteArrayOutputStream after = new ByteArrayOutputStream();
        ContainerProcess task = second.workers().getFirst().findContainer("detached").orElseThrow()
                .attach("task", new ProcessIO(null, after, null)).orElseThrow();
        assertThat(task.exitStatus()).isEmpty();
        Files.writeString(base.resolve("containers/detached/rootfs/tmp/go"), "go");
        assertThat(waitFor(task)).as("not signalled").isEqualTo(4);
        assertThat(after.toString(StandardCharsets.UTF_8)).isEqualTo("after\n");
        assertThat(before.toString(StandardCharsets.UTF_8)).as("nothing more after the detach").isEqualTo("before\n");
    }

    private static String hex(String processId) {
        return java.util.HexFormat.of().formatHex(processId.getBytes(StandardCharsets.UTF_8));
    }

    /** Waits for a file that a process outside this JVM writes (no event to wait on from here). */
    private static void awaitFile(Path file) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!Files.exists(file) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(file).exists();
    }

    private static void awaitText(ByteArrayOutputStream out, String text) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!out.toString(StandardCharsets.UTF_8).contains(text) && System.nanoTime() < deadline) {
            synchronized (out) {
                out.wait(5);
            }
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).contains(text);
    }
}
