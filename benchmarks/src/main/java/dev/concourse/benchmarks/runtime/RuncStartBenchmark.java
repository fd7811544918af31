package dev.concourse.benchmarks.runtime;

import dev.concourse.runtime.linux.RuncContainerRuntime;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSpec;
import dev.concourse.spi.runtime.Worker;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * Start-to-exit of {@code true} in a runc container: through the engine's runtime
 * ({@code RuncContainerRuntime}) against {@code raw}: {@code runc run} of the very bundle (config
 * and root file system) the runtime wrote for that process, started from Java with its output
 * discarded, in the same run. Target: the engine at most 10 % over raw.
 *
 * <ul>
 *   <li>{@code engineProcess}: {@code Container.run(true)} and {@code waitFor} in an existing
 *       container: the supervisor, FIFOs, the process's config and runc;</li>
 *   <li>{@code engineContainer}: also creating the container (overlay mount) and destroying it:
 *       what a task step costs the runtime;</li>
 *   <li>{@code raw}: the ceiling, {@code runc run} alone.</li>
 * </ul>
 *
 * <p>Each also counts the CPU time of the JVM and its reaped child processes per operation
 * ({@link ProcessTreeCpuTime}): runc, the supervisor and the engine's own work, which varies far
 * less with the machine's load than the wall time.
 *
 * <p>Needs root, runc, tini and a static {@code /bin/busybox} (the root file system is built from it
 * in a temporary directory).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class RuncStartBenchmark {
    private Path work;
    private RuncContainerRuntime runtime;
    private Worker worker;
    private ContainerImage image;
    private Container container;
    private Path bundle;
    private Path rawRoot;
    private long rawRuns;

    @Setup
    public void setUp() throws Exception {
        work = Files.createTempDirectory("runc-benchmark-");
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        Path rootfs = Files.createDirectories(work.resolve("image/rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        for (String applet : List.of("sh", "true")) {
            Files.createSymbolicLink(rootfs.resolve(applet), Path.of("busybox"));
        }
        image = ContainerImage.rootfs("raw://" + rootfs.getParent());
        runtime = RuncContainerRuntime.builder().baseDirectory(work.resolve("runc"))
                .garbageCollectionInterval(Duration.ZERO).build();
        worker = runtime.workers().getFirst();
        container = worker.createContainer(spec("bench"));
        if (runTrue(container) != 0) {
            throw new IllegalStateException("true did not exit 0 in a runc container");
        }
        // the bundle of that process: its config.json, whose root is the container's overlay
        Path processDir = work.resolve("runc/containers/bench/processes")
                .resolve(HexFormat.of().formatHex("true".getBytes(StandardCharsets.UTF_8)));
        bundle = Files.createDirectories(work.resolve("raw-bundle"));
        Files.copy(processDir.resolve("config.json"), bundle.resolve("config.json"),
                StandardCopyOption.REPLACE_EXISTING);
        rawRoot = Files.createDirectories(work.resolve("raw-state"));
        if (rawRun() != 0) {
            throw new IllegalStateException("raw runc run of true did not exit 0");
        }
    }

    @TearDown
    public void tearDown() throws IOException {
        worker.containers().forEach(Container::destroy);
        runtime.close();
        try (Stream<Path> paths = Files.walk(work)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    @Benchmark
    public int engineProcess(ProcessTreeCpuTime cpu) throws InterruptedException {
        cpu.start();
        int exit = runTrue(container);
        cpu.stop();
        return exit;
    }

    @Benchmark
    public int engineContainer(ProcessTreeCpuTime cpu) throws InterruptedException {
        cpu.start();
        Container fresh = worker.createContainer(spec(null));
        try {
            return runTrue(fresh);
        } finally {
            fresh.destroy();
            cpu.stop();
        }
    }

    @Benchmark
    public int raw(ProcessTreeCpuTime cpu) throws IOException, InterruptedException {
        cpu.start();
        int exit = rawRun();
        cpu.stop();
        return exit;
    }

    private int rawRun() throws IOException, InterruptedException {
        Process process = new ProcessBuilder("runc", "--root", rawRoot.toString(), "run", "--bundle",
                bundle.toString(), "raw-" + rawRuns++)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return process.waitFor();
    }

    private ContainerSpec spec(String handle) {
        return new ContainerSpec(handle, image, Map.of(), null, null, List.of(), null, false, Map.of());
    }

    private static int runTrue(Container container) throws InterruptedException {
        ContainerProcess process = container.run(new ProcessSpec("true", "true", List.of(), Map.of(), null, null),
                new ProcessIO(null, null, null));
        return process.waitFor();
    }
}
