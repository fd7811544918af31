package dev.concourse.samples.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import dev.concourse.resourcetype.TestImages;
import dev.concourse.resourcetype.TestRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code execute --runtime runc}: the task runs in a runc container of a busybox root file system
 * ({@code rootfs_uri}), as an unprivileged user namespace root; {@code run} and {@code execute}
 * with an unchanged Concourse {@code image_resource} of type {@code registry-image}, pulled from a
 * loopback registry. Needs root, runc, tini and a static busybox: fails in CI without them, skips
 * elsewhere.
 */
class RuncRuntimeCommandTest {
    @TempDir
    Path dir;

    @BeforeEach
    void prerequisites() throws IOException {
        boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
                .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[2].equals("0"));
        boolean tools = Files.isExecutable(Path.of("/usr/sbin/runc")) || Files.isExecutable(Path.of("/usr/bin/runc"));
        if (root && tools && Files.isExecutable(Path.of("/usr/bin/tini-static"))
                && Files.isExecutable(Path.of("/bin/busybox"))) {
            return;
        }
        String message = "execute --runtime runc needs root, runc, tini and busybox-static";
        if (System.getenv("CI") != null && !System.getenv("CI").isEmpty()) {
            fail(message + " (CI is set: .ci/run installs them)");
        }
        Assumptions.abort(message);
    }

    @Test
    void executeRunsTheTaskInARuncContainer() throws IOException {
        Path rootfs = Files.createDirectories(dir.resolve("image/rootfs/bin"));
        Files.copy(Path.of("/bin/busybox"), rootfs.resolve("busybox"));
        for (String applet : List.of("sh", "cat", "tr", "cp", "echo")) {
            Files.createSymbolicLink(rootfs.resolve(applet), Path.of("busybox"));
        }
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/greeting.txt"), "hi from the input");
        Path task = dir.resolve("task.yml");
        Files.writeString(task, """
                platform: linux
                rootfs_uri: raw://%s
                inputs: [{name: src}]
                outputs: [{name: result}]
                run:
                  path: sh
                  args: [-c, "cat /proc/self/uid_map | tr -s ' '; tr a-z A-Z < src/greeting.txt > result/loud.txt"]
                """.formatted(rootfs.getParent()));
        Path result = dir.resolve("out/result");

        CliRun run = CliRun.of("execute", "--runtime", "runc", "-c", task.toString(), "-i", "src=" + dir.resolve("src"),
                "-o", "result=" + result);

        assertThat(run.exitCode()).as("stderr: %s", run.err()).isZero();
        assertThat(run.out()).isEqualTo(" 0 100000 65536\n");
        assertThat(result.resolve("loud.txt")).hasContent("HI FROM THE INPUT");
    }

    @Test
    void runAndExecuteTakeTaskImagesFromARegistryWithTheBuiltInRegistryImage() throws IOException {
        try (TestRegistry registry = new TestRegistry()) {
            TestImages.pushBusybox(registry, "library/busybox", "1.36", Files.readAllBytes(Path.of("/bin/busybox")));
            String config = """
                    platform: linux
                    image_resource:
                      type: registry-image
                      source: {repository: %s/library/busybox, tag: "1.36"}
                    run:
                      path: sh
                      args: [-c, "echo $GREETING; id -u; cat /etc/motd"]
                    """.formatted(registry.host());
            Path task = dir.resolve("task.yml");
            Files.writeString(task, config);
            Path pipeline = dir.resolve("pipeline.yml");
            Files.writeString(pipeline, "jobs:\n- name: pulled\n  plan:\n  - task: hello\n    config:\n"
                    + config.indent(6));

            CliRun executed = CliRun.of("execute", "--runtime", "runc", "-c", task.toString());
            CliRun ran = CliRun.of("run", "--runtime", "runc", pipeline.toString(), "--job", "pulled");

            assertThat(executed.exitCode()).as("stderr: %s", executed.err()).isZero();
            assertThat(executed.out()).isEqualTo("hello from the registry\n0\nlayer 2\n");
            assertThat(ran.exitCode()).as("stdout: %s\nstderr: %s", ran.out(), ran.err()).isZero();
            assertThat(ran.out()).contains("hello from the registry\n0\nlayer 2\n");
        }
    }
}
