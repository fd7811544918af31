package dev.concourse.runtime.linux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.Build;
import dev.concourse.BuildListener;
import dev.concourse.BuildStatus;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.Resource;
import dev.concourse.resource.Version;
import dev.concourse.db.JpaStorage;
import dev.concourse.spi.runtime.Container;
import dev.concourse.spi.runtime.Volume;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.StoredEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Engine nodes on one PostgreSQL with the runc runtime: a node killed with SIGKILL while its
 * build's task waits (a JVM of its own, {@link RuncEngineNodeMain}) has the build taken over by
 * another node, which resumes it and re-attaches to the task's process (its runc supervisor
 * outlived the dead node): the build succeeds with the task's whole output in its log, once, and
 * the task ran once. Builds are resumed past finished steps: a finished get, task or put is taken
 * over as finished (not run again; its kept volumes are the artifacts), a put whose {@code out}
 * script was running is re-attached and its result read. A finished task whose kept output volume
 * is gone ends the build errored, naming both nodes and the output. A node paused (SIGSTOP) while
 * another takes its build over leaves the task to the new owner when it continues: it detaches
 * from the task without signalling it and runs no hook.
 */
@ExtendWith(LeftoverCleanup.class)
class RuncNodeTakeoverTest {
    private static final String POSTGRES_URL_ENV = "CONCOURSE_TEST_POSTGRES_URL";
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final long TIMEOUT_SECONDS = 90;
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String NODE1_GONE = "\u0000node-1 gone";

    @TempDir
    Path work;

    private String url;
    private String schema;
    private Process child;
    /** What node-1 printed, line by line; {@link #NODE1_GONE} once its output ended. */
    private final BlockingQueue<String> node1Lines = new LinkedBlockingQueue<>();
    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private RuncContainerRuntime runtime;

    @BeforeEach
    void prerequisites() throws IOException {
        Prerequisites.require();
        url = System.getenv(POSTGRES_URL_ENV);
        if (url == null || url.isBlank()) {
            String message = "this test needs PostgreSQL: set " + POSTGRES_URL_ENV
                    + " (for example jdbc:postgresql://127.0.0.1:5432/test?user=postgres)";
            String ci = System.getenv("CI");
            if (ci != null && !ci.isEmpty()) {
                fail(message + " (CI is set, so this fails instead of skipping; .ci/run sets it)");
            }
            Assumptions.abort(message);
        }
        schema = "concourse_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                .toLowerCase(Locale.ROOT);
        execute("CREATE SCHEMA " + schema);
        // unprivileged containers must be able to search their way to the runtime's files
        Files.setPosixFilePermissions(work, PosixFilePermissions.fromString("rwx--x--x"));
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (child != null) {
            // A stopped JVM dies of SIGKILL as well.
            child.destroyForcibly().waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        for (int i = closeLast.size() - 1; i >= 0; i--) {
            closeLast.get(i).close();
        }
        if (runtime != null) {
            runtime.workers().getFirst().containers().forEach(Container::destroy);
            runtime.close();
        }
        if (schema != null) {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    /**
     * A job whose task (in a busybox container) counts its runs in {@code /tmp/runs}, writes five
     * lines, waits for {@code /tmp/go} and writes {@code done}; a SIGTERM ends it with 9, saying
     * {@code signalled}. {@code modifiers}: YAML of the task's hooks, indented for the task.
     */
    private static String pipeline(Path rootfs, String modifiers) {
        return """
                jobs:
                - name: long
                  plan:
                  - task: wait
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      run:
                        path: sh
                        args: [-c, 'trap "echo signalled; exit 9" TERM; echo run >> /tmp/runs; for i in 1 2 3 4 5; do echo "line $i"; done; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo done']
                """.formatted(rootfs) + modifiers;
    }

    /**
     * Lets the task waiting in {@code rootfs} go on, waits until node-2 finished the build, checks
     * that it succeeded with a log without gaps that continues what was {@code committed} before
     * the takeover; returns the build's events.
     */
    private static List<StoredEvent> letGoAndAwaitSuccess(Path rootfs, CompletableFuture<Build> finished,
            JpaStorage store, long buildId, List<StoredEvent> committed) throws Exception {
        Files.writeString(rootfs.resolve("tmp/go"), "go");
        assertThat(finished.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).status()).isEqualTo(BuildStatus.SUCCEEDED);
        List<StoredEvent> events = store.events().read(buildId, 1, 1000);
        assertThat(events).extracting(StoredEvent::sequence)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events).startsWith(committed.toArray(StoredEvent[]::new));
        return events;
    }

    /** Waits until the task's five lines of the build are stored; returns the events stored then. */
    private static List<StoredEvent> awaitFiveLines(JpaStorage store, long buildId) {
        return await("the five log lines of build " + buildId + " stored", () -> {
            List<StoredEvent> events = store.events().read(buildId, 1, 1000);
            return stdout(events).contains("line 5\n") ? Optional.of(events) : Optional.empty();
        });
    }

    @Test
    void aNodeTakingOverABuildOfAKilledNodeReattachesToItsRuncTaskAndTheBuildSucceeds() throws Exception {
        Path base = LeftoverCleanup.track(work.resolve("runc"));
        long buildId = startNode1(base, pipeline(BusyboxRootfs.build(work.resolve("image")), ""));
        JpaStorage store = storage(schemaUrl());
        List<StoredEvent> committed = awaitFiveLines(store, buildId);
        Lease ownedByNode1 = store.leases().find("build:" + buildId).orElseThrow();
        assertThat(ownedByNode1.owner()).isEqualTo("node-1");

        killNode1();
        CompletableFuture<Build> finished = startNode2(base, buildId);

        String notice = awaitNotice(store, buildId);
        assertThat(notice).contains("engine node 'node-2' took this build over from engine node 'node-1'",
                "resumed it", "task 'wait'", "re-attached");
        assertThat(store.leases().find("build:" + buildId).orElseThrow().owner()).isEqualTo("node-2");
        // The task's one container, from node-1, still runs the one process node-1 started.
        List<Container> containers = runtime.workers().getFirst().containers().stream()
                .filter(c -> Long.toString(buildId).equals(c.properties().get("concourse:build-id"))).toList();
        assertThat(containers).hasSize(1);
        Path rootfs = base.resolve("containers").resolve(containers.getFirst().handle()).resolve("rootfs");
        assertThat(Files.readString(rootfs.resolve("tmp/runs"))).isEqualTo("run\n");
        assertThat(store.builds().find(buildId).orElseThrow().status()).isEqualTo(BuildStatus.STARTED);

        List<StoredEvent> events = letGoAndAwaitSuccess(rootfs, finished, store, buildId, committed);
        assertThat(stdout(events)).isEqualTo("line 1\nline 2\nline 3\nline 4\nline 5\ndone\n");
        assertThat(events).extracting(StoredEvent::type).doesNotContain("error")
                .filteredOn(t -> t.equals("start-task") || t.equals("finish-task"))
                .containsExactly("start-task", "finish-task");
        assertThat(events).filteredOn(e -> e.type().equals("status")).extracting(StoredEvent::json)
                .satisfiesExactly(s -> assertThat(s).contains("started"), s -> assertThat(s).contains("succeeded"));
        assertThat(runtime.workers().getFirst().containers())
                .noneMatch(c -> Long.toString(buildId).equals(c.properties().get("concourse:build-id")));
        assertThat(store.leases().find("build:" + buildId)).as("released when the build ended").isEmpty();
    }

    /**
     * A node paused (SIGSTOP) for longer than the lease while its task waits: another node takes
     * the build over and re-attaches to the task; the paused node, continued, finds its lease taken
     * and hands its run over: it detaches from the task without signalling it (the task traps TERM,
     * which would end it with 9) and runs neither hook. The task goes on under the new owner, once,
     * with its whole output once, and the build succeeds there.
     */
    @Test
    void aPausedNodeWhoseBuildWasTakenOverLeavesTheTaskToTheNewOwnerAndRunsNoHook() throws Exception {
        Path base = LeftoverCleanup.track(work.resolve("runc"));
        Path image = BusyboxRootfs.build(work.resolve("image"));
        long buildId = startNode1(base, pipeline(image, """
                    on_abort:
                      task: hook-abort
                      config: {platform: linux, rootfs_uri: 'raw://%s', run: {path: sh, args: [-c, 'echo on_abort ran']}}
                    ensure:
                      task: hook-ensure
                      config: {platform: linux, rootfs_uri: 'raw://%s', run: {path: sh, args: [-c, 'echo ensure ran']}}
                """.formatted(image, image)));
        JpaStorage store = storage(schemaUrl());
        List<StoredEvent> committed = awaitFiveLines(store, buildId);

        pauseNode1();
        CompletableFuture<Build> finished = startNode2(base, buildId);
        assertThat(awaitNotice(store, buildId)).contains("engine node 'node-2' took this build over from engine"
                + " node 'node-1'", "task 'wait'", "re-attached");
        signalNode1("CONT");
        assertThat(node1Line("RUN ENDED ", Duration.ofSeconds(TIMEOUT_SECONDS)))
                .as("node-1's run ended without storing a status").isEqualTo("RUN ENDED STARTED");

        // Node-1 ran no hook (it would have left a container of it) and left the task running.
        List<Container> containers = containersOf(buildId);
        assertThat(containers).singleElement().satisfies(c -> assertThat(c.properties())
                .containsEntry("concourse:type", "task").containsEntry("concourse:step-name", "wait"));
        Path rootfs = rootfsOf(base, containers.getFirst());
        assertThat(Files.readString(rootfs.resolve("tmp/runs"))).as("the task ran once").isEqualTo("run\n");
        List<StoredEvent> events = letGoAndAwaitSuccess(rootfs, finished, store, buildId, committed);
        assertThat(stdout(events)).as("the task's whole output once, then the ensure hook's, on node-2")
                .isEqualTo("line 1\nline 2\nline 3\nline 4\nline 5\ndone\nensure ran\n");
        assertThat(events).extracting(StoredEvent::type).doesNotContain("error")
                .filteredOn(t -> t.equals("start-task") || t.equals("finish-task"))
                .containsExactly("start-task", "finish-task", "start-task", "finish-task");
        assertThat(events).filteredOn(e -> e.type().equals("status")).extracting(StoredEvent::json)
                .satisfiesExactly(s -> assertThat(s).contains("started"), s -> assertThat(s).contains("succeeded"));
        assertThat(Files.readString(work.resolve("node-1.log"))).contains("handing the run over");
        assertNothingLeftOf(buildId);
    }

    @Test
    void aBuildWhoseFinishedTaskLostItsKeptOutputVolumeEndsErroredNamingBothNodesAndTheOutput() throws Exception {
        Path base = LeftoverCleanup.track(work.resolve("runc"));
        Path rootfs = BusyboxRootfs.build(work.resolve("image"));
        long buildId = startNode1(base, twoTasks(rootfs,
                "echo \"waiting with $(cat made/file)\"; while [ ! -f /tmp/go ]; do sleep 0.1; done"));
        JpaStorage store = storage(schemaUrl());
        await("the second task's line stored", () -> stdout(store.events().read(buildId, 1, 1000))
                .contains("waiting with made-by-first\n") ? Optional.of(true) : Optional.empty());
        killNode1();
        // The output the first task left, kept for a takeover, goes missing while no node runs.
        try (RuncContainerRuntime meanwhile = RuncContainerRuntime.builder().baseDirectory(base)
                .garbageCollectionInterval(Duration.ZERO).build()) {
            List<Volume> outputs = meanwhile.workers().getFirst().volumes().stream()
                    .filter(v -> Long.toString(buildId).equals(v.properties().get("concourse:build-id"))
                            && "made".equals(v.properties().get("concourse:output"))).toList();
            assertThat(outputs).hasSize(1);
            outputs.getFirst().destroy();
        }

        Build build = startNode2(base, buildId).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(build.status()).isEqualTo(BuildStatus.ERRORED);
        List<StoredEvent> events = store.events().read(buildId, 1, 1000);
        assertThat(events).filteredOn(e -> e.type().equals("error")).singleElement()
                .satisfies(e -> assertThat(e.json()).contains("task 'first' finished (exit status 0) before engine"
                        + " node 'node-2' took this build over from engine node 'node-1'", "the volume of its output"
                        + " 'made' it left is gone", "not run again"));
        assertThat(events).extracting(StoredEvent::type).filteredOn(t -> t.equals("start-task"))
                .as("neither task started again").hasSize(2);
        assertThat(stdout(events)).isEqualTo("first\nwaiting with made-by-first\n");
        assertNothingLeftOf(buildId);
    }

    @Test
    void aBuildKilledAfterATaskFinishedBeforeTheNextStartedRunsOnlyTheNextOne() throws Exception {
        Path base = LeftoverCleanup.track(work.resolve("runc"));
        Path rootfs = BusyboxRootfs.build(work.resolve("image"));
        // node-1 places one task only: the second waits for a worker until node-1 is killed.
        long buildId = startNode1(base, twoTasks(rootfs, "echo \"second sees $(cat made/file)\""), "one-task");
        JpaStorage store = storage(schemaUrl());
        List<StoredEvent> committed = await("the second task waiting for a worker", () -> {
            List<StoredEvent> events = store.events().read(buildId, 1, 1000);
            return events.stream().anyMatch(e -> e.type().equals("waiting-for-worker"))
                    ? Optional.of(events) : Optional.empty();
        });
        assertThat(committed).extracting(StoredEvent::type).contains("finish-task")
                .filteredOn(t -> t.equals("start-task")).hasSize(1);
        killNode1();

        Build build = startNode2(base, buildId).get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        List<StoredEvent> events = store.events().read(buildId, 1, 1000);
        assertThat(events).startsWith(committed.toArray(StoredEvent[]::new));
        assertThat(stdout(events)).isEqualTo("first\nsecond sees made-by-first\n");
        assertThat(events).extracting(StoredEvent::type).doesNotContain("error")
                .filteredOn(t -> t.startsWith("start-") || t.startsWith("finish-"))
                .containsExactly("start-task", "finish-task", "start-task", "finish-task");
        assertThat(logs(events)).containsOnlyOnce("task 'first' finished before engine node 'node-2' took this build"
                + " over from engine node 'node-1' (exit status 0); it is taken over as finished, not run again");
        assertNothingLeftOf(buildId);
    }

    /**
     * A job whose task {@code first} (busybox in {@code rootfs}) prints {@code first} and writes
     * {@code made-by-first} to its output {@code made}, and whose task {@code second} runs the shell
     * {@code script} with that output as its input.
     */
    private static String twoTasks(Path rootfs, String script) {
        return """
                jobs:
                - name: long
                  plan:
                  - task: first
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      outputs: [{name: made}]
                      run: {path: sh, args: [-c, 'echo first; echo made-by-first > made/file']}
                  - task: second
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      inputs: [{name: made}]
                      run: {path: sh, args: [-c, '%s']}
                """.formatted(rootfs, rootfs, script);
    }

    /**
     * A pipeline with the resource {@code out} of the type {@link #counterType()} and the job
     * {@code long} whose plan is {@code plan} (YAML list items, indented for {@code plan:}).
     */
    private String withCounter(String plan) throws Exception {
        return """
                resource_types:
                - name: counter
                  type: local-image
                  source: {path: %s}
                resources:
                - name: out
                  type: counter
                jobs:
                - name: long
                  plan:
                """.formatted(counterType()) + plan;
    }

    /**
     * A container resource type (busybox with {@code /opt/resource} scripts, through
     * {@code local-image}) whose {@code out} counts its runs in {@code /tmp/runs}, says on stderr
     * what it sees, waits for {@code /tmp/go} when its params say {@code wait: true}, and creates
     * version {@code v1}; its {@code in} does the same (counting, waiting), then writes a file; its
     * {@code check} finds {@code v1}.
     */
    private Path counterType() throws Exception {
        Path image = BusyboxRootfs.build(work.resolve("type"));
        Path resource = Files.createDirectories(image.resolve("opt/resource"));
        script(resource.resolve("check"), """
                #!/bin/sh
                cat >/dev/null
                echo '[{"ref":"v1"}]'
                """);
        script(resource.resolve("in"), """
                #!/bin/sh
                request=$(cat)
                echo run >> /tmp/runs
                case "$request" in
                  *'"wait":true'*) echo "in waiting" >&2; while [ ! -f /tmp/go ]; do sleep 0.1; done ;;
                esac
                echo "fetched v1" > "$1/fetched"
                echo '{"version":{"ref":"v1"},"metadata":[{"name":"by","value":"in"}]}'
                """);
        script(resource.resolve("out"), """
                #!/bin/sh
                request=$(cat)
                echo run >> /tmp/runs
                echo "out sees $(cat "$1"/made/file 2>/dev/null || echo nothing)" >&2
                case "$request" in
                  *'"wait":true'*) echo "out waiting" >&2; while [ ! -f /tmp/go ]; do sleep 0.1; done ;;
                esac
                echo '{"version":{"ref":"v1"},"metadata":[{"name":"by","value":"out"}]}'
                """);
        return image;
    }

    @Test
    void aBuildKilledInItsSecondTaskResumesPastTheFirstTaskAndThePutWhichRanOnce() throws Exception {
        Path base = LeftoverCleanup.track(work.resolve("runc"));
        Path image = BusyboxRootfs.build(work.resolve("image"));
        long buildId = startNode1(base, withCounter("""
                  - task: first
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      outputs: [{name: made}]
                      run: {path: sh, args: [-c, 'echo run >> /tmp/runs; echo "first ran"; echo made-by-first > made/file']}
                  - put: out
                    inputs: [made]
                  - task: second
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      inputs: [{name: made}, {name: out}]
                      run:
                        path: sh
                        args: [-c, 'echo run >> /tmp/runs; echo "second sees $(cat made/file) and $(cat out/fetched)"; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo done']
                """.formatted(image, image)));
        JpaStorage store = storage(schemaUrl());
        List<StoredEvent> committed = await("the second task's line stored", () -> {
            List<StoredEvent> events = store.events().read(buildId, 1, 1000);
            return stdout(events).contains("second sees made-by-first and fetched v1\n")
                    ? Optional.of(events) : Optional.empty();
        });
        killNode1();

        CompletableFuture<Build> finished = startNode2(base, buildId);
        String notice = awaitNotice(store, buildId);
        assertThat(notice).contains("engine node 'node-2' took this build over from engine node 'node-1'",
                "task 'second'", "re-attached", "3 finished step(s) taken over as finished, not run again");
        await("the finished steps taken over", () -> store.events().read(buildId, 1, 1000).stream()
                .filter(e -> e.type().equals("log") && e.json().contains("finished before engine node")).count() == 3
                        ? Optional.of(true) : Optional.empty());
        // Every step's container, kept: one each, and each script ran once.
        Map<String, List<Container>> byType = containersOf(buildId).stream()
                .collect(java.util.stream.Collectors.groupingBy(c -> c.properties().get("concourse:type")));
        assertThat(byType.get("task")).hasSize(2);
        assertThat(byType.get("put")).hasSize(1);
        assertThat(byType.get("get")).hasSize(1);
        for (Container container : List.of(byType.get("task").get(0), byType.get("task").get(1),
                byType.get("put").getFirst())) {
            assertThat(Files.readString(rootfsOf(base, container).resolve("tmp/runs"))).as("ran once")
                    .isEqualTo("run\n");
        }
        Container second = byType.get("task").stream()
                .filter(c -> "second".equals(c.properties().get("concourse:step-name"))).findFirst().orElseThrow();
        Files.writeString(rootfsOf(base, second).resolve("tmp/go"), "go");
        Build build = finished.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);

        List<StoredEvent> events = store.events().read(buildId, 1, 1000);
        assertThat(events).startsWith(committed.toArray(StoredEvent[]::new));
        assertThat(events).extracting(StoredEvent::sequence)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events).extracting(StoredEvent::type).doesNotContain("error")
                .filteredOn(t -> t.startsWith("start-") || t.startsWith("finish-") || t.startsWith("initialize-"))
                .containsExactly("initialize-task", "start-task", "finish-task", "initialize-put", "start-put",
                        "finish-put", "initialize-get", "start-get", "finish-get", "initialize-task", "start-task",
                        "finish-task");
        assertThat(stdout(events)).isEqualTo("first ran\nsecond sees made-by-first and fetched v1\ndone\n");
        assertThat(logs(events)).containsOnlyOnce("out sees made-by-first\n");
        assertThat(events).filteredOn(e -> e.type().equals("log") && e.json().contains("finished before engine node"))
                .extracting(StoredEvent::json).satisfiesExactly(
                        e -> assertThat(e).contains("task 'first' finished before engine node 'node-2' took this"
                                + " build over from engine node 'node-1' (exit status 0)"),
                        e -> assertThat(e).contains("put(out) of resource 'out' finished before", "ref:v1"),
                        e -> assertThat(e).contains("get(out) of resource 'out' finished before"));
        Resource out = store.pipelines().resource(PipelineRef.main("takeover").resource("out")).orElseThrow();
        assertThat(store.builds().outputs(buildId)).singleElement().satisfies(o -> assertThat(
                store.versions().version(o.versionId())).contains(new Version(Map.of("ref", "v1"))));
        assertThat(store.history().latestVersion(out.id())).hasValueSatisfying(v -> assertThat(v.version())
                .isEqualTo(new Version(Map.of("ref", "v1"))));
        assertNothingLeftOf(buildId);
    }

    @Test
    void aBuildKilledDuringAGetsInScriptReattachesToItAndItsArtifactReachesTheNextTask() throws Exception {
        Path base = LeftoverCleanup.track(work.resolve("runc"));
        Path image = BusyboxRootfs.build(work.resolve("image"));
        long buildId = startNode1(base, withCounter("""
                  - get: out
                    params: {wait: true}
                  - task: read
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      inputs: [{name: out}]
                      run: {path: sh, args: [-c, 'cat out/fetched']}
                """.formatted(image)));
        JpaStorage store = storage(schemaUrl());
        List<StoredEvent> events = killedWhileTheScriptWaits(base, buildId, store, "get");
        assertThat(events).extracting(StoredEvent::type)
                .filteredOn(t -> t.startsWith("start-") || t.startsWith("finish-"))
                .containsExactly("start-get", "finish-get", "start-task", "finish-task");
        assertThat(logs(events))
                .contains("get(out) of resource 'out' was fetching when engine node 'node-2' took this build over"
                        + " from engine node 'node-1'; re-attached to its script");
        assertThat(stdout(events)).isEqualTo("fetched v1\n");
        assertNothingLeftOf(buildId);
    }

    @Test
    void aBuildKilledDuringAPutsOutScriptReattachesToItAndRecordsItsVersionOnce() throws Exception {
        Path base = LeftoverCleanup.track(work.resolve("runc"));
        long buildId = startNode1(base, withCounter("""
                  - put: out
                    params: {wait: true}
                """));
        JpaStorage store = storage(schemaUrl());
        List<StoredEvent> events = killedWhileTheScriptWaits(base, buildId, store, "put");
        assertThat(events).extracting(StoredEvent::type)
                .filteredOn(t -> t.startsWith("start-") || t.startsWith("finish-"))
                .containsExactly("start-put", "finish-put", "start-get", "finish-get");
        assertThat(logs(events)).containsOnlyOnce("out sees nothing\n")
                .contains("put(out) of resource 'out' was running when engine node 'node-2' took this build"
                        + " over from engine node 'node-1'; re-attached to its script");
        assertThat(store.builds().outputs(buildId)).singleElement().satisfies(o -> assertThat(
                store.versions().version(o.versionId())).contains(new Version(Map.of("ref", "v1"))));
        assertThat(containersOf(buildId)).isEmpty();
    }

    @Test
    void aBuildWhoseGetFinishedIsResumedFetchingTheStoredInputVersionAgainAndTheTaskRunsOnce() throws Exception {
        Path base = LeftoverCleanup.track(work.resolve("runc"));
        Path image = BusyboxRootfs.build(work.resolve("image"));
        long buildId = startNode1(base, """
                resources:
                - name: repo
                  type: mock
                  source: {initial_version: v1}
                jobs:
                - name: long
                  plan:
                  - get: repo
                  - task: wait
                    config:
                      platform: linux
                      rootfs_uri: raw://%s
                      inputs: [{name: repo}]
                      run:
                        path: sh
                        args: [-c, 'echo run >> /tmp/runs; echo "got $(cat repo/version)"; while [ ! -f /tmp/go ]; do sleep 0.1; done; echo done']
                """.formatted(image));
        JpaStorage store = storage(schemaUrl());
        await("the task's first line stored", () -> stdout(store.events().read(buildId, 1, 1000))
                .contains("got v1\n") ? Optional.of(true) : Optional.empty());
        killNode1();
        // A newer version while no node runs: a get picking its own version would fetch it.
        Resource repo = store.pipelines().resource(PipelineRef.main("takeover").resource("repo")).orElseThrow();
        store.versions().saveVersion(repo.scopeId(), new Version(Map.of("version", "v2")), List.of(), Instant.now());
        assertThat(store.builds().inputs(buildId)).singleElement().satisfies(input -> assertThat(
                store.versions().version(input.versionId())).contains(new Version(Map.of("version", "v1"))));

        CompletableFuture<Build> finished = startNode2(base, buildId);
        String notice = awaitNotice(store, buildId);
        assertThat(notice).contains("resumed it", "task 'wait'", "re-attached",
                "1 finished step(s) taken over as finished, not run again");
        List<Container> containers = runtime.workers().getFirst().containers().stream()
                .filter(c -> Long.toString(buildId).equals(c.properties().get("concourse:build-id"))
                        && "task".equals(c.properties().get("concourse:type"))).toList();
        assertThat(containers).hasSize(1);
        Path rootfs = base.resolve("containers").resolve(containers.getFirst().handle()).resolve("rootfs");
        assertThat(Files.readString(rootfs.resolve("tmp/runs"))).as("the task ran once").isEqualTo("run\n");
        // The task re-attaches right after the get is taken over; a process that ended before would lose its output.
        await("the get of build " + buildId + " taken over", () -> store.events().read(buildId, 1, 1000).stream()
                .anyMatch(e -> e.type().equals("log") && e.json().contains("finished before engine node"))
                        ? Optional.of(true) : Optional.empty());
        Files.writeString(rootfs.resolve("tmp/go"), "go");
        Build build = finished.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);

        List<StoredEvent> events = store.events().read(buildId, 1, 1000);
        assertThat(events).extracting(StoredEvent::type).doesNotContain("error")
                .filteredOn(t -> t.startsWith("start-") || t.startsWith("finish-"))
                .containsExactly("start-get", "finish-get", "start-task", "finish-task");
        assertThat(events).filteredOn(e -> e.type().equals("finish-get"))
                .extracting(e -> JSON.readTree(e.json()).path("data").path("version").path("version").asString(""))
                .containsExactly("v1");
        assertThat(events).filteredOn(e -> e.type().equals("log") && e.json().contains("finished before engine node"))
                .singleElement().satisfies(e -> assertThat(e.json()).contains("get(repo) of resource 'repo'"
                        + " finished before engine node 'node-2' took this build over from engine node 'node-1'",
                        "not fetched again"));
        assertThat(stdout(events)).isEqualTo("got v1\ndone\n");
        assertThat(runtime.workers().getFirst().volumes()).as("node-1's get volume, kept, destroyed at the end")
                .noneMatch(v -> Long.toString(buildId).equals(v.properties().get("concourse:build-id")));
        assertThat(store.builds().inputs(buildId)).singleElement().satisfies(input -> assertThat(
                store.versions().version(input.versionId())).contains(new Version(Map.of("version", "v1"))));
    }

    /**
     * Starts node-1 in a JVM of its own, which triggers the pipeline's job; returns the build's id.
     * {@code options}: more arguments for {@link RuncEngineNodeMain}.
     */
    private long startNode1(Path base, String pipeline, String... options) throws Exception {
        Path pipelineFile = work.resolve("pipeline.yml");
        Files.writeString(pipelineFile, pipeline);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), RuncEngineNodeMain.class.getName(),
                schemaUrl() + "&ApplicationName=" + node1Application(), base.toString(), "node-1",
                Long.toString(LEASE.toMillis()), pipelineFile.toString()));
        command.addAll(List.of(options));
        child = new ProcessBuilder(command)
                .redirectError(work.resolve("node-1.log").toFile())
                .start();
        Process started = child;
        Thread.ofPlatform().daemon().name("node-1-output").start(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(started.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    node1Lines.add(line);
                }
            } catch (IOException e) {
                // node-1 went away; its end is reported below
            }
            node1Lines.add(NODE1_GONE);
        });
        // 2 minutes at most: a JVM starting on a loaded machine.
        return Long.parseLong(node1Line("BUILD ", Duration.ofMinutes(2)).substring("BUILD ".length()).strip());
    }

    /** The next line node-1 prints that starts with {@code prefix} (earlier ones are dropped). */
    private String node1Line(String prefix, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            String line = node1Lines.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("node-1 printed no line starting with '" + prefix + "' within " + timeout
                        + "; see its log node-1.log in the test's directory");
            }
            if (line.equals(NODE1_GONE)) {
                throw new AssertionError("node-1 ended without printing a line starting with '" + prefix
                        + "'; see its log node-1.log in the test's directory");
            }
            if (line.startsWith(prefix)) {
                return line;
            }
        }
    }

    /** The name node-1's database connections give PostgreSQL. */
    private String node1Application() {
        return "node-1-" + schema;
    }

    /**
     * Stops node-1's JVM (SIGSTOP) outside any database transaction of its own: stopped inside one,
     * it would hold its locks and the other node would wait for them. If any of its connections is
     * not idle then, it is continued and stopped again.
     */
    private void pauseNode1() throws Exception {
        for (int attempt = 1; ; attempt++) {
            signalNode1("STOP");
            if (node1ConnectionsBusy() == 0) {
                return;
            }
            signalNode1("CONT");
            assertThat(attempt).as("attempts to stop node-1 outside a transaction").isLessThan(100);
        }
    }

    private int node1ConnectionsBusy() throws SQLException {
        try (Connection connection = DriverManager.getConnection(url);
                java.sql.PreparedStatement query = connection.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE application_name = ? AND state <> 'idle'")) {
            query.setString(1, node1Application());
            try (java.sql.ResultSet result = query.executeQuery()) {
                result.next();
                return result.getInt(1);
            }
        }
    }

    /** Sends node-1's JVM {@code signal} (STOP, CONT) with kill(1). */
    private void signalNode1(String signal) throws Exception {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(child.pid())).inheritIO().start();
        assertThat(kill.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).as("kill -%s %s", signal, child.pid()).isZero();
    }

    /** Starts node-2 in this JVM on the same runc directory; the future completes when it finishes the build. */
    private CompletableFuture<Build> startNode2(Path base, long buildId) {
        runtime = RuncContainerRuntime.builder().baseDirectory(base).garbageCollectionInterval(Duration.ZERO).build();
        PipelineEngine node2 = PipelineEngine.builder().storage(storage(schemaUrl())).runtime(runtime)
                .nodeName("node-2").leaseDuration(LEASE).abortGracePeriod(Duration.ofSeconds(2)).build();
        closeLast.add(node2);
        CompletableFuture<Build> finished = new CompletableFuture<>();
        node2.builds().listen(new BuildListener() {
            @Override
            public void finished(Build build) {
                if (build.id() == buildId) {
                    finished.complete(build);
                }
            }
        });
        node2.start();
        return finished;
    }

    private String schemaUrl() {
        return url + (url.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    /**
     * Kills node-1 once the script of the build's {@code kind} step ({@code get} or {@code put},
     * which waits for {@code /tmp/go}) said it waits, starts node-2, waits until it re-attached to
     * the script, checks that the script ran once, lets it go on; once node-2 finished the build,
     * checks that it succeeded, continuing node-1's log, without an error, with one
     * {@code finish-<kind>} of {@code v1}, and returns its events.
     */
    private List<StoredEvent> killedWhileTheScriptWaits(Path base, long buildId, JpaStorage store, String kind)
            throws Exception {
        String waiting = (kind.equals("get") ? "in" : "out") + " waiting\n";
        List<StoredEvent> committed = await("the " + kind + " script waiting", () -> {
            List<StoredEvent> events = store.events().read(buildId, 1, 1000);
            return logs(events).contains(waiting) ? Optional.of(events) : Optional.empty();
        });
        killNode1();
        CompletableFuture<Build> finished = startNode2(base, buildId);
        String notice = awaitNotice(store, buildId);
        assertThat(notice).contains(kind + " step 'out'", "re-attached");
        await("the " + kind + " re-attached", () -> logs(store.events().read(buildId, 1, 1000))
                .contains("re-attached to its script") ? Optional.of(true) : Optional.empty());
        List<Container> containers = containersOf(buildId);
        assertThat(containers).singleElement().satisfies(c -> assertThat(c.properties())
                .containsEntry("concourse:type", kind));
        Path rootfs = rootfsOf(base, containers.getFirst());
        assertThat(Files.readString(rootfs.resolve("tmp/runs"))).as("the script ran once").isEqualTo("run\n");
        Files.writeString(rootfs.resolve("tmp/go"), "go");
        assertThat(finished.get(TIMEOUT_SECONDS, TimeUnit.SECONDS).status()).isEqualTo(BuildStatus.SUCCEEDED);

        List<StoredEvent> events = store.events().read(buildId, 1, 1000);
        assertThat(events).startsWith(committed.toArray(StoredEvent[]::new));
        assertThat(events).extracting(StoredEvent::type).doesNotContain("error");
        assertThat(events).filteredOn(e -> e.type().equals("finish-" + kind)).singleElement()
                .satisfies(e -> assertThat(JSON.readTree(e.json()).path("data").path("version").path("ref")
                        .asString("")).isEqualTo("v1"));
        assertThat(logs(events)).containsOnlyOnce(waiting);
        return events;
    }

    /** Waits for node-2's log line saying it took the build over; returns it (as the event's JSON). */
    private static String awaitNotice(JpaStorage store, long buildId) {
        return await("node-2 resuming build " + buildId, () -> store.events().read(buildId, 1, 1000).stream()
                .filter(e -> e.type().equals("log") && e.json().contains("took this build over"))
                .map(StoredEvent::json).findFirst());
    }

    private void killNode1() throws InterruptedException {
        child.destroyForcibly();
        assertThat(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();
    }

    /** No container or volume of the build is left on the worker (kept ones are destroyed when it ends). */
    private void assertNothingLeftOf(long buildId) {
        assertThat(containersOf(buildId)).isEmpty();
        assertThat(runtime.workers().getFirst().volumes())
                .noneMatch(v -> Long.toString(buildId).equals(v.properties().get("concourse:build-id")));
    }

    private List<Container> containersOf(long buildId) {
        return runtime.workers().getFirst().containers().stream()
                .filter(c -> Long.toString(buildId).equals(c.properties().get("concourse:build-id"))).toList();
    }

    private static Path rootfsOf(Path base, Container container) {
        return base.resolve("containers").resolve(container.handle()).resolve("rootfs");
    }

    private static void script(Path path, String content) throws IOException {
        Files.writeString(path, content);
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    /** Every log line of the build (stdout and stderr, the engine's notices too). */
    private static String logs(List<StoredEvent> events) {
        StringBuilder out = new StringBuilder();
        for (StoredEvent event : events) {
            if (event.type().equals("log")) {
                out.append(JSON.readTree(event.json()).path("data").path("payload").asString(""));
            }
        }
        return out.toString();
    }

    /** The task's standard output as its log events hold it. */
    private static String stdout(List<StoredEvent> events) {
        StringBuilder out = new StringBuilder();
        for (StoredEvent event : events) {
            if (event.type().equals("log")) {
                JsonNode data = JSON.readTree(event.json()).path("data");
                if (data.path("origin").path("source").asString("").equals("stdout")) {
                    out.append(data.path("payload").asString(""));
                }
            }
        }
        return out.toString();
    }

    private JpaStorage storage(String schemaUrl) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(schemaUrl);
        config.setMaximumPoolSize(6);
        HikariDataSource pool = new HikariDataSource(config);
        closeLast.add(pool);
        JpaStorage storage = JpaStorage.builder().dataSource(pool).build();
        closeLast.add(storage);
        return storage;
    }

    private void execute(String sql) {
        try (Connection connection = DriverManager.getConnection(url);
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' on " + url + ": " + e.getMessage(), e);
        }
    }

    /** Polls the database (written by real processes on the wall clock) for {@value #TIMEOUT_SECONDS} s at most. */
    private static <T> T await(String what, Supplier<Optional<T>> condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            Optional<T> value = condition.get();
            if (value.isPresent()) {
                return value.get();
            }
            assertThat(System.nanoTime()).as("waiting for %s", what).isLessThan(deadline);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }
}
