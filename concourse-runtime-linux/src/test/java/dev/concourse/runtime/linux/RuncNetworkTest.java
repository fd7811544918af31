package dev.concourse.runtime.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.ContainerProcess;
import dev.concourse.spi.runtime.ContainerSpec;
import dev.concourse.spi.runtime.ProcessIO;
import dev.concourse.spi.runtime.ProcessSignal;
import dev.concourse.spi.runtime.ProcessSpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers of a runtime with a bridge network (its own bridge and subnet, 10.213.9.0/24,
 * removed after each test): each has its address, host name and resolver, and they reach each
 * other through the bridge.
 */
@ExtendWith(LeftoverCleanup.class)
class RuncNetworkTest {
    @TempDir
    Path work;
    private RuncContainerRuntime runtime;

    @BeforeEach
    void start() throws Exception {
        Prerequisites.require();
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        runtime = RuncContainerRuntime.builder().baseDirectory(LeftoverCleanup.track(work.resolve("runc")))
                .garbageCollectionInterval(Duration.ZERO)
                .network(NetworkSettings.defaults().withBridgeName("ccrt0").withSubnet("10.213.9.0/24")
                        .withDnsServers(List.of("10.213.9.53")).withNat(false))
                .build();
    }

    @AfterEach
    void stop() {
        if (runtime != null) {
            try {
                runtime.workers().getFirst().containers().forEach(Container::destroy);
            } finally {
                runtime.removeNetwork();
                runtime.close();
            }
        }
    }

    @Test
    void containersHaveAddressesNamesAndResolversAndReachEachOther() throws Exception {
        ContainerImage image = ContainerImage.rootfs("raw://" + BusyboxRootfs.build(work.resolve("image")));
        Container server = runtime.workers().getFirst().createContainer(new ContainerSpec("web-server", image,
                Map.of(), null, null, List.of(), null, false, Map.of()));
        Container client = runtime.workers().getFirst().createContainer(new ContainerSpec("web-client", image,
                Map.of(), null, null, List.of(), null, false, Map.of()));

        String hosts = run(server, "cat /etc/hosts; hostname; cat /etc/resolv.conf");
        assertThat(hosts).contains("web-server").contains("nameserver 10.213.9.53");
        String address = hosts.lines().filter(l -> l.contains("web-server") && l.startsWith("10.213.9."))
                .findFirst().orElseThrow().split("\\s+")[0];

        ByteArrayOutputStream received = new ByteArrayOutputStream();
        ContainerProcess listener = server.run(new ProcessSpec("listen", "nc", List.of("-l", "-p", "8080"), Map.of(),
                null, null), new ProcessIO(null, received, null));
        String sent = "";
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        // the listener needs a moment to bind: retry the connection until it is accepted
        while (!received.toString(StandardCharsets.UTF_8).contains("hello over the bridge")
                && System.nanoTime() < deadline) {
            sent = run(client, "echo hello over the bridge | nc -w 2 " + address + " 8080; echo sent=$?");
        }
        assertThat(received.toString(StandardCharsets.UTF_8)).as("client said: %s", sent)
                .contains("hello over the bridge");
        listener.signal(ProcessSignal.KILL);
        waitFor(listener);
    }

    private static String run(Container container, String script) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ContainerProcess process = container.run(new ProcessSpec("sh", "sh", List.of("-c", script), Map.of(), null,
                null), new ProcessIO(null, out, out));
        waitFor(process);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int waitFor(ContainerProcess process) throws Exception {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return process.waitFor();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }).get(30, TimeUnit.SECONDS);
    }
}
