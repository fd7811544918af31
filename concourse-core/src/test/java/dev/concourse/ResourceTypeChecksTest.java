package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.spi.scheduling.EngineClock;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Periodic checks of a pipeline's custom types ({@code resource_types}) through
 * {@link PipelineEngine}, on a clock the test moves and a direct executor (each {@code advance}
 * ends with its checks done). The types' images come from a native type, {@code images}, whose
 * versions the test sets; each version's image holds a resource whose check finds a version naming
 * the image, so a resource's check says which image ran it.
 */
class ResourceTypeChecksTest {
    private static final PipelineRef CI = PipelineRef.main("ci");
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path work;

    private final PeriodicChecksTest.TestClock clock = new PeriodicChecksTest.TestClock(START);
    private ImagesResource images;
    private final InMemoryStorage storage = new InMemoryStorage();
    private PipelineEngine engine;

    @BeforeEach
    void startEngine() {
        images = new ImagesResource(clock, work.resolve("images"));
        engine = PipelineEngine.builder()
                .storage(storage)
                .runtime(LocalProcessRuntime.builder().baseDirectory(work.resolve("runtime")).build())
                .clock(clock)
                .executor(Runnable::run)
                .resourceType(images)
                .build();
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    @Test
    void aTypeIsCheckedOnItsCheckEveryAndItsNewImageVersionRunsLaterChecksOfItsResources() {
        images.publish("img", "v1");
        set("""
                resource_types:
                - name: my-type
                  type: images
                  check_every: 10m
                  source: {id: img}
                resources:
                - name: thing
                  type: my-type
                  check_every: 1h
                jobs:
                - name: use
                  plan: [{get: thing}]
                """);

        // The rescan 10s after start: the type and the resource were never checked. The type's
        // image is checked once (by the type's own check or by the resource's, whichever ran first).
        clock.advance(Duration.ofSeconds(10));
        assertThat(images.times("img")).containsExactly(at(10));
        assertThat(typeVersion("my-type")).isEqualTo(Version.of("tag", "v1"));
        assertThat(engine.resources().versions(CI.resource("thing"), 10)).extracting(ResourceVersion::version)
                .containsExactly(Version.of("image", "v1"));

        // A new image is published; the type's next check, 10m after its last, finds it.
        images.publish("img", "v2");
        clock.advance(Duration.ofMinutes(9));
        assertThat(images.times("img")).containsExactly(at(10));
        clock.advance(Duration.ofMinutes(1));
        assertThat(images.times("img")).containsExactly(at(10), at(610));
        assertThat(typeVersion("my-type")).isEqualTo(Version.of("tag", "v2"));

        // The resource's next check runs in the new image, without checking the type again.
        assertThat(engine.resources().check(CI.resource("thing")).found()).containsExactly(Version.of("image", "v2"));
        assertThat(engine.resources().versions(CI.resource("thing"), 10)).extracting(ResourceVersion::version)
                .containsExactly(Version.of("image", "v2"), Version.of("image", "v1"));
        assertThat(images.times("img")).containsExactly(at(10), at(610));
        assertThat(images.gets()).containsExactly("v1", "v2");
    }

    @Test
    void aFailingTypeCheckIsRetriedWithBackoffAndOnlyTypesThatMatterAreChecked() {
        images.publish("flaky", "v1");
        images.publish("unused", "v1");
        images.publish("manual", "v1");
        images.publish("inner", "v1");
        images.failFirst("flaky", 3);
        set("""
                resource_types:
                - name: flaky
                  type: images
                  source: {id: flaky}
                - name: unused
                  type: images
                  source: {id: unused}
                - name: manual
                  type: images
                  check_every: never
                  source: {id: manual}
                - name: outer
                  type: inner
                  check_every: never
                - name: inner
                  type: images
                  check_every: 30s
                  source: {id: inner}
                resources:
                - name: a
                  type: flaky
                  check_every: never
                - name: c
                  type: manual
                  check_every: never
                - name: d
                  type: outer
                  check_every: never
                jobs:
                - name: use
                  plan:
                  - get: a
                  - put: c
                  - get: d
                """);

        clock.advance(Duration.ofSeconds(10));
        PipelineResourceType flaky = type("flaky");
        assertThat(flaky.checkError()).startsWith("checking resource type 'flaky' of pipeline 'main/ci' failed: ")
                .contains("flaky is down");
        assertThat(flaky.lastChecked()).isEqualTo(at(10));

        clock.advance(Duration.ofSeconds(130));

        // 1s, 2s, 4s after the failures, then its interval (default 1m) once it succeeded.
        assertThat(images.times("flaky")).containsExactly(at(10), at(11), at(13), at(17), at(77), at(137));
        assertThat(type("flaky").checkError()).isNull();
        assertThat(typeVersion("flaky")).isEqualTo(Version.of("tag", "v1"));
        // A type no resource uses, and one with check_every: never, are not checked.
        assertThat(images.times("unused")).isEmpty();
        assertThat(images.times("manual")).isEmpty();
        // A type used only as the image of a used type is checked on its own check_every.
        assertThat(images.times("inner")).containsExactly(at(10), at(40), at(70), at(100), at(130));
    }

    private PipelineResourceType type(String name) {
        long pipelineId = engine.pipelines().get(CI).orElseThrow().id();
        return storage.pipelines().resourceTypes(pipelineId).stream().filter(t -> t.name().equals(name)).findFirst()
                .orElseThrow();
    }

    private Version typeVersion(String name) {
        return storage.versions().latest(type(name).scopeId()).orElseThrow().version();
    }

    private void set(String yaml) {
        engine.pipelines().set(CI, yaml, StaticVariables.empty());
        engine.pipelines().unpause(CI);
    }

    private static Instant at(long seconds) {
        return START.plusSeconds(seconds);
    }

    /**
     * A native type of images: {@code source.id} names an image whose versions ({@code tag}) the
     * test publishes; a get makes {@code rootfs} a link to that version's root file system, whose
     * resource scripts report {@code {image: <tag>}}. It records when each id was checked.
     */
    static final class ImagesResource implements ResourceType {
        private final EngineClock clock;
        private final Path root;
        private final Map<String, List<String>> tags = new ConcurrentHashMap<>();
        private final Map<String, List<Instant>> checks = new ConcurrentHashMap<>();
        private final Map<String, Integer> failing = new ConcurrentHashMap<>();
        private final List<String> gets = new CopyOnWriteArrayList<>();

        ImagesResource(EngineClock clock, Path root) {
            this.clock = clock;
            this.root = root;
        }

        void publish(String id, String tag) {
            Path scripts = root.resolve(tag).resolve("opt/resource");
            try {
                Files.createDirectories(scripts);
                write(scripts.resolve("check"), "cat >/dev/null\necho '[{\"image\":\"" + tag + "\"}]'\n");
                write(scripts.resolve("in"), "cat >/dev/null\necho '{\"version\":{\"image\":\"" + tag + "\"}}'\n");
                write(scripts.resolve("out"), "cat >/dev/null\necho '{\"version\":{\"image\":\"" + tag + "\"}}'\n");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            tags.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(tag);
        }

        private static void write(Path script, String body) throws IOException {
            Files.writeString(script, "#!/bin/sh\n" + body, StandardCharsets.UTF_8);
            if (!script.toFile().setExecutable(true)) {
                throw new IOException("cannot make " + script + " executable");
            }
        }

        void failFirst(String id, int times) {
            failing.put(id, times);
        }

        List<Instant> times(String id) {
            return List.copyOf(checks.getOrDefault(id, List.of()));
        }

        List<String> gets() {
            return List.copyOf(gets);
        }

        @Override
        public String name() {
            return "images";
        }

        @Override
        public List<Version> check(ResourceRequest request) {
            String id = String.valueOf(request.source().get("id"));
            checks.computeIfAbsent(id, k -> new ArrayList<>()).add(clock.now());
            if (failing.merge(id, -1, Integer::sum) >= 0) {
                throw new ResourceException("images: " + id + " is down");
            }
            return tags.getOrDefault(id, List.of()).stream().map(t -> Version.of("tag", t)).toList();
        }

        @Override
        public ResourceResult get(ResourceRequest request, Path directory) {
            String tag = request.version().fields().get("tag");
            gets.add(tag);
            try {
                Files.createSymbolicLink(directory.resolve("rootfs"), root.resolve(tag));
                Files.writeString(directory.resolve("metadata.json"), "{\"env\": [], \"user\": \"\"}\n");
            } catch (IOException e) {
                throw new ResourceException("images: cannot make the image " + tag + ": " + e, e);
            }
            return ResourceResult.of(request.version());
        }

        @Override
        public ResourceResult put(ResourceRequest request, Path directory) {
            throw new ResourceException("images: put is not supported");
        }
    }
}
