package dev.concourse;

import static dev.concourse.EventCollector.awaitFinished;
import static dev.concourse.EventCollector.log;
import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks' {@code image_resource}: fetched on the task's worker as a resource of its type, with the
 * image's {@code metadata.json} env and user applied, kept for the engine's life. The local runtime
 * runs an absolute {@code run.path} from the image's root file system, which makes the image
 * observable.
 */
class TaskImageResourceTest {
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path work;

    private final ImageType images = new ImageType();
    private PipelineEngine engine;

    @BeforeEach
    void startEngine() {
        engine = PipelineEngine.builder()
                .storage(new InMemoryStorage())
                .runtime(LocalProcessRuntime.builder().baseDirectory(work.resolve("runtime")).build())
                .resourceType(images)
                .abortGracePeriod(Duration.ofSeconds(2))
                .build();
        engine.start();
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private Build run(String yaml) throws Exception {
        engine.pipelines().set(CI, yaml, StaticVariables.empty());
        return awaitFinished(engine, engine.jobs().trigger(CI.job("build")));
    }

    @Test
    void aLocalImageRunsTheImagesProgramWithItsEnvUnderTheTasksParams() throws Exception {
        Path rootfs = work.resolve("images/greeter/rootfs");
        executable(rootfs.resolve("bin/greet"), """
                #!/bin/sh
                echo "$GREETING, $WHO"
                """);
        Files.writeString(rootfs.resolveSibling("metadata.json"),
                "{\"env\": [\"GREETING=hello from the image\", \"WHO=image\"], \"user\": \"\"}");

        Build build = run("""
                jobs:
                - name: build
                  plan:
                  - task: greet
                    config:
                      platform: linux
                      image_resource: {type: local-image, source: {path: %s}}
                      params: {WHO: task}
                      run: {path: /bin/greet}
                """.formatted(rootfs));

        List<SequencedEvent> events = EventCollector.all(engine, build.id());
        assertThat(build.status()).as(log(events)).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(log(events)).contains("fetching the image of task 'greet': a resource of type 'local-image', "
                + "its latest version\n", "hello from the image, task\n");
    }

    @Test
    void anUnknownImageTypeErrorsTheTaskNamingIt() throws Exception {
        Build build = run("""
                jobs:
                - name: build
                  plan:
                  - task: greet
                    config:
                      platform: linux
                      image_resource: {type: no-such-type, source: {}}
                      run: {path: /bin/greet}
                """);

        assertThat(build.status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(errors(build)).singleElement().asString()
                .startsWith("the image_resource of task 'greet' (type 'no-such-type'): unknown resource type "
                        + "'no-such-type'");
        assertThat(images.checks.get() + images.gets.get()).isZero();
    }

    @Test
    void anImageWhoseCheckFindsNothingErrorsTheTaskNamingIt() throws Exception {
        Build build = run("""
                jobs:
                - name: build
                  plan:
                  - task: greet
                    config:
                      platform: linux
                      image_resource: {type: test-image, source: {versions: []}}
                      run: {path: /bin/greet}
                """);

        assertThat(build.status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(errors(build)).containsExactly("checking the image of task 'greet' (a resource of type "
                + "'test-image') found no version; check its source");
    }

    @Test
    void aPinnedVersionIsFetchedWithoutACheckAndOtherwiseTheLatest() throws Exception {
        Build build = run("""
                jobs:
                - name: build
                  plan:
                  - task: pinned
                    config:
                      platform: linux
                      image_resource: {type: test-image, source: {versions: ["1", "2"]}, version: {v: "1"}}
                      run: {path: /bin/greet}
                  - task: latest
                    config:
                      platform: linux
                      image_resource: {type: test-image, source: {versions: ["1", "2"]}}
                      run: {path: /bin/greet}
                """);

        List<SequencedEvent> events = EventCollector.all(engine, build.id());
        assertThat(build.status()).as(log(events)).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(log(events)).contains("version v:1\nimage version 1 as image-user\n",
                "its latest version\nimage version 2 as image-user\n");
        assertThat(images.checks).hasValue(1);
        assertThat(images.gets).hasValue(2);
    }

    @Test
    void anImageIsFetchedOnceForTheTasksOfAllBuilds() throws Exception {
        String yaml = """
                jobs:
                - name: build
                  plan:
                  - task: first
                    config:
                      platform: linux
                      image_resource: {type: test-image, source: {versions: ["7"]}}
                      run: {path: /bin/greet}
                  - task: second
                    config:
                      platform: linux
                      image_resource: {type: test-image, source: {versions: ["7"]}}
                      run: {path: /bin/greet}
                """;
        Build first = run(yaml);
        Build again = awaitFinished(engine, engine.jobs().trigger(CI.job("build")));

        String firstLog = log(EventCollector.all(engine, first.id()));
        assertThat(first.status()).as(firstLog).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(again.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(firstLog).containsOnlyOnce("fetching the image").contains("image version 7 as image-user\n"
                + "image version 7 as image-user\n");
        assertThat(log(EventCollector.all(engine, again.id()))).doesNotContain("fetching the image")
                .isEqualTo("image version 7 as image-user\nimage version 7 as image-user\n");
        assertThat(images.checks).hasValue(1);
        assertThat(images.gets).hasValue(1);
    }

    private List<String> errors(Build build) throws Exception {
        return EventCollector.all(engine, build.id()).stream().map(SequencedEvent::event)
                .filter(BuildEvent.Error.class::isInstance).map(e -> ((BuildEvent.Error) e).message()).toList();
    }

    private static void executable(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /**
     * A native image type counting its checks and gets: {@code source.versions} are its versions
     * ({@code {v: ...}}); a get makes an image whose {@code /bin/greet} prints the version and the
     * image's {@code USER_NAME} env, with {@code user} set in its metadata.
     */
    private static final class ImageType implements ResourceType {
        final AtomicInteger checks = new AtomicInteger();
        final AtomicInteger gets = new AtomicInteger();

        @Override
        public String name() {
            return "test-image";
        }

        @Override
        public List<Version> check(ResourceRequest request) {
            checks.incrementAndGet();
            if (!(request.source().get("versions") instanceof List<?> versions)) {
                throw new ResourceException("test-image: source.versions must be a list");
            }
            return versions.stream().map(v -> Version.of("v", String.valueOf(v))).toList();
        }

        @Override
        public ResourceResult get(ResourceRequest request, Path directory) {
            gets.incrementAndGet();
            String version = request.version().fields().get("v");
            try {
                executable(directory.resolve("rootfs/bin/greet"), """
                        #!/bin/sh
                        echo "image version %s as $USER_NAME"
                        """.formatted(version));
                Files.writeString(directory.resolve("metadata.json"),
                        "{\"env\": [\"USER_NAME=image-user\"], \"user\": \"image-user\"}");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ResourceResult.of(request.version());
        }

        @Override
        public ResourceResult put(ResourceRequest request, Path directory) {
            throw new ResourceException("test-image: no put");
        }
    }
}
