package dev.concourse.runtime.linux;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runtime reports the runc version and whether it predates the CVE-2024-21626 fix. */
class RuncVersionCheckTest {
    @TempDir
    Path base;

    @Test
    void reportsTheVersionOfTheRuncInUse() throws Exception {
        Prerequisites.require();
        try (RuncContainerRuntime runtime = RuncContainerRuntime.builder().baseDirectory(base)
                .garbageCollectionInterval(Duration.ZERO).build()) {
            assertThat(runtime.runcVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
            assertThat(runtime.runcOlderThanCveFix()).isEqualTo(olderThan1112(runtime.runcVersion()));
        }
        assertThat(Files.isDirectory(base.resolve("containers"))).isTrue();
    }

    private static boolean olderThan1112(String version) {
        String[] parts = version.split("[^0-9]+");
        int major = Integer.parseInt(parts[0]);
        int minor = Integer.parseInt(parts[1]);
        int patch = Integer.parseInt(parts[2]);
        return major < 1 || (major == 1 && (minor < 1 || (minor == 1 && patch < 12)));
    }
}
