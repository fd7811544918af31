package dev.concourse.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.WorkerInfo;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSignal;
import dev.concourse.spi.runtime.ProcessSpec;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What is particular to local processes (the runtime kit in {@code concourse-test-kit} covers the
 * SPI contract): layout on disk, path and environment mapping, the honest lack of isolation, and
 * restarts.
 */
class LocalProcessRuntimeTest {
    private static final long TIMEOUT_SECONDS = 30;

    @TempDir
    Path base;
    private final List<LocalProcessRuntime> runtimes = new ArrayList<>();

    @AfterEach
    void close() {
        runtimes.forEach(LocalProcessRuntime::close);
    }

    private LocalProcessRuntime runtime(LocalProcessRuntime.Builder builder) {
        LocalProcessRuntime runtime = builder.build();
        runtimes.add(runtime);
        return runtime;
    }

    private Worker worker() {
        return runtime(LocalProcessRuntime.builder().baseDirectory(base)).workers().getFirst();
    }

    private static ContainerSpec spec(Map<String, String> env, String workingDir, ContainerSpec.Mount... mounts) {
        return new ContainerSpec(null, ContainerImage.NONE, env, null, workingDir, List.of(mounts), null, false,
                Map.of());
    }

    private static ProcessSpec sh(String id, String script) {
        return new ProcessSpec(id, "sh", List.of("-c", script), Map.of(), null, null);
    }

    private static String run(Container container, ProcessSpec spec) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = await(container.run(spec, new ProcessIO(null, out, err)));
        assertThat(status).as("exit status; stderr: %s", err).isZero();
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int await(ContainerProcess process) throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            return executor.submit(process::waitFor).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
    }

    @Test
    void defaultsAreOneUnisolatedWorkerOnTheHostPlatformInATemporaryDirectory() {
        LocalProcessRuntime runtime = LocalProcessRuntime.builder().build();
        Path directory = runtime.baseDirectory();
        try {
            assertThat(runtime.id()).isEqualTo("local");
            assertThat(runtime.workers()).singleElement().satisfies(w -> {
                WorkerInfo info = w.info();
                assertThat(info.isolated()).isFalse();
                assertThat(info.name()).isNotBlank();
                assertThat(info.platform()).isEqualTo(LocalProcessRuntime.platformOf(System.getProperty("os.name")));
                assertThat(info.tags()).isEmpty();
                assertThat(info.team()).isNull();
            });
            assertThat(directory).isDirectory();
        } finally {
            runtime.close();
        }
        assertThat(directory).as("the temporary directory is removed on close").doesNotExist();
    }

    @Test
    void platformsAreNamedLikeConcourses() {
        assertThat(LocalProcessRuntime.platformOf("Linux")).isEqualTo("linux");
        assertThat(LocalProcessRuntime.platformOf("Mac OS X")).isEqualTo("darwin");
        assertThat(LocalProcessRuntime.platformOf("Windows 11")).isEqualTo("windows");
        assertThat(LocalProcessRuntime.platformOf("FreeBSD")).isEqualTo("freebsd");
    }

    @Test
    void theBuilderSetsWhatTheWorkerReports() {
        WorkerInfo info = runtime(LocalProcessRuntime.builder().baseDirectory(base).workerName("w1").platform("darwin")
                .tags("a", "b").team("main").resourceTypes("git")).workers().getFirst().info();
        assertThat(info).isEqualTo(new WorkerInfo("w1", "darwin", List.of("a", "b"), "main", List.of("git"), false));
    }

    @Test
    void containersAndVolumesAreDirectoriesAndMountsAreLinks() throws Exception {
        Worker worker = worker();
        Volume volume = worker.createVolume(VolumeSpec.empty());
        Container container = worker.createContainer(spec(Map.of(), "/tmp/build",
                new ContainerSpec.Mount(volume, "/tmp/build/inputs/repo", false)));

        assertThat(Path.of(volume.path())).isEqualTo(base.resolve("volumes").resolve(volume.handle()));
        Path root = base.resolve("containers").resolve(container.handle());
        Path link = root.resolve("tmp/build/inputs/repo");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.readSymbolicLink(link)).isEqualTo(Path.of(volume.path()));
        assertThat(base.resolve("state/containers/" + container.handle() + ".properties")).isRegularFile();
        assertThat(base.resolve("state/volumes/" + volume.handle() + ".properties")).isRegularFile();

        assertThat(run(container, sh("pwd", "pwd"))).isEqualTo(root.resolve("tmp/build") + "\n");
        run(container, sh("write", "echo hi > inputs/repo/file"));
        assertThat(Path.of(volume.path(), "file")).hasContent("hi");
    }

    @Test
    void readOnlyMountsAreNotEnforced() throws Exception {
        Worker worker = worker();
        Volume volume = worker.createVolume(VolumeSpec.empty());
        Container container = worker.createContainer(spec(Map.of(), "/w", new ContainerSpec.Mount(volume, "/w/in",
                true)));
        run(container, sh("write", "echo written > in/file"));
        assertThat(Path.of(volume.path(), "file")).as("no isolation: a read-only mount is writable").hasContent(
                "written");
    }

    @Test
    void absoluteExecutablesAreLookedForInTheContainerFirstThenOnTheHost() throws Exception {
        Worker worker = worker();
        Volume tools = worker.createVolume(VolumeSpec.empty());
        script(Path.of(tools.path(), "check"), "echo container check");
        script(Path.of(tools.path(), "sh"), "echo not the host shell");
        Container container = worker.createContainer(spec(Map.of(), null,
                new ContainerSpec.Mount(tools, "/opt/resource", false)));

        assertThat(run(container, new ProcessSpec("check", "/opt/resource/check", List.of(), Map.of(), null, null)))
                .isEqualTo("container check\n");
        assertThat(run(container, new ProcessSpec("host", "/bin/sh", List.of("-c", "echo host shell"), Map.of(),
                null, null))).isEqualTo("host shell\n");
    }

    @Test
    void bareNamesAreSearchedOnThePathOfTheProcessMappedIntoTheContainer() throws Exception {
        Worker worker = worker();
        Volume tools = worker.createVolume(VolumeSpec.empty());
        script(Path.of(tools.path(), "mytool"), "echo mytool \"$@\"");
        Container container = worker.createContainer(spec(Map.of("PATH", "/opt/tools:/usr/bin:/bin"), null,
                new ContainerSpec.Mount(tools, "/opt/tools", false)));
        assertThat(run(container, new ProcessSpec("tool", "mytool", List.of("x"), Map.of(), null, null)))
                .isEqualTo("mytool x\n");
        assertThat(run(container, new ProcessSpec("echo", "echo", List.of("from", "host"), Map.of(), null, null)))
                .isEqualTo("from host\n");
    }

    @Test
    void relativeExecutablesAreResolvedAgainstTheWorkingDirectory() throws Exception {
        Worker worker = worker();
        Volume repo = worker.createVolume(VolumeSpec.empty());
        script(Path.of(repo.path(), "ci", "test.sh"), "echo tests pass in \"$(basename \"$PWD\")\"");
        Container container = worker.createContainer(spec(Map.of(), "/tmp/build/abc",
                new ContainerSpec.Mount(repo, "/tmp/build/abc/repo", false)));
        assertThat(run(container, new ProcessSpec("task", "repo/ci/test.sh", List.of(), Map.of(), null, null)))
                .isEqualTo("tests pass in abc\n");
    }

    @Test
    void processesGetTheListedHostVariablesAndNoOthers() throws Exception {
        String unlisted = System.getenv().keySet().stream()
                .filter(k -> !HostEnvironment.DEFAULT_NAMES.contains(k) && k.matches("[A-Za-z_][A-Za-z0-9_]*"))
                .findFirst().orElseThrow();
        Container container = worker().createContainer(spec(Map.of("FROM_CONTAINER", "c"), null));
        String out = run(container, new ProcessSpec("env", "sh", List.of("-c",
                "echo \"${HOME-unset}|${" + unlisted + "-unset}|$FROM_CONTAINER|$FROM_PROCESS\""),
                Map.of("FROM_PROCESS", "p"), null, null));
        assertThat(out).isEqualTo(System.getenv("HOME") + "|unset|c|p\n");

        Container narrow = runtime(LocalProcessRuntime.builder().baseDirectory(base.resolve("narrow"))
                .inheritedEnvironment(List.of("PATH"))).workers().getFirst().createContainer(spec(Map.of(), null));
        assertThat(run(narrow, sh("env", "echo \"${HOME-unset}\""))).isEqualTo("unset\n");
    }

    @Test
    void childVolumesAreRealCopies() throws Exception {
        Worker worker = worker();
        Volume parent = worker.createVolume(VolumeSpec.empty());
        Path parentFile = Path.of(parent.path(), "dir", "file.txt");
        Files.createDirectories(parentFile.getParent());
        Files.writeString(parentFile, "original");
        Files.setAttribute(parentFile, "unix:mode", 0750);
        Files.createSymbolicLink(Path.of(parent.path(), "link"), Path.of("dir/file.txt"));

        Volume child = worker.createVolume(VolumeSpec.childOf(parent));
        Files.writeString(parentFile, "changed in the parent");

        Path childFile = Path.of(child.path(), "dir", "file.txt");
        assertThat(childFile).hasContent("original");
        assertThat((Integer) Files.getAttribute(childFile, "unix:mode") & 0777).isEqualTo(0750);
        assertThat(Files.readSymbolicLink(Path.of(child.path(), "link"))).isEqualTo(Path.of("dir/file.txt"));
    }

    @Test
    void rawImagesMustExistAndOtherImagesAreRefused(@TempDir Path rootfs) {
        Worker worker = worker();
        assertThat(worker.createContainer(new ContainerSpec(null, ContainerImage.rootfs("raw://" + rootfs), Map.of(),
                null, null, List.of(), null, false, Map.of()))).isNotNull();
        Volume imageVolume = worker.createVolume(VolumeSpec.empty());
        assertThat(worker.createContainer(new ContainerSpec(null, ContainerImage.fromVolume(imageVolume), Map.of(),
                null, null, List.of(), null, false, Map.of()))).isNotNull();

        assertThatThrownBy(() -> worker.createContainer(new ContainerSpec(null,
                ContainerImage.rootfs("raw:///no/such/rootfs"), Map.of(), null, null, List.of(), null, false,
                Map.of())))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("/no/such/rootfs");
        assertThatThrownBy(() -> worker.createContainer(new ContainerSpec(null,
                ContainerImage.rootfs("docker:///busybox"), Map.of(), null, null, List.of(), null, false, Map.of())))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("raw://");
        assertThat(worker.containers()).hasSize(2);
    }

    @Test
    void invalidHandlesAreRefusedAndNeverFound() {
        Worker worker = worker();
        for (String handle : List.of("../escape", "a/b", "", ".hidden", "x".repeat(200))) {
            assertThatThrownBy(() -> worker.createContainer(new ContainerSpec(handle, null, Map.of(), null, null,
                    List.of(), null, false, Map.of()))).isInstanceOf(RuntimeOperationException.class);
            assertThatThrownBy(() -> worker.createVolume(new VolumeSpec(handle, null, false, Map.of())))
                    .isInstanceOf(RuntimeOperationException.class);
            assertThat(worker.findContainer(handle)).isEmpty();
            assertThat(worker.findVolume(handle)).isEmpty();
        }
        assertThat(base.getParent().resolve("escape")).doesNotExist();
    }

    @Test
    void volumesOfAnotherWorkerCannotBeMountedOrCopied() {
        Worker worker = worker();
        Worker other = runtime(LocalProcessRuntime.builder().baseDirectory(base.resolve("other")).workerName("other"))
                .workers().getFirst();
        Volume foreign = other.createVolume(VolumeSpec.empty());
        assertThatThrownBy(() -> worker.createContainer(spec(Map.of(), null,
                new ContainerSpec.Mount(foreign, "/in", false))))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("other");
        assertThatThrownBy(() -> worker.createVolume(VolumeSpec.childOf(foreign)))
                .isInstanceOf(RuntimeOperationException.class);
        assertThat(worker.containers()).as("the failed container left nothing behind").isEmpty();
        assertThat(worker.volumes()).isEmpty();
    }

    @Test
    void aFailedContainerLeavesNothingBehind() {
        Worker worker = worker();
        Volume volume = worker.createVolume(VolumeSpec.empty());
        assertThatThrownBy(() -> worker.createContainer(new ContainerSpec("broken", null, Map.of(), null, null,
                List.of(new ContainerSpec.Mount(volume, "/", false)), null, false, Map.of())))
                .isInstanceOf(RuntimeOperationException.class);
        assertThat(worker.findContainer("broken")).isEmpty();
        assertThat(base.resolve("containers/broken")).doesNotExist();
        assertThat(worker.createContainer(new ContainerSpec("broken", null, Map.of(), null, null, List.of(), null,
                false, Map.of())).handle()).isEqualTo("broken");
    }

    @Test
    void volumePathsThroughLinksToOutsideAreRefused(@TempDir Path outside) throws IOException {
        Volume volume = worker().createVolume(VolumeSpec.empty());
        Files.writeString(outside.resolve("secret"), "secret");
        Files.createSymbolicLink(Path.of(volume.path(), "out"), outside);
        assertThatThrownBy(() -> volume.streamOut("out")).isInstanceOf(RuntimeOperationException.class);
        assertThatThrownBy(() -> volume.streamOut("out/secret")).isInstanceOf(RuntimeOperationException.class);
        assertThatThrownBy(() -> volume.streamOut("../")).isInstanceOf(RuntimeOperationException.class);
        assertThatThrownBy(() -> volume.streamOut("/etc")).isInstanceOf(RuntimeOperationException.class);
        assertThatThrownBy(() -> volume.streamIn("out/sub", java.io.InputStream.nullInputStream()))
                .isInstanceOf(RuntimeOperationException.class);
        assertThat(outside.resolve("sub")).doesNotExist();
    }

    @Test
    void aNewInstanceCannotReattachButItsDestroyKillsWhatTheOldOneStarted() throws Exception {
        Worker first = worker();
        Container container = first.createContainer(spec(Map.of(), null));
        LocalProcess sleeping = (LocalProcess) container.run(new ProcessSpec("task", "sleep", List.of("1000"),
                Map.of(), null, null), new ProcessIO(null, null, null));
        ProcessHandle handle = sleeping.handle();

        // A second instance on the same directory, as after a JVM restart (the first is not closed).
        Worker second = runtime(LocalProcessRuntime.builder().baseDirectory(base)).workers().getFirst();
        Container found = second.findContainer(container.handle()).orElseThrow();
        assertThat(found.attach("task", new ProcessIO(null, null, null))).isEmpty();
        assertThat(handle.isAlive()).isTrue();

        found.destroy();
        assertThat(handle.onExit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(await(sleeping)).isEqualTo(137);
        assertThat(first.findContainer(container.handle()).orElseThrow().handle()).as(
                "the first instance still has its object").isEqualTo(container.handle());
    }

    @Test
    void closeKillsTheProcessesItStartedAndKeepsContainersAndVolumes() throws Exception {
        LocalProcessRuntime runtime = runtime(LocalProcessRuntime.builder().baseDirectory(base));
        Worker worker = runtime.workers().getFirst();
        Volume volume = worker.createVolume(VolumeSpec.empty());
        Container container = worker.createContainer(spec(Map.of(), null));
        ContainerProcess sleeping = container.run(new ProcessSpec("task", "sleep", List.of("1000"), Map.of(), null,
                null), new ProcessIO(null, null, null));

        runtime.close();

        assertThat(await(sleeping)).isEqualTo(137);
        Worker again = runtime(LocalProcessRuntime.builder().baseDirectory(base)).workers().getFirst();
        assertThat(again.findContainer(container.handle())).isPresent();
        assertThat(again.findVolume(volume.handle())).isPresent();
    }

    @Test
    void terminateReachesGrandchildrenOfAShell() throws Exception {
        Container container = worker().createContainer(spec(Map.of(), null));
        OutputCollector out = new OutputCollector();
        // The grandchild's pid is printed once it exists, so the signal must find it.
        ContainerProcess process = container.run(sh("nested",
                "sh -c 'sleep 1000 & echo $!; wait' & wait"), new ProcessIO(null, out, null));
        long grandchild = Long.parseLong(out.awaitLine().strip());
        ProcessHandle handle = ProcessHandle.of(grandchild).orElseThrow();

        process.signal(ProcessSignal.TERMINATE);

        assertThat(await(process)).isNotZero();
        assertThat(handle.onExit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).isAlive()).isFalse();
    }

    @Test
    void outputHeldOpenByABackgroundProcessIsGivenUpAfterTheDrainTimeout() throws Exception {
        Worker worker = runtime(LocalProcessRuntime.builder().baseDirectory(base)
                .outputDrainTimeout(Duration.ofMillis(200))).workers().getFirst();
        Container container = worker.createContainer(spec(Map.of(), null));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ContainerProcess process = container.run(sh("daemon", "(sleep 3; echo late) & echo done"),
                new ProcessIO(null, out, null));
        assertThat(await(process)).isZero();
        assertThat(process.exitStatus()).hasValue(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).as("finished before the background process wrote")
                .isEqualTo("done\n");
        assertThatThrownBy(() -> LocalProcessRuntime.builder().outputDrainTimeout(Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static void script(Path path, String body) throws IOException {
        Files.createDirectories(path.getParent());
        Files.writeString(path, "#!/bin/sh\n" + body + "\n");
        Files.setAttribute(path, "unix:mode", 0755);
    }

    /** Output with a way to wait for its first line, with a deadline. */
    private static final class OutputCollector extends ByteArrayOutputStream {
        private final CompletableFuture<String> firstLine = new CompletableFuture<>();

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
            String text = toString(StandardCharsets.UTF_8);
            int newline = text.indexOf('\n');
            if (newline >= 0) {
                firstLine.complete(text.substring(0, newline + 1));
            }
        }

        String awaitLine() throws InterruptedException, ExecutionException, TimeoutException {
            return firstLine.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }

        synchronized String text() {
            return toString(StandardCharsets.UTF_8);
        }
    }
}
