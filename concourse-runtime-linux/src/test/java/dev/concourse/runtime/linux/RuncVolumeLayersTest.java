package dev.concourse.runtime.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.internal.runtime.tar.Tar;
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
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Child volumes as copy-on-write overlays: what a child sees and keeps to itself, whiteouts,
 * flattened grandchildren, destroying parents and children, garbage collection and restarts, and
 * the cases that stay plain copies.
 */
@ExtendWith(LeftoverCleanup.class)
class RuncVolumeLayersTest {
    private static final int CHAR_DEVICE = 0020000;
    private static final int FILE_TYPE = 0170000;

    @TempDir
    Path work;
    private Path base;
    private ContainerImage busybox;
    private RuncContainerRuntime runtime;
    private Worker worker;
    private final List<Container> containers = new ArrayList<>();
    private final List<Volume> volumes = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        Prerequisites.require();
        // unprivileged containers must be able to search their way to the runtime's files
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        busybox = ContainerImage.rootfs("raw://" + BusyboxRootfs.build(work.resolve("image")));
        base = LeftoverCleanup.track(work.resolve("runc"));
        runtime = runtime();
        worker = runtime.workers().getFirst();
    }

    @AfterEach
    void cleanUp() {
        containers.forEach(Container::destroy);
        volumes.reversed().forEach(Volume::destroy);
        if (runtime != null) {
            runtime.close();
        }
    }

    private RuncContainerRuntime runtime() {
        return RuncContainerRuntime.builder().baseDirectory(base).workerName("layers")
                .garbageCollectionInterval(Duration.ZERO).build();
    }

    @Test
    void aChildSeesItsParentsFilesAndKeepsItsOwnWritesToItself() throws Exception {
        Volume parent = volume(null, false, Map.of("a.txt", "parent a", "dir/b.txt", "parent b"));
        Volume child = volume(parent, false, Map.of());

        assertThat(fileSystemOf(child)).hasValue("overlay");
        assertThat(content(child)).isEqualTo(Map.of("a.txt", "parent a", "dir/b.txt", "parent b"));

        streamIn(child, Map.of("a.txt", "child a", "c.txt", "child c"));
        streamIn(parent, Map.of("p.txt", "written to the parent afterwards"));
        assertThat(content(child)).isEqualTo(Map.of("a.txt", "child a", "dir/b.txt", "parent b", "c.txt", "child c"));
        assertThat(content(parent)).isEqualTo(Map.of("a.txt", "parent a", "dir/b.txt", "parent b", "p.txt",
                "written to the parent afterwards"));
        // what is streamed in lands in the child's upper directory; the untouched directory is not copied up
        assertThat(upper(child).resolve("c.txt")).hasContent("child c");
        assertThat(upper(child).resolve("dir")).doesNotExist();
    }

    @Test
    void aProcessOfAnUnprivilegedContainerDeletesAndWritesInTheChildOnly() throws Exception {
        Volume parent = volume(null, false, Map.of("gone.txt", "deleted in the child", "kept.txt", "kept"));
        Volume child = volume(parent, false, Map.of());
        Container container = container(List.of(new ContainerSpec.Mount(child, "/tmp/build/in", false)));

        Result result = run(container, "rm in/gone.txt && echo new > in/new.txt && stat -c %u in/new.txt"
                + " && grep ' /tmp/build/in ' /proc/self/mountinfo");
        assertThat(result.status()).as(result.toString()).isZero();
        assertThat(result.stdout()).startsWith("0\n").contains(" - overlay ");

        assertThat(content(child)).isEqualTo(Map.of("kept.txt", "kept", "new.txt", "new\n"));
        assertThat(content(parent)).isEqualTo(Map.of("gone.txt", "deleted in the child", "kept.txt", "kept"));
        Path whiteout = upper(child).resolve("gone.txt");
        assertThat((int) Files.getAttribute(whiteout, "unix:mode", LinkOption.NOFOLLOW_LINKS) & FILE_TYPE)
                .as("a whiteout is a character device").isEqualTo(CHAR_DEVICE);
        assertThat(Files.getAttribute(upper(child).resolve("new.txt"), "unix:uid")).as("container root is host 100000")
                .isEqualTo(100_000);
    }

    @Test
    void grandchildrenStackNoOverlaysButListTheFrozenLayers() throws Exception {
        Volume v0 = volume(null, false, Map.of("a", "0"));
        Volume v1 = volume(v0, false, Map.of());
        streamIn(v1, Map.of("b", "1"));
        Files.delete(Path.of(v1.path(), "a"));
        Volume v2 = volume(v1, false, Map.of());
        streamIn(v2, Map.of("c", "2"));
        Volume v3 = volume(v2, false, Map.of());
        streamIn(v3, Map.of("d", "3"));
        Volume v4 = volume(v3, false, Map.of());

        assertThat(content(v0)).isEqualTo(Map.of("a", "0"));
        assertThat(content(v1)).isEqualTo(Map.of("b", "1"));
        assertThat(content(v2)).isEqualTo(Map.of("b", "1", "c", "2"));
        assertThat(content(v3)).isEqualTo(Map.of("b", "1", "c", "2", "d", "3"));
        assertThat(content(v4)).isEqualTo(content(v3));
        String lowerdir = mountOptions(v4).orElseThrow().replaceAll(".*lowerdir=([^,]*).*", "$1");
        assertThat(lowerdir.split(":")).as(lowerdir).hasSize(4)
                .allSatisfy(layer -> assertThat(layer).startsWith(base.resolve("volumes").toString()).contains("/layer-"));
    }

    @Test
    void destroyingAChildUnmountsItAndRemovesItsDirectories() throws Exception {
        Volume parent = volume(null, false, Map.of("a.txt", "a"));
        Volume child = volume(parent, false, Map.of());
        streamIn(child, Map.of("b.txt", "b"));
        Path directory = base.resolve("volumes").resolve(child.handle());
        assertThat(mountPoints()).contains(child.path());

        child.destroy();

        assertThat(mountPoints()).doesNotContain(child.path());
        assertThat(directory).doesNotExist();
        assertThat(worker.findVolume(child.handle())).isEmpty();
        assertThat(content(parent)).isEqualTo(Map.of("a.txt", "a"));
    }

    @Test
    void aParentDestroyedBeforeItsChildrenKeepsItsLayersUntilTheLastChildIsDestroyed() throws Exception {
        Volume parent = volume(null, false, Map.of("a.txt", "a"));
        Volume first = volume(parent, false, Map.of());
        Volume second = volume(parent, false, Map.of());
        Path directory = base.resolve("volumes").resolve(parent.handle());

        parent.destroy();
        assertThat(worker.findVolume(parent.handle())).isEmpty();
        assertThat(worker.volumes()).extracting(Volume::handle).doesNotContain(parent.handle());
        assertThatThrownBy(() -> parent.streamOut(".")).isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("destroyed");
        assertThatThrownBy(() -> worker.createVolume(VolumeSpec.childOf(parent)))
                .isInstanceOf(RuntimeOperationException.class);
        assertThatThrownBy(() -> worker.createVolume(new VolumeSpec(parent.handle(), null, false, Map.of())))
                .isInstanceOf(RuntimeOperationException.class).hasMessageContaining("choose another handle");
        assertThat(directory.resolve("layer-1")).isDirectory();
        assertThat(directory.resolve("upper")).doesNotExist();
        assertThat(content(first)).isEqualTo(Map.of("a.txt", "a"));

        first.destroy();
        assertThat(directory.resolve("layer-1")).isDirectory();
        assertThat(content(second)).isEqualTo(Map.of("a.txt", "a"));
        second.destroy();
        assertThat(directory).doesNotExist();
    }

    @Test
    void garbageCollectionUnmountsAndRemovesTheOverlaysOfVolumesLeftHalfMadeOrHalfDestroyed() throws Exception {
        Volume parent = volume(null, false, Map.of("a.txt", "a"));
        Volume orphan = volume(parent, false, Map.of());
        volumes.remove(orphan);
        Path orphanDirectory = base.resolve("volumes").resolve(orphan.handle());
        // as a crash between deleting the state file and unmounting leaves it
        Files.delete(orphanDirectory.resolve("state.properties"));
        assertThat(mountPoints()).contains(orphan.path());

        assertThat(runtime.collectGarbage()).isGreaterThanOrEqualTo(2);

        assertThat(mountPoints()).doesNotContain(orphan.path());
        assertThat(orphanDirectory).doesNotExist();
        assertThat(content(parent)).isEqualTo(Map.of("a.txt", "a"));
    }

    @Test
    void garbageCollectionRemovesTheLayersOfADestroyedParentWhoseChildWasLostInACrash() throws Exception {
        Volume parent = volume(null, false, Map.of("a.txt", "a"));
        Volume child = volume(parent, false, Map.of());
        volumes.remove(child);
        Path parentDirectory = base.resolve("volumes").resolve(parent.handle());
        parent.destroy();
        assertThat(parentDirectory.resolve("layer-1")).as("its child still uses it").isDirectory();
        Files.delete(base.resolve("volumes").resolve(child.handle()).resolve("state.properties"));

        runtime.collectGarbage();

        assertThat(mountPoints()).doesNotContain(child.path());
        assertThat(base.resolve("volumes")).isEmptyDirectory();
    }

    @Test
    void aNewInstanceRemovesLeftOverOverlaysAtStartAndMountsLiveChildrenAgain() throws Exception {
        Volume parent = volume(null, false, Map.of("a.txt", "a"));
        Volume child = volume(parent, false, Map.of("b.txt", "b"));
        Volume orphan = volume(parent, false, Map.of());
        Path orphanDirectory = base.resolve("volumes").resolve(orphan.handle());
        Files.delete(orphanDirectory.resolve("state.properties"));
        runtime.close();
        volumes.clear();
        // as after a reboot: the live child is not mounted any more
        Process umount = new ProcessBuilder("umount", child.path()).inheritIO().start();
        assertThat(umount.waitFor()).isZero();

        runtime = runtime();
        worker = runtime.workers().getFirst();
        assertThat(mountPoints()).doesNotContain(orphan.path());
        assertThat(orphanDirectory).doesNotExist();

        Volume found = worker.findVolume(child.handle()).orElseThrow();
        volumes.add(worker.findVolume(parent.handle()).orElseThrow());
        volumes.add(found);
        assertThat(mountPoints()).contains(found.path());
        assertThat(content(found)).isEqualTo(Map.of("a.txt", "a", "b.txt", "b"));
    }

    @Test
    void anUnprivilegedChildOfAPrivilegedParentIsACopyWithItsFilesGivenToTheContainersUsers() throws Exception {
        Volume parent = volume(null, true, Map.of("a.txt", "a"));
        Volume child = volume(parent, false, Map.of());

        assertThat(fileSystemOf(child)).isEmpty();
        assertThat(content(child)).isEqualTo(Map.of("a.txt", "a"));
        assertThat(Files.getAttribute(Path.of(child.path(), "a.txt"), "unix:uid")).isEqualTo(100_000);
        assertThat(Files.getAttribute(Path.of(parent.path(), "a.txt"), "unix:uid")).isEqualTo(0);
    }

    @Test
    void aParentThatARunningProcessWritesIsCopiedNotFrozen() throws Exception {
        Volume parent = volume(null, false, Map.of("a.txt", "a"));
        Container container = container(List.of(new ContainerSpec.Mount(parent, "/tmp/build/out", false)));
        ContainerProcess writer = container.run(new ProcessSpec("writer", "sh", List.of("-c", "exec sleep 60"),
                Map.of(), null, null), new ProcessIO(null, null, null));
        try {
            Volume child = volume(parent, false, Map.of());
            assertThat(fileSystemOf(child)).isEmpty();
            assertThat(fileSystemOf(parent)).as("the parent is not frozen either").isEmpty();
            assertThat(content(child)).isEqualTo(Map.of("a.txt", "a"));
        } finally {
            writer.signal(ProcessSignal.KILL);
            writer.waitFor();
        }
        Volume later = volume(parent, false, Map.of());
        assertThat(fileSystemOf(later)).as("once the process ended").hasValue("overlay");
    }

    // ---- helpers ---------------------------------------------------------------------------

    private record Result(int status, String stdout, String stderr) {
    }

    private Volume volume(Volume parent, boolean privileged, Map<String, String> files) throws IOException {
        Volume volume = worker.createVolume(new VolumeSpec(null, parent, privileged, Map.of()));
        volumes.add(volume);
        if (!files.isEmpty()) {
            streamIn(volume, files);
        }
        return volume;
    }

    private void streamIn(Volume volume, Map<String, String> files) throws IOException {
        Path source = Files.createTempDirectory(work, "files");
        for (var file : files.entrySet()) {
            Path path = source.resolve(file.getKey());
            Files.createDirectories(path.getParent());
            Files.writeString(path, file.getValue(), StandardCharsets.UTF_8);
        }
        try (InputStream tar = Tar.streamOut(source)) {
            volume.streamIn(".", tar);
        }
    }

    /** The regular files a tar stream of the whole volume holds, by relative name. */
    private Map<String, String> content(Volume volume) throws IOException {
        Path target = Files.createTempDirectory(work, "out");
        try (InputStream tar = volume.streamOut(".")) {
            Tar.extract(tar, target);
        }
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> paths = Files.walk(target)) {
            for (Path path : paths.filter(Files::isRegularFile).toList()) {
                files.put(target.relativize(path).toString(), Files.readString(path, StandardCharsets.UTF_8));
            }
        }
        return files;
    }

    private Path upper(Volume volume) {
        return base.resolve("volumes").resolve(volume.handle()).resolve("upper");
    }

    private Container container(List<ContainerSpec.Mount> mounts) {
        Container container = worker.createContainer(new ContainerSpec(null, busybox, Map.of(), null, "/tmp/build",
                mounts, null, false, Map.of()));
        containers.add(container);
        return container;
    }

    private static Result run(Container container, String script) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ContainerProcess process = container.run(new ProcessSpec("p" + System.nanoTime(), "sh", List.of("-c", script),
                Map.of(), null, null), new ProcessIO(null, out, err));
        int status = process.waitFor();
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static List<String[]> mountInfo() throws IOException {
        List<String[]> lines = new ArrayList<>();
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"), StandardCharsets.UTF_8)) {
            String[] halves = line.split(" - ", 2);
            String[] fields = halves[0].split(" ");
            String[] rest = halves[1].split(" ");
            lines.add(new String[] {fields[4], rest[0], rest.length > 2 ? rest[2] : ""});
        }
        return lines;
    }

    private static List<String> mountPoints() throws IOException {
        return mountInfo().stream().map(f -> f[0]).toList();
    }

    /** The file system type mounted at the volume's path, if something is. */
    private static Optional<String> fileSystemOf(Volume volume) throws IOException {
        return mountInfo().stream().filter(f -> f[0].equals(volume.path())).map(f -> f[1]).reduce((a, b) -> b);
    }

    private static Optional<String> mountOptions(Volume volume) throws IOException {
        return mountInfo().stream().filter(f -> f[0].equals(volume.path())).map(f -> f[2]).reduce((a, b) -> b);
    }
}
