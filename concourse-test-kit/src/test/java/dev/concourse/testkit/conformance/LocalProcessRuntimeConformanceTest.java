package dev.concourse.testkit.conformance;

import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.runtime.ContainerRuntime;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.io.TempDir;

/** {@link LocalProcessRuntime} against the runtime kit, on a base directory of its own per test. */
class LocalProcessRuntimeConformanceTest extends ContainerRuntimeConformanceTests {
    @TempDir
    Path baseDirectory;

    @Override
    protected ContainerRuntime createRuntime() {
        return LocalProcessRuntime.builder()
                .baseDirectory(baseDirectory)
                .workerName("conformance")
                .outputDrainTimeout(Duration.ofSeconds(1))
                .build();
    }

    @Override
    protected boolean supportsRestart() {
        return true;
    }
}
