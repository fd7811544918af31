package dev.concourse.internal.resourcetype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.internal.engine.SystemEngineClock;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.resourcetype.MockResource;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Native types through the {@link Resources} facade; container types are {@link ScriptResourceTest}'s. */
class ResourcesTest {
    private static final Duration GRACE = Duration.ofMillis(300);

    @TempDir
    Path base;

    private LocalProcessRuntime runtime;
    private Worker worker;
    private SystemEngineClock clock;
    private Resources resources;
    private final LogCapture log = new LogCapture();
    private final ResolvedType mock = new ResolvedType.Native(new MockResource(), Map.of());

    @BeforeEach
    void setUp() {
        runtime = LocalProcessRuntime.builder().baseDirectory(base.resolve("runtime")).workerName("local").build();
        worker = runtime.workers().get(0);
        clock = new SystemEngineClock();
        resources = new Resources(clock, GRACE);
    }

    @AfterEach
    void tearDown() {
        runtime.close();
        clock.close();
    }

    @Test
    void theTypesDefaultsAreMergedUnderTheSourceConcourseStyle() {
        ResolvedType withDefaults = new ResolvedType.Native(new MockResource(),
                Map.of("initial_version", "from-defaults", "log", "defaults log"));

        assertThat(resources.check(withDefaults, ResourceCall.check(Map.of(), null, log, CancelSignal.NEVER), null))
                .containsExactly(Version.of("version", "from-defaults"));
        assertThat(resources.check(withDefaults, ResourceCall.check(Map.of("initial_version", "own"), null, log,
                CancelSignal.NEVER), null)).containsExactly(Version.of("version", "own"));
        assertThat(log.text()).isEqualTo("defaults log\ndefaults log\n");
    }

    @Test
    void sourceDefaultsMergeIsShallowAndTheSourceWins() {
        Map<String, Object> defaults = new LinkedHashMap<>();
        defaults.put("uri", "https://example.com/repo.git");
        defaults.put("nested", Map.of("a", 1, "b", 2));
        defaults.put("branch", "main");

        Map<String, Object> merged = SourceDefaults.merge(defaults, Map.of("branch", "dev", "nested", Map.of("a", 9)));

        assertThat(merged).containsExactly(Map.entry("uri", "https://example.com/repo.git"),
                Map.entry("nested", Map.of("a", 9)), Map.entry("branch", "dev"));
        assertThat(SourceDefaults.merge(Map.of(), Map.of("x", 1))).isEqualTo(Map.of("x", 1));
        assertThatThrownBy(() -> merged.put("y", 2)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aNativeGetWritesIntoTheVolumeAndGetsParamsAndTheBuildEnvironment() {
        Volume directory = worker.createVolume(VolumeSpec.empty());
        RecordingType recording = new RecordingType();

        ResourceResult result = resources.get(new ResolvedType.Native(recording, Map.of("d", "default")),
                ResourceCall.get(Map.of("s", "source"), Map.of("p", 1), Version.of("v", "1"), Map.of("BUILD_ID", "42"),
                        log, CancelSignal.NEVER), worker, directory);

        assertThat(result.version()).isEqualTo(Version.of("v", "1"));
        assertThat(Path.of(directory.path(), "fetched")).hasContent("v:1");
        ResourceRequest request = recording.requests.getFirst();
        assertThat(request.source()).isEqualTo(Map.of("d", "default", "s", "source"));
        assertThat(request.params()).isEqualTo(Map.of("p", 1));
        assertThat(request.environment()).isEqualTo(Map.of("BUILD_ID", "42"));
    }

    @Test
    void aNativeCheckGetsNeitherParamsNorEnvironment() {
        RecordingType recording = new RecordingType();

        resources.check(new ResolvedType.Native(recording, Map.of()), new ResourceCall(Map.of(), Map.of("p", 1),
                Version.of("v", "0"), Map.of("BUILD_ID", "42"), log, CancelSignal.NEVER, Map.of(), false), null);

        ResourceRequest request = recording.requests.getFirst();
        assertThat(request.params()).isEmpty();
        assertThat(request.environment()).isEmpty();
        assertThat(request.version()).isEqualTo(Version.of("v", "0"));
    }

    @Test
    void aNativePutSeesEachArtifactAsASubdirectoryAndCannotHarmThem() throws IOException {
        Volume built = volumeWith("number", "  17\n");
        Volume other = volumeWith("x", "y");

        ResourceResult result = resources.put(mock, ResourceCall.put(Map.of(), Map.of("file", "built/number"),
                Map.of(), log, CancelSignal.NEVER), worker, Map.of("built", built, "other", other));

        assertThat(result.version()).isEqualTo(Version.of("version", "17"));
        assertThat(Path.of(built.path(), "number")).as("artifact left as it was").hasContent("  17\n");
        assertThat(Path.of(other.path(), "x")).hasContent("y");
    }

    @Test
    void volumesNotOnThisHostAreStreamedForNativeTypes() {
        Volume remoteTarget = new ElsewhereVolume(worker.createVolume(VolumeSpec.empty()));
        Volume remoteArtifact = new ElsewhereVolume(volumeWith("number", "5"));
        ResolvedType files = new ResolvedType.Native(new MockResource(), Map.of("create_files", Map.of("a/b", "c")));

        resources.get(files, ResourceCall.get(Map.of(), Map.of(), Version.of("version", "v1"), Map.of(), log,
                CancelSignal.NEVER), worker, remoteTarget);
        ResourceResult put = resources.put(mock, ResourceCall.put(Map.of(), Map.of("file", "art/number"), Map.of(),
                log, CancelSignal.NEVER), worker, Map.of("art", remoteArtifact));

        Path target = Path.of(((ElsewhereVolume) remoteTarget).real.path());
        assertThat(target.resolve("version")).hasContent("v1");
        assertThat(target.resolve("a/b")).hasContent("c");
        assertThat(put.version()).isEqualTo(Version.of("version", "5"));
    }

    @Test
    void errorsOfNativeTypesKeepTheirMessageAndOthersAreWrapped() {
        ResolvedType failing = new ResolvedType.Native(new MockResource(), Map.of("check_failure", "upstream down"));
        ResolvedType broken = new ResolvedType.Native(new RecordingType() {
            @Override
            public List<Version> check(ResourceRequest request) {
                throw new IllegalStateException("bug in the type");
            }
        }, Map.of());
        ResolvedType nulls = new ResolvedType.Native(new RecordingType() {
            @Override
            public List<Version> check(ResourceRequest request) {
                return Arrays.asList(Version.of("v", "1"), null);
            }
        }, Map.of());

        assertThatThrownBy(() -> check(failing)).isExactlyInstanceOf(ResourceException.class).hasMessage("upstream down");
        assertThatThrownBy(() -> check(broken)).isExactlyInstanceOf(ResourceException.class)
                .hasMessage("check of resource type 'recording' failed: java.lang.IllegalStateException: bug in the type")
                .hasCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> check(nulls)).hasMessage("check of resource type 'recording' returned a null version");
    }

    @Test
    void cancellingANativeCallInterruptsItsThread() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean sawCancelled = new AtomicBoolean();
        ResolvedType blocking = new ResolvedType.Native(new RecordingType() {
            @Override
            public List<Version> check(ResourceRequest request) {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    sawCancelled.set(request.isCancelled());
                    throw new ResourceException("interrupted");
                }
                return List.of();
            }
        }, Map.of());
        CancelTrigger cancel = new CancelTrigger();
        CompletableFuture<Object> call = async(() -> resources.check(blocking, ResourceCall.check(Map.of(), null, log,
                cancel), null));
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

        cancel.cancel();

        assertThat(failureOf(call)).isInstanceOf(ResourceCancelledException.class)
                .hasMessage("check of resource type 'recording' was cancelled");
        assertThat(sawCancelled).isTrue();
    }

    @Test
    void aNativeCallIgnoringCancellationIsAbandonedAfterTheGracePeriod() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        ResolvedType stubborn = new ResolvedType.Native(new RecordingType() {
            @Override
            public List<Version> check(ResourceRequest request) {
                started.countDown();
                boolean released = false;
                while (!released) {
                    try {
                        released = release.await(1, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        // ignores cancellation on purpose
                    }
                }
                return List.of();
            }
        }, Map.of());
        CancelTrigger cancel = new CancelTrigger();
        try {
            CompletableFuture<Object> call = async(() -> resources.check(stubborn, ResourceCall.check(Map.of(), null,
                    log, cancel), null));
            assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

            cancel.cancel();

            assertThat(failureOf(call)).isInstanceOf(ResourceCancelledException.class)
                    .hasMessage("check of resource type 'recording' was abandoned: it did not stop within PT0.3S of "
                            + "being cancelled");
        } finally {
            release.countDown();
        }
    }

    @Test
    void withACallerRunsExecutorNativeCallsRunOnTheCallingThread() {
        Resources onCaller = new Resources(clock, GRACE, true);
        List<Thread> ranOn = new ArrayList<>();
        ResolvedType recording = new ResolvedType.Native(new RecordingType() {
            @Override
            public List<Version> check(ResourceRequest request) {
                ranOn.add(Thread.currentThread());
                return List.of(Version.of("ref", "abc"));
            }
        }, Map.of());

        List<Version> versions = onCaller.check(recording, ResourceCall.check(Map.of(), null, log,
                new CancelTrigger()), null);

        assertThat(versions).containsExactly(Version.of("ref", "abc"));
        assertThat(ranOn).containsExactly(Thread.currentThread());
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void cancellingANativeCallOnTheCallerInterruptsTheCallerOnlyWhileItRuns() throws Exception {
        Resources onCaller = new Resources(clock, GRACE, true);
        CountDownLatch started = new CountDownLatch(1);
        AtomicBoolean sawCancelled = new AtomicBoolean();
        ResolvedType blocking = new ResolvedType.Native(new RecordingType() {
            @Override
            public List<Version> check(ResourceRequest request) {
                started.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    sawCancelled.set(request.isCancelled());
                    throw new ResourceException("interrupted");
                }
                return List.of();
            }
        }, Map.of());
        CancelTrigger cancel = new CancelTrigger();
        AtomicBoolean interruptedAfter = new AtomicBoolean(true);
        CompletableFuture<Object> call = async(() -> {
            try {
                return onCaller.check(blocking, ResourceCall.check(Map.of(), null, log, cancel), null);
            } finally {
                interruptedAfter.set(Thread.currentThread().isInterrupted());
            }
        });
        assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();

        cancel.cancel();

        assertThat(failureOf(call)).isInstanceOf(ResourceCancelledException.class)
                .hasMessage("check of resource type 'recording' was cancelled");
        assertThat(sawCancelled).isTrue();
        assertThat(interruptedAfter).as("the interrupt the cancellation caused is taken back").isFalse();
    }

    @Test
    void aContainerTypeNeedsAWorker() {
        ResolvedType container = new ResolvedType.Container("c", ContainerImage.rootfs("raw:///"), false, Map.of());

        assertThatThrownBy(() -> resources.check(container, ResourceCall.check(Map.of(), null, log,
                CancelSignal.NEVER), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("container resource type 'c' needs a worker");
    }

    @Test
    void theRegistryHasTheBuiltInsAndLetsTheEngineReplaceThem() {
        ResourceTypeRegistry registry = ResourceTypeRegistry.withBuiltIns(Clock.systemUTC());
        assertThat(registry.names()).containsExactly("local-image", "mock", "registry-image", "time");
        assertThat(registry.find("registry-image")).hasValueSatisfying(t -> assertThat(t)
                .isInstanceOf(ResolvedType.Native.class));

        RecordingType own = new RecordingType() {
            @Override
            public String name() {
                return "mock";
            }
        };
        registry.register(own).setDefaults("mock", Map.of("initial_version", "x"))
                .registerImage("git", ContainerImage.rootfs("raw:///opt/types/git/rootfs"), true)
                .registerImage("registry-image", ContainerImage.rootfs("raw:///opt/types/registry-image/rootfs"),
                        false);

        assertThat(registry.find("mock")).hasValue(new ResolvedType.Native(own, Map.of("initial_version", "x")));
        assertThat(registry.find("git")).hasValue(new ResolvedType.Container("git",
                ContainerImage.rootfs("raw:///opt/types/git/rootfs"), true, Map.of()));
        assertThat(registry.find("registry-image")).as("a container type of the name replaces the built-in")
                .hasValue(new ResolvedType.Container("registry-image",
                        ContainerImage.rootfs("raw:///opt/types/registry-image/rootfs"), false, Map.of()));
        assertThat(registry.find("nope")).isEmpty();
    }

    // --- helpers ---------------------------------------------------------------------------------

    private List<Version> check(ResolvedType type) {
        return resources.check(type, ResourceCall.check(Map.of(), null, log, CancelSignal.NEVER), null);
    }

    private Volume volumeWith(String file, String content) {
        Volume volume = worker.createVolume(VolumeSpec.empty());
        try {
            Files.writeString(Path.of(volume.path(), file), content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return volume;
    }

    private static CompletableFuture<Object> async(Supplier<Object> call) {
        CompletableFuture<Object> future = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                future.complete(call.get());
            } catch (Throwable e) {
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    private static Throwable failureOf(CompletableFuture<Object> call) throws Exception {
        try {
            Object result = call.get(30, TimeUnit.SECONDS);
            throw new AssertionError("expected the call to fail, it returned " + result);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** A native type that records its requests; its get writes the version to {@code fetched}. */
    private static class RecordingType implements ResourceType {
        final List<ResourceRequest> requests = new ArrayList<>();

        @Override
        public String name() {
            return "recording";
        }

        @Override
        public List<Version> check(ResourceRequest request) {
            requests.add(request);
            return List.of();
        }

        @Override
        public ResourceResult get(ResourceRequest request, Path directory) {
            requests.add(request);
            try {
                Files.writeString(directory.resolve("fetched"), request.version().toString(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            return ResourceResult.of(request.version());
        }

        @Override
        public ResourceResult put(ResourceRequest request, Path directory) {
            requests.add(request);
            return ResourceResult.of(Version.of("v", "put"));
        }
    }

    /**
     * A real local volume that reports a path this host does not have, as a volume of a remote
     * worker would: only streaming reaches its content.
     */
    private record ElsewhereVolume(Volume real) implements Volume {
        @Override
        public String handle() {
            return real.handle();
        }

        @Override
        public String workerName() {
            return "elsewhere";
        }

        @Override
        public String path() {
            return "/nonexistent/remote-worker/volumes/" + real.handle();
        }

        @Override
        public void streamIn(String path, InputStream tar) {
            real.streamIn(path, tar);
        }

        @Override
        public InputStream streamOut(String path) {
            return real.streamOut(path);
        }

        @Override
        public Map<String, String> properties() {
            return real.properties();
        }

        @Override
        public void setProperty(String name, String value) {
            real.setProperty(name, value);
        }

        @Override
        public void destroy() {
            real.destroy();
        }
    }
}
