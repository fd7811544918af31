package dev.concourse.runtime.linux;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.resourcetype.TestImages;
import dev.concourse.internal.runtime.tar.TestLayer;
import dev.concourse.resourcetype.TestRegistry;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A pipeline on the engine with the runc runtime: a custom resource type (its image from
 * {@code local-image}) whose check, in and out scripts run in containers, tasks with a
 * {@code rootfs_uri} image passing artifacts (through copy-on-write input volumes), a task cache kept
 * between builds, a task killed by its memory limit, and task images pulled from a loopback registry
 * by the built-in {@code registry-image} (or by a pipeline's own type of that name).
 */
@ExtendWith(LeftoverCleanup.class)
class RuncPipelineTest {
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path work;
    private RuncContainerRuntime runtime;
    private PipelineEngine engine;

    @BeforeEach
    void start() throws Exception {
        Prerequisites.require();
        // unprivileged containers must be able to search their way to the runtime's files
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
        runtime = RuncContainerRuntime.builder().baseDirectory(LeftoverCleanup.track(work.resolve("runc")))
                .garbageCollectionInterval(Duration.ZERO).build();
        engine = PipelineEngine.builder().storage(new InMemoryStorage()).runtime(runtime)
                .abortGracePeriod(Duration.ofSeconds(2)).build();
        engine.start();
    }

    @AfterEach
    void stop() {
        if (engine != null) {
            engine.close();
        }
        if (runtime != null) {
            runtime.workers().getFirst().containers().forEach(c -> c.destroy());
            runtime.close();
        }
    }

    @Test
    void tasksAndResourceScriptsRunInRuncContainers() throws Exception {
        Path taskImage = BusyboxRootfs.build(work.resolve("images/task"));
        Path typeImage = BusyboxRootfs.build(work.resolve("images/greeting"));
        Path resource = Files.createDirectories(typeImage.resolve("opt/resource"));
        script(resource.resolve("check"), """
                #!/bin/sh
                cat >/dev/null
                echo '[{"ref":"v1"}]'
                """);
        script(resource.resolve("in"), """
                #!/bin/sh
                cat >/dev/null
                echo "fetching as uid $(id -u), map $(cat /proc/self/uid_map | tr -s ' ')" >&2
                echo "hello from a runc container" > "$1/greeting.txt"
                echo '{"version":{"ref":"v1"},"metadata":[{"name":"by","value":"in"}]}'
                """);
        script(resource.resolve("out"), """
                #!/bin/sh
                cat >/dev/null
                cat "$1/shout/loud.txt" >&2
                echo '{"version":{"ref":"v2"}}'
                """);
        engine.pipelines().set(CI, """
                resource_types:
                - name: greeting
                  type: local-image
                  source: {path: %s}
                resources:
                - name: words
                  type: greeting
                jobs:
                - name: build
                  plan:
                  - get: words
                  - task: shout
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      inputs: [{name: words}]
                      outputs: [{name: shout}]
                      run:
                        path: sh
                        args: [-c, "tr a-z A-Z < words/greeting.txt > shout/loud.txt; cat /proc/self/uid_map; hostname"]
                  - put: words
                    inputs: [shout]
                  - task: hog
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      container_limits: {memory: 67108864}
                      run:
                        path: sh
                        args: [-c, "x=$(head -c 200000000 /dev/zero | tr '\\\\0' a); echo survived"]
                """.formatted(typeImage, taskImage, taskImage), StaticVariables.empty());

        Build build = engine.builds().await(engine.jobs().trigger(CI.job("build")).id(), Duration.ofSeconds(120));
        String log = log(build.id());

        assertThat(log).containsPattern("fetching as uid 0, map +0 100000 65536");
        assertThat(log).containsPattern("\\n +0 +100000 +65536\\n").contains("HELLO FROM A RUNC CONTAINER");
        assertThat(log).contains("ran out of memory").doesNotContain("survived");
        assertThat(build.status()).as("the hog task fails the build; log:\n%s", log).isEqualTo(BuildStatus.FAILED);
    }

    @Test
    void tasksPassAnArtifactThroughCopyOnWriteInputsAndKeepATaskCacheBetweenBuilds() throws Exception {
        Path taskImage = BusyboxRootfs.build(work.resolve("images/task"));
        engine.pipelines().set(CI, """
                jobs:
                - name: pass
                  plan:
                  - task: make
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      outputs: [{name: art}]
                      caches: [{path: cache}]
                      run:
                        path: sh
                        args:
                        - -c
                        - |
                          echo one > art/one.txt
                          echo two > art/two.txt
                          n=$(cat cache/runs 2>/dev/null || echo 0)
                          n=$((n+1))
                          echo $n > cache/runs
                          echo "runs=$n"
                  - task: change
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      inputs: [{name: art}]
                      run:
                        path: sh
                        args:
                        - -c
                        - |
                          grep " $(pwd)/art " /proc/self/mountinfo | grep -o ' - [a-z]* '
                          rm art/one.txt && echo changed > art/two.txt && echo "change saw $(ls art)"
                  - task: check
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      inputs: [{name: art}]
                      run:
                        path: sh
                        args:
                        - -c
                        - echo "check saw $(cat art/one.txt art/two.txt)"
                """.formatted(taskImage, taskImage, taskImage), StaticVariables.empty());

        Build first = engine.builds().await(engine.jobs().trigger(CI.job("pass")).id(), Duration.ofSeconds(120));
        String firstLog = log(first.id());
        assertThat(first.status()).as("log:\n%s", firstLog).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(firstLog).contains("runs=1").contains(" - overlay ").contains("change saw two.txt")
                .contains("check saw one\ntwo");

        Build second = engine.builds().await(engine.jobs().trigger(CI.job("pass")).id(), Duration.ofSeconds(120));
        String secondLog = log(second.id());
        assertThat(second.status()).as("log:\n%s", secondLog).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(secondLog).contains("runs=2");
        // no destroyed artifact's layers are left behind for input copies that are gone
        try (var dirs = Files.list(runtime.baseDirectory().resolve("volumes"))) {
            assertThat(dirs.map(d -> d.getFileName().toString()).toList())
                    .containsExactlyInAnyOrderElementsOf(runtime.workers().getFirst().volumes().stream()
                            .map(Volume::handle).toList());
        }
    }

    @Test
    void taskImagesComeFromARegistryThroughTheBuiltInRegistryImageAndAPipelinesOwnTypeOfThatNameWins()
            throws Exception {
        try (TestRegistry registry = new TestRegistry()) {
            byte[] busybox = Files.readAllBytes(Prerequisites.BUSYBOX);
            TestImages.pushBusybox(registry, "busybox", "latest", busybox);
            // a container type whose image (busybox and scripts) comes from the built-in registry-image
            String scripts = registry.blob(TestRegistry.GZIP_LAYER, new TestLayer()
                    .directory("opt", 0755).directory("opt/resource", 0755)
                    .file("opt/resource/check", 0755, "#!/bin/sh\ncat >/dev/null\necho '[{\"digest\":\"d1\"}]'\n")
                    .file("opt/resource/in", 0755, """
                            #!/bin/sh
                            cat >/dev/null
                            mkdir -p "$1/rootfs/bin" "$1/rootfs/tmp"
                            cp /bin/busybox "$1/rootfs/bin/busybox"
                            ln -s busybox "$1/rootfs/bin/sh"
                            ln -s busybox "$1/rootfs/bin/echo"
                            echo '{"env":["MADE_BY=the pipeline type"],"user":""}' > "$1/metadata.json"
                            echo '{"version":{"digest":"d1"}}'
                            """).gzip());
            String config = registry.blob("application/vnd.oci.image.config.v1+json", "{}".getBytes());
            registry.image("own-type", "latest", TestRegistry.OCI_MANIFEST, config, List.of(
                    registry.blob(TestRegistry.GZIP_LAYER, TestImages.baseLayer(busybox).gzip()), scripts));
            String task = """
                      - task: %s
                        config:
                          platform: linux
                          image_resource: {type: registry-image, source: {repository: %s}}
                          run:
                            path: sh
                            args: [-c, "%s"]
                    """;
            engine.pipelines().set(CI, "jobs:\n- name: pulled\n  plan:\n" + task.formatted("hello",
                    registry.host() + "/busybox", "echo $GREETING; id -u; stat -c '%u:%g %a' /home/user/owned /tmp;"
                            + " cat /etc/motd /var/old/fresh; ls /etc /var/old; readlink /bin/sh"), StaticVariables.empty());

            Build build = engine.builds().await(engine.jobs().trigger(CI.job("pulled")).id(), Duration.ofSeconds(120));
            String log = log(build.id());

            assertThat(build.status()).as("log:\n%s", log).isEqualTo(BuildStatus.SUCCEEDED);
            assertThat(log).contains("hello from the registry\n0\n1000:1000 640\n0:0 1777\nlayer 2\nlayer 2\n")
                    .doesNotContain("removed-later").doesNotContain("stale").contains("busybox\n");
            // unprivileged: the image's files belong to the container's user namespace range on the host
            try (var images = Files.list(runtime.baseDirectory().resolve("images"))) {
                Path owned = images.map(i -> i.resolve("rootfs/home/user/owned")).filter(Files::exists).findFirst()
                        .orElseThrow();
                assertThat(Files.getAttribute(owned, "unix:uid")).isEqualTo(101000);
            }

            engine.pipelines().set(CI, """
                    resource_types:
                    - name: registry-image
                      type: registry-image
                      source: {repository: %s/own-type}
                    jobs:
                    - name: pulled
                      plan:
                    """.formatted(registry.host()) + task.formatted("own", registry.host() + "/busybox",
                    "echo made by $MADE_BY"), StaticVariables.empty());

            Build own = engine.builds().await(engine.jobs().trigger(CI.job("pulled")).id(), Duration.ofSeconds(120));
            String ownLog = log(own.id());
            assertThat(own.status()).as("log:\n%s", ownLog).isEqualTo(BuildStatus.SUCCEEDED);
            assertThat(ownLog).contains("made by the pipeline type");
        }
    }

    private static void script(Path path, String content) throws Exception {
        Files.writeString(path, content);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private String log(long buildId) throws Exception {
        List<SequencedEvent> events = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        engine.builds().events(buildId, 1).subscribe(new Flow.Subscriber<>() {
            @Override
            public void onSubscribe(Flow.Subscription subscription) {
                subscription.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(SequencedEvent item) {
                events.add(item);
            }

            @Override
            public void onError(Throwable throwable) {
                done.completeExceptionally(throwable);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        done.get(60, TimeUnit.SECONDS);
        return events.stream().map(SequencedEvent::event).filter(e -> e instanceof BuildEvent.Log)
                .map(e -> ((BuildEvent.Log) e).payload()).collect(Collectors.joining());
    }
}
