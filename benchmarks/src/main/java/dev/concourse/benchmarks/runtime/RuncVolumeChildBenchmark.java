package dev.concourse.benchmarks.runtime;

import dev.concourse.runtime.linux.RuncContainerRuntime;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Creating (and destroying) a child of a large volume of a {@code RuncContainerRuntime}: 10,000
 * files of 20 KiB (200 MB) in 100 directories, as a task input copy of a big artifact.
 *
 * <ul>
 *   <li>{@code overlayChild}: {@code createVolume(childOf(parent))} and {@code destroy}: an overlay
 *       mount over the parent's frozen layer, and its unmount;</li>
 *   <li>{@code copyChild}: the baseline, what the runtime did before children were copy-on-write:
 *       {@code cp -a} of the parent's directory, and deleting the copy.</li>
 * </ul>
 *
 * Needs root (mounts). Target: a child in constant time, at least 10 times faster than the copy.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class RuncVolumeChildBenchmark {
    private static final int DIRECTORIES = 100;
    private static final int FILES_PER_DIRECTORY = 100;
    private static final int FILE_SIZE = 20 * 1024;

    private Path work;
    private RuncContainerRuntime runtime;
    private Worker worker;
    private Volume parent;
    private long copies;

    @Setup
    public void setUp() throws IOException {
        work = Files.createTempDirectory("runc-volume-benchmark-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        runtime = RuncContainerRuntime.builder().baseDirectory(work.resolve("runc"))
                .garbageCollectionInterval(Duration.ZERO).build();
        worker = runtime.workers().getFirst();
        parent = worker.createVolume(new VolumeSpec(null, null, false, Map.of()));
        byte[] content = new byte[FILE_SIZE];
        new java.util.Random(42).nextBytes(content);
        for (int d = 0; d < DIRECTORIES; d++) {
            Path dir = Files.createDirectories(Path.of(parent.path(), "dir-" + d));
            for (int f = 0; f < FILES_PER_DIRECTORY; f++) {
                Files.write(dir.resolve("file-" + f), content);
            }
        }
        // the first child freezes the parent's content into its layer; later ones reuse it
        worker.createVolume(VolumeSpec.childOf(parent)).destroy();
    }

    @TearDown
    public void tearDown() throws IOException, InterruptedException {
        worker.volumes().forEach(Volume::destroy);
        runtime.close();
        run("rm", "-rf", work.toString());
    }

    @Benchmark
    public String overlayChild() {
        Volume child = worker.createVolume(VolumeSpec.childOf(parent));
        child.destroy();
        return child.handle();
    }

    @Benchmark
    public int copyChild() throws IOException, InterruptedException {
        String copy = work.resolve("copy-" + copies++).toString();
        int status = run("cp", "-a", parent.path(), copy);
        return status + run("rm", "-rf", copy);
    }

    private static int run(String... command) throws IOException, InterruptedException {
        return new ProcessBuilder(List.of(command)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                .start().waitFor();
    }
}
