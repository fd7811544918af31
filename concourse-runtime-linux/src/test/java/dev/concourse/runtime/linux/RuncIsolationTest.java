package dev.concourse.runtime.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSignal;
import dev.concourse.spi.runtime.ProcessSpec;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** What an unprivileged container must not be able to do, and what a privileged one may. */
@ExtendWith(LeftoverCleanup.class)
class RuncIsolationTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path state;
    @TempDir
    Path image;
    private RuncContainerRuntime runtime;
    private Worker worker;
    private ContainerImage busybox;
    private final List<Container> containers = new ArrayList<>();

    @BeforeEach
    void start() throws IOException {
        Prerequisites.require();
        busybox = ContainerImage.rootfs("raw://" + BusyboxRootfs.build(image));
        runtime = RuncContainerRuntime.builder().baseDirectory(LeftoverCleanup.track(state)).garbageCollectionInterval(Duration.ZERO).build();
        worker = runtime.workers().getFirst();
    }

    @AfterEach
    void cleanUp() {
        containers.forEach(Container::destroy);
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void unprivilegedRootCannotMount() throws Exception {
        Result result = run(container(false, null), "mkdir -p /mnt/x; mount -t tmpfs none /mnt/x; echo status=$?");
        assertThat(result.out()).contains("status=1").doesNotContain("status=0");
    }

    @Test
    void unprivilegedRootCannotLoadKernelModules() throws Exception {
        Result result = run(container(false, null), "head -c 64 /dev/zero > /tmp/m.ko; insmod /tmp/m.ko; echo status=$?");
        // seccomp refuses init_module/finit_module before the kernel looks at the file
        assertThat(result.err()).contains("Operation not permitted");
        assertThat(result.out()).contains("status=1");
    }

    @Test
    void processesOfTheHostAreInvisible() throws Exception {
        long jvm = ProcessHandle.current().pid();
        Result result = run(container(false, null), "ls /proc | grep -c '^[0-9]'; cat /proc/*/comm; test -e /proc/"
                + jvm + "/comm && echo jvm-visible");
        assertThat(result.out()).doesNotContain("java").doesNotContain("jvm-visible");
        int count = Integer.parseInt(result.out().lines().findFirst().orElseThrow().strip());
        assertThat(count).as("processes visible in the container").isLessThan(10);
    }

    @Test
    void rootInsideIsAnUnprivilegedUserOutside() throws Exception {
        Container container = container(false, null);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ContainerProcess sleeper = container.run(sh("sleeper", "id -u; cat /proc/self/uid_map; exec sleep 1000"),
                new ProcessIO(null, out, null));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!out.toString(StandardCharsets.UTF_8).contains("100000") && System.nanoTime() < deadline) {
            synchronized (out) {
                out.wait(5);   // the process prints its ids first; wait for them (a real process, with a deadline)
            }
        }
        Path pidFile = processDirectory(container, "sleeper").resolve("pid");
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        // the pid is tini's, whose child is the shell (then sleep): both run as the mapped root
        String status = Files.readString(Path.of("/proc/" + pid + "/status"));
        String uidLine = status.lines().filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
        assertThat(uidLine.split("\\s+")[1]).isEqualTo("100000");
        sleeper.signal(ProcessSignal.KILL);
        assertThat(sleeper.waitFor()).isEqualTo(137);
        assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("0\n").contains("100000");
    }

    @Test
    void memoryLimitKillsTheProcessAndSaysSo() throws Exception {
        Container container = container(false, 64L * 1024 * 1024);
        Result result = run(container, "x=$(head -c 200000000 /dev/zero | tr '\\0' a); echo survived ${#x}");
        assertThat(result.status()).isEqualTo(137);
        assertThat(result.out()).doesNotContain("survived");
        assertThat(result.err()).contains("ran out of memory").contains("64 MiB");
    }

    @Test
    void privilegedContainersRunAsHostRootWithAllCapabilities() throws Exception {
        Result result = run(container(true, null), "cat /proc/self/uid_map; mkdir -p /mnt/x; "
                + "mount -t tmpfs none /mnt/x && echo mounted; umount /mnt/x");
        assertThat(result.out()).contains("mounted");
        assertThat(result.out().lines().findFirst().orElseThrow().strip().split("\\s+"))
                .containsExactly("0", "0", "4294967295");
    }

    private Container container(boolean privileged, Long memory) {
        Container container = worker.createContainer(new ContainerSpec(null, busybox, Map.of(), null, "/tmp",
                List.of(), new ContainerSpec.Limits(null, memory), privileged, Map.of()));
        containers.add(container);
        return container;
    }

    private Path processDirectory(Container container, String id) {
        return state.resolve("containers").resolve(container.handle()).resolve("processes")
                .resolve(java.util.HexFormat.of().formatHex(id.getBytes(StandardCharsets.UTF_8)));
    }

    private static ProcessSpec sh(String id, String script) {
        return new ProcessSpec(id, "sh", List.of("-c", script), Map.of(), null, null);
    }

    private record Result(int status, String out, String err) {
    }

    private static Result run(Container container, String script) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ContainerProcess process = container.run(sh("p", script), new ProcessIO(null, out, err));
        int status = CompletableFuture.supplyAsync(() -> {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        return new Result(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
