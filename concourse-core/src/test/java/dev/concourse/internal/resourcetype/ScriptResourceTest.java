package dev.concourse.internal.resourcetype;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.internal.engine.SystemEngineClock;
import dev.concourse.resource.MetadataField;
import dev.concourse.resource.ResourceException;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.runtime.ContainerImage;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.runtime.VolumeSpec;
import dev.concourse.spi.runtime.Worker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Container resource types through the {@link Resources} facade on the real local runtime, with
 * real shell scripts written the way Concourse resources are ({@code src/test/resources/resource-types}).
 */
class ScriptResourceTest {
    private static final Duration GRACE = Duration.ofSeconds(1);
    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path base;

    private LocalProcessRuntime runtime;
    private Worker worker;
    private SystemEngineClock clock;
    private Resources resources;
    private final LogCapture log = new LogCapture();

    @BeforeAll
    static void toolsAreThere() {
        // The test scripts use jq, as most real resource scripts do.
        // Prerequisites, installed by .ci/run: missing ones fail the test rather than skip it.
        assertThat(onPath("jq")).as("jq on PATH (apt-get install jq)").isTrue();
        assertThat(onPath("git")).as("git on PATH (apt-get install git)").isTrue();
    }

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

    // --- a real resource, unmodified -------------------------------------------------------------

    @Test
    void aGitResourceWrittenForConcourseChecksGetsAndPutsUnmodified() throws Exception {
        Path repo = base.resolve("repo.git");
        List<String> commits = repository(repo, "one", "two", "three");
        ResolvedType git = containerType("git");
        Map<String, Object> source = Map.of("uri", repo.toString());

        assertThat(resources.check(git, ResourceCall.check(source, null, log, CancelSignal.NEVER), worker))
                .containsExactly(Version.of("ref", commits.get(2)));
        assertThat(resources.check(git, ResourceCall.check(source, Version.of("ref", commits.get(0)), log,
                CancelSignal.NEVER), worker))
                .containsExactly(Version.of("ref", commits.get(0)), Version.of("ref", commits.get(1)),
                        Version.of("ref", commits.get(2)));

        Volume fetched = worker.createVolume(VolumeSpec.empty());
        ResourceResult got = resources.get(git, ResourceCall.get(source, Map.of(), Version.of("ref", commits.get(1)),
                Map.of(), log, CancelSignal.NEVER), worker, fetched);
        assertThat(got.version()).isEqualTo(Version.of("ref", commits.get(1)));
        assertThat(got.metadata()).containsExactly(new MetadataField("message", "two"));
        assertThat(Path.of(fetched.path(), "file.txt")).hasContent("two");
        assertThat(log.text()).contains("fetched " + commits.get(1));

        Volume notes = volumeWith(Map.of("hello.txt", "hello from the build"));
        int volumesBefore = worker.volumes().size();
        ResourceResult put = resources.put(git, ResourceCall.put(source, Map.of("from", "notes/hello.txt", "to",
                "hello.txt"), Map.of("BUILD_NAME", "7"), log, CancelSignal.NEVER), worker, Map.of("notes", notes));
        String pushed = git(repo, "rev-parse", "main");
        assertThat(put.version()).isEqualTo(Version.of("ref", pushed));
        assertThat(put.metadata()).containsExactly(new MetadataField("pushed", "yes"));
        assertThat(git(repo, "log", "-1", "--format=%s", "main")).isEqualTo("put hello.txt from build 7");
        assertThat(git(repo, "show", "main:hello.txt")).isEqualTo("hello from the build");

        assertThat(resources.check(git, ResourceCall.check(source, Version.of("ref", commits.get(2)), log,
                CancelSignal.NEVER), worker))
                .containsExactly(Version.of("ref", commits.get(2)), Version.of("ref", pushed));
        assertThat(Path.of(notes.path(), "hello.txt")).hasContent("hello from the build");
        assertThat(worker.containers()).as("containers left behind").isEmpty();
        assertThat(worker.volumes()).as("volumes of the put left behind").hasSize(volumesBefore);
    }

    @Test
    void aCustomTypeWhoseImageComesFromLocalImageRunsWithItsDefaultsMerged() {
        Path rootfs = TestImages.rootfs("echo", base.resolve("images/echo/rootfs"));
        ResourceTypeRegistry registry = ResourceTypeRegistry.withBuiltIns(Clock.systemUTC());
        List<ResourceTypeConfig> pipelineTypes = List.of(new ResourceTypeConfig("echo", "local-image",
                Map.of("path", rootfs.toString()), Map.of("greeting", "hello", "extra", "default"), false, null,
                List.of(), Map.of()));

        ResolvedType echo = prepare(ResourceTypeChain.resolve("echo", pipelineTypes, registry), registry);

        assertThat(echo).isInstanceOf(ResolvedType.Container.class);
        assertThat(resources.check(echo, ResourceCall.check(Map.of("extra", "x"), null, log, CancelSignal.NEVER),
                worker)).containsExactly(Version.of("v", "1"));
        assertThat(log.text()).contains("check stdin: {\"source\":{\"extra\":\"x\",\"greeting\":\"hello\"}}\n");
    }

    // --- the protocol: stdin, arguments, environment ---------------------------------------------

    @Test
    void stdinCarriesSourceParamsAndVersionWithOmitemptyAndSortedKeys() {
        ResolvedType echo = containerType("echo");
        Map<String, Object> source = Map.of("z", "last", "a", List.of(1, true));

        resources.check(echo, ResourceCall.check(source, null, log, CancelSignal.NEVER), worker);
        resources.check(echo, ResourceCall.check(source, Version.of("v", "0"), log, CancelSignal.NEVER), worker);
        resources.get(echo, ResourceCall.get(source, Map.of("p", 1), Version.of("v", "1"), Map.of(), log,
                CancelSignal.NEVER), worker, worker.createVolume(VolumeSpec.empty()));
        resources.get(echo, ResourceCall.get(source, Map.of(), Version.of("v", "1"), Map.of(), log,
                CancelSignal.NEVER), worker, worker.createVolume(VolumeSpec.empty()));
        resources.put(echo, ResourceCall.put(source, Map.of("p", 1), Map.of(), log, CancelSignal.NEVER), worker,
                Map.of());

        assertThat(log.text().lines().filter(l -> l.contains(" stdin: ")).toList()).containsExactly(
                "check stdin: {\"source\":{\"a\":[1,true],\"z\":\"last\"}}",
                "check stdin: {\"source\":{\"a\":[1,true],\"z\":\"last\"},\"version\":{\"v\":\"0\"}}",
                "in stdin: {\"source\":{\"a\":[1,true],\"z\":\"last\"},\"params\":{\"p\":1},\"version\":{\"v\":\"1\"}}",
                "in stdin: {\"source\":{\"a\":[1,true],\"z\":\"last\"},\"version\":{\"v\":\"1\"}}",
                "out stdin: {\"source\":{\"a\":[1,true],\"z\":\"last\"},\"params\":{\"p\":1}}");
    }

    @Test
    void inAndOutGetTheBuildEnvironmentAndTheirDirectoryButCheckGetsNeither() {
        ResolvedType echo = containerType("echo");
        Map<String, String> env = new BuildEnvironment(42, "7", 1, "main", 3, "unit", 2, "ci", Map.of(),
                "https://ci.example.com", null, null).variables();
        Volume fetched = worker.createVolume(VolumeSpec.empty());
        Volume artifact = volumeWith(Map.of("a.txt", "a"));

        resources.check(echo, new ResourceCall(Map.of(), Map.of(), null, env, log, CancelSignal.NEVER, Map.of(), false),
                worker);
        ResourceResult got = resources.get(echo, ResourceCall.get(Map.of(), Map.of(), Version.of("v", "1"), env, log,
                CancelSignal.NEVER), worker, fetched);
        ResourceResult put = resources.put(echo, ResourceCall.put(Map.of(), Map.of(), env, log, CancelSignal.NEVER),
                worker, Map.of("built", artifact));

        String text = log.text();
        assertThat(text).doesNotContain("check env:").contains("check args: \n", "check pwd-is-arg: no\n");
        assertThat(text).contains(
                "in env: ATC_EXTERNAL_URL=https://ci.example.com\n",
                "in env: BUILD_ID=42\n",
                "in env: BUILD_JOB_NAME=unit\n",
                "in env: BUILD_NAME=7\n",
                "in env: BUILD_PIPELINE_NAME=ci\n",
                "in env: BUILD_TEAM_NAME=main\n",
                "in env: BUILD_URL=https://ci.example.com/teams/main/pipelines/ci/jobs/unit/builds/7\n",
                "in env: BUILD_URL_SHORT=https://ci.example.com/builds/42\n",
                // On the local runtime the directory argument is the volume's path on the host.
                "in args: " + fetched.path() + "\n",
                "in pwd-is-arg: yes\n",
                "out env: BUILD_ID=42\n",
                "out pwd-is-arg: yes\n",
                "out input: built\n");
        assertThat(got).isEqualTo(new ResourceResult(Version.of("v", "1"), List.of(new MetadataField("by", "in"))));
        assertThat(put).isEqualTo(new ResourceResult(Version.of("v", "1"), List.of(new MetadataField("by", "out"))));
    }

    // --- misbehaving scripts ---------------------------------------------------------------------

    @Test
    void aNonZeroExitIsAFailureWithItsStatusAndTheStderrIsInTheLog() {
        ResolvedType bad = containerType("misbehaving");

        assertThatThrownBy(() -> check(bad, "exit"))
                .isInstanceOf(ResourceException.class)
                .hasMessage("resource script '/opt/resource/check' failed: exit status 3 (see stderr above)")
                .satisfies(e -> assertThat(((ResourceException) e).exitStatus()).hasValue(3));
        assertThatThrownBy(() -> get(bad, "exit"))
                .hasMessage("resource script '/opt/resource/in /tmp/build/get' failed: exit status 3 (see stderr above)");
        assertThatThrownBy(() -> put(bad, "exit"))
                .hasMessage("resource script '/opt/resource/out /tmp/build/put' failed: exit status 3 (see stderr above)");
        assertThat(log.text()).contains("something went wrong\n");
        assertThat(worker.containers()).isEmpty();
    }

    @Test
    void invalidJsonIsAnErrorQuotingTheOutput() {
        ResolvedType bad = containerType("misbehaving");

        assertThatThrownBy(() -> check(bad, "invalid"))
                .isInstanceOf(ResourceException.class)
                .hasMessageStartingWith("resource script '/opt/resource/check' printed invalid JSON (")
                .hasMessageEndingWith("); its output began: \"not json {\\n\"")
                .satisfies(e -> assertThat(((ResourceException) e).exitStatus()).isEmpty());
        assertThatThrownBy(() -> get(bad, "noise"))
                .hasMessageStartingWith("resource script '/opt/resource/in /tmp/build/get' printed invalid JSON (")
                .hasMessageContaining("its output began: \"fetching...\\n{\\\"version\\\":{\\\"v\\\":\\\"1\\\"}}\\n\"");
        assertThatThrownBy(() -> check(bad, "number"))
                .hasMessageContaining("printed a number as its version at index 0 field 'ref', which must be a string");
        assertThatThrownBy(() -> check(bad, "object"))
                .hasMessageContaining("printed an object where a check prints an array of versions");
    }

    @Test
    void onlyTheFirstJsonValueCountsAsWithGosDecoder() {
        ResolvedType bad = containerType("misbehaving");

        assertThat(check(bad, "trailing")).containsExactly(Version.of("v", "1"));
        assertThat(get(bad, "trailing").version()).isEqualTo(Version.of("v", "1"));
    }

    @Test
    void emptyOutputIsNoVersionsForACheckAndAnErrorForGetAndPut() {
        ResolvedType bad = containerType("misbehaving");

        // Concourse's json.Decoder reports EOF for empty output, which check treats as no versions.
        assertThat(check(bad, "empty")).isEmpty();
        assertThatThrownBy(() -> get(bad, "empty"))
                .hasMessage("resource script '/opt/resource/in /tmp/build/get' printed nothing on stdout; it must "
                        + "print {\"version\": {...}, \"metadata\": [...]}");
        assertThatThrownBy(() -> put(bad, "empty"))
                .hasMessageStartingWith("resource script '/opt/resource/out /tmp/build/put' printed nothing on stdout");
    }

    @Test
    void aNullOrMissingVersionIsAnError() {
        ResolvedType bad = containerType("misbehaving");

        assertThatThrownBy(() -> get(bad, "null-version"))
                .hasMessageStartingWith("resource script '/opt/resource/in /tmp/build/get' output a null version; "
                        + "its output began: \"{\\\"version\\\": null");
        assertThatThrownBy(() -> put(bad, "no-version"))
                .hasMessageStartingWith("resource script '/opt/resource/out /tmp/build/put' output a null version");
    }

    @Test
    void runawayOutputIsCutAtTheLimit() {
        assertThatThrownBy(() -> check(containerType("misbehaving"), "flood"))
                .hasMessageStartingWith("resource script '/opt/resource/check' printed more than 16 MiB on stdout; "
                        + "its output began: \"xxxxxxxx")
                .hasMessageEndingWith("...");
    }

    @Test
    void aHangingScriptIsTerminatedWhenTheCallIsCancelled() throws Exception {
        CancelTrigger cancel = new CancelTrigger();
        CompletableFuture<Object> call = async(() -> resources.check(containerType("misbehaving"),
                ResourceCall.check(Map.of("mode", "hang"), null, log, cancel), worker));
        assertThat(log.await("started", DEADLINE)).isTrue();

        cancel.cancel();

        assertThat(failureOf(call)).isInstanceOf(ResourceCancelledException.class)
                .hasMessage("resource script '/opt/resource/check' of type 'misbehaving' was stopped: the step was "
                        + "cancelled");
        assertThat(worker.containers()).isEmpty();
    }

    @Test
    void aScriptIgnoringTerminateIsKilledAfterTheGracePeriod() throws Exception {
        CancelTrigger cancel = new CancelTrigger();
        Volume fetched = worker.createVolume(VolumeSpec.empty());
        CompletableFuture<Object> call = async(() -> resources.get(containerType("misbehaving"),
                ResourceCall.get(Map.of("mode", "stubborn"), Map.of(), Version.of("v", "1"), Map.of(), log, cancel),
                worker, fetched));
        assertThat(log.await("started", DEADLINE)).isTrue();

        cancel.cancel();

        assertThat(failureOf(call)).isInstanceOf(ResourceCancelledException.class);
        assertThat(worker.containers()).isEmpty();
    }

    @Test
    void aCancelledCallStartsNothing() {
        CancelTrigger cancel = new CancelTrigger();
        cancel.cancel();

        assertThatThrownBy(() -> resources.check(containerType("echo"), ResourceCall.check(Map.of(), null, log,
                cancel), worker))
                .isInstanceOf(ResourceCancelledException.class)
                .hasMessageContaining("was not started");
        assertThat(log.text()).isEmpty();
        assertThat(worker.containers()).isEmpty();
    }

    @Test
    void anImageWithoutTheScriptsIsAnErrorSayingWhatAnImageNeeds() {
        assumeThat(Path.of("/opt/resource/check")).as("no /opt/resource/check on this host").doesNotExist();
        Volume image = worker.createVolume(VolumeSpec.empty());
        ResolvedType empty = new ResolvedType.Container("empty", ContainerImage.fromVolume(image), false, Map.of());

        assertThatThrownBy(() -> resources.check(empty, ResourceCall.check(Map.of(), null, log, CancelSignal.NEVER),
                worker))
                .isInstanceOf(ResourceException.class)
                .hasMessageStartingWith("cannot run /opt/resource/check of resource type 'empty': ")
                .hasMessageEndingWith("a container resource type's image must have /opt/resource/check, in and out");
    }

    // --- helpers ---------------------------------------------------------------------------------

    /** Runs a type plan as the executor will: image fetches innermost first, then the type itself. */
    private ResolvedType prepare(TypePlan plan, ResourceTypeRegistry registry) {
        ResolvedType current = registry.find(plan.baseType()).orElseThrow();
        for (TypePlan.ImageFetch fetch : plan.imageFetches()) {
            List<Version> versions = resources.check(current, ResourceCall.check(fetch.source(), null, log,
                    CancelSignal.NEVER), worker);
            Volume image = worker.createVolume(VolumeSpec.empty());
            resources.get(current, ResourceCall.get(fetch.source(), fetch.params(), versions.getLast(), Map.of(), log,
                    CancelSignal.NEVER), worker, image);
            current = fetch.containerType(image);
        }
        return current;
    }

    private ResolvedType containerType(String name) {
        return new ResolvedType.Container(name, ContainerImage.fromVolume(TestImages.volume(worker, name)), false,
                Map.of());
    }

    private List<Version> check(ResolvedType type, String mode) {
        return resources.check(type, ResourceCall.check(Map.of("mode", mode), null, log, CancelSignal.NEVER), worker);
    }

    private ResourceResult get(ResolvedType type, String mode) {
        return resources.get(type, ResourceCall.get(Map.of("mode", mode), Map.of(), Version.of("v", "1"), Map.of(),
                log, CancelSignal.NEVER), worker, worker.createVolume(VolumeSpec.empty()));
    }

    private ResourceResult put(ResolvedType type, String mode) {
        return resources.put(type, ResourceCall.put(Map.of("mode", mode), Map.of(), Map.of(), log,
                CancelSignal.NEVER), worker, Map.of());
    }

    private Volume volumeWith(Map<String, String> files) {
        Volume volume = worker.createVolume(VolumeSpec.empty());
        files.forEach((name, content) -> {
            try {
                Files.writeString(Path.of(volume.path(), name), content, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
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
            Object result = call.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
            throw new AssertionError("expected the call to fail, it returned " + result);
        } catch (ExecutionException e) {
            return e.getCause();
        }
    }

    /** A bare repository whose main branch has one commit per content, each setting file.txt; their ids, oldest first. */
    private List<String> repository(Path bare, String... contents) throws Exception {
        Path work = base.resolve("work");
        git(base, "init", "-q", "--bare", "--initial-branch=main", bare.toString());
        git(base, "clone", "-q", bare.toString(), work.toString());
        List<String> commits = new ArrayList<>();
        for (String content : contents) {
            Files.writeString(work.resolve("file.txt"), content, StandardCharsets.UTF_8);
            git(work, "add", "file.txt");
            git(work, "-c", "user.name=test", "-c", "user.email=test@example.com", "commit", "-q", "-m", content);
            commits.add(git(work, "rev-parse", "HEAD"));
        }
        git(work, "push", "-q", "origin", "HEAD:main");
        return commits;
    }

    private static String git(Path dir, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new AssertionError("git " + String.join(" ", args) + " failed: " + output);
        }
        return output;
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return false;
        }
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
