package dev.concourse.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSpec;
import dev.concourse.spi.runtime.RuntimeOperationException;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local runtime takes executables named by absolute path from the container's image first, so
 * that resource types' {@code /opt/resource/*} come from their image while the scripts themselves
 * still run on the host.
 */
class LocalImageRootfsTest {
    @TempDir
    Path base;

    private LocalProcessRuntime runtime;
    private Worker worker;

    @BeforeEach
    void setUp() {
        assumeThat(Path.of("/bin/sh")).as("a POSIX host").exists();
        runtime = LocalProcessRuntime.builder().baseDirectory(base.resolve("runtime")).build();
        worker = runtime.workers().get(0);
    }

    @AfterEach
    void tearDown() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void anAbsolutePathIsFoundInTheRootfsOfAnImageVolume() throws Exception {
        Volume image = worker.createVolume(VolumeSpec.empty());
        script(Path.of(image.path(), "rootfs/opt/resource/check"), "echo from the image volume");

        assertThat(run(ContainerImage.fromVolume(image), "/opt/resource/check")).isEqualTo("from the image volume\n");
    }

    @Test
    void anAbsolutePathIsFoundInARawRootfs() throws Exception {
        Path rootfs = Files.createDirectories(base.resolve("rootfs"));
        script(rootfs.resolve("opt/tool"), "echo from the raw rootfs");

        assertThat(run(ContainerImage.rootfs("raw://" + rootfs), "/opt/tool")).isEqualTo("from the raw rootfs\n");
    }

    @Test
    void theImageComesBeforeTheContainerAndTheHost() throws Exception {
        Path rootfs = Files.createDirectories(base.resolve("rootfs"));
        script(rootfs.resolve("bin/sh"), "echo the image wins");

        assertThat(run(ContainerImage.rootfs("raw://" + rootfs), "/bin/sh")).isEqualTo("the image wins\n");
    }

    @Test
    void bareNamesAreNotTakenFromTheImage() throws Exception {
        Path rootfs = Files.createDirectories(base.resolve("rootfs"));
        for (String dir : System.getenv().getOrDefault("PATH", "/bin").split(":")) {
            if (dir.startsWith("/")) {
                script(rootfs.resolve(dir.substring(1)).resolve("sh"), "echo image sh");
            }
        }

        assertThat(run(ContainerImage.rootfs("raw://" + rootfs), "sh", "-c", "echo host sh")).isEqualTo("host sh\n");
    }

    @Test
    void anImageProgramThatCannotStartHereGivesWayToTheHosts() throws Exception {
        Path rootfs = Files.createDirectories(base.resolve("rootfs"));
        Path foreign = rootfs.resolve("bin/sh");
        Files.createDirectories(foreign.getParent());
        // Like a binary for another C library: its loader is missing on this host.
        Files.writeString(foreign, "#!/nonexistent/ld-musl.so\n", StandardCharsets.UTF_8);
        assertThat(foreign.toFile().setExecutable(true)).isTrue();

        assertThat(run(ContainerImage.rootfs("raw://" + rootfs), "/bin/sh", "-c", "echo host sh"))
                .isEqualTo("host sh\n");
    }

    @Test
    void anImageVolumeWithoutRootfsIsNotSearched() throws Exception {
        Volume image = worker.createVolume(VolumeSpec.empty());
        script(Path.of(image.path(), "opt/only-here"), "echo should not run");

        assertThatThrownBy(() -> run(ContainerImage.fromVolume(image), "/opt/only-here"))
                .isInstanceOf(RuntimeOperationException.class)
                .hasMessageContaining("no executable '/opt/only-here'");
    }

    private String run(ContainerImage image, String path, String... args) throws InterruptedException {
        Container container = worker.createContainer(new ContainerSpec(null, image, Map.of(), null, null, List.of(),
                null, false, Map.of()));
        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        int status = container.run(new ProcessSpec("p", path, List.of(args), Map.of(), null, null),
                new ProcessIO(null, stdout, OutputStream.nullOutputStream())).waitFor();
        assertThat(status).isZero();
        return stdout.toString(StandardCharsets.UTF_8);
    }

    private static void script(Path file, String command) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "#!/bin/sh\n" + command + "\n", StandardCharsets.UTF_8);
        if (!file.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + file + " executable");
        }
    }
}
