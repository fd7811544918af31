package dev.concourse.runtime.linux;

import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.ContainerRuntime;
import dev.concourse.testkit.conformance.ContainerRuntimeConformanceTests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The runtime kit against runc containers of a busybox root file system. */
@ExtendWith(LeftoverCleanup.class)
class RuncContainerRuntimeConformanceTest extends ContainerRuntimeConformanceTests {
    @TempDir
    Path state;
    @TempDir
    Path image;
    private Path rootfs;

    @BeforeEach
    void buildImage() throws IOException {
        Prerequisites.require();
        rootfs = BusyboxRootfs.build(image);
    }

    @Override
    protected ContainerRuntime createRuntime() {
        Prerequisites.require();
        return RuncContainerRuntime.builder()
                .baseDirectory(LeftoverCleanup.track(state))
                .workerName("runc-conformance")
                .outputDrainTimeout(Duration.ofSeconds(2))
                .garbageCollectionInterval(Duration.ZERO)
                .build();
    }

    @Override
    protected ContainerImage testImage() {
        if (rootfs == null) {
            try {
                rootfs = BusyboxRootfs.build(image);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return ContainerImage.rootfs("raw://" + rootfs);
    }

    @Override
    protected boolean supportsRestart() {
        return true;
    }
}
