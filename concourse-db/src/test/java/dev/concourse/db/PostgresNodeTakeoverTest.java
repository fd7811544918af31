package dev.concourse.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.Build;
import dev.concourse.BuildListener;
import dev.concourse.BuildStatus;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.StoredEvent;
import dev.concourse.vars.StaticVariables;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engine nodes on one PostgreSQL with build leases: a node killed with SIGKILL mid-build (a JVM of
 * its own, {@link EngineNodeMain}) has its build taken over by a live node once its lease lapsed,
 * and ended errored with an event naming the dead node, its orphaned task process stopped and
 * its committed log intact; a node starting or running next to a live node leaves that node's
 * builds alone.
 */
class PostgresNodeTakeoverTest {
    private static final Duration LEASE = Duration.ofSeconds(2);
    private static final long TIMEOUT_SECONDS = 60;
    private static final PipelineRef REF = PipelineRef.main("takeover");
    private static final int LINES = 5;

    @TempDir
    Path work;

    private String url;
    private String schema;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<AutoCloseable> closeLast = new ArrayList<>();
    private Process child;

    @BeforeEach
    void createSchema() {
        url = TestDatabases.postgresUrl();
        schema = TestDatabases.createSchema(url);
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (child != null) {
            child.destroyForcibly().waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        }
        // Lets any task still waiting end on its own.
        Files.writeString(work.resolve("go"), "go");
        for (int i = closeLast.size() - 1; i >= 0; i--) {
            closeLast.get(i).close();
        }
        pools.forEach(HikariDataSource::close);
        if (schema != null) {
            TestDatabases.dropSchema(url, schema);
        }
    }

    /** A job whose task writes its pid and {@value #LINES} log lines, then waits for the file {@code go}. */
    private String pipeline() {
        return """
                jobs:
                - name: long
                  plan:
                  - task: wait
                    config:
                      platform: linux
                      params: {PID_FILE: '%s', GO: '%s'}
                      run:
                        path: sh
                        args: [-c, 'echo $$ > "$PID_FILE"; for i in 1 2 3 4 5; do echo "line $i"; done; while [ ! -f "$GO" ]; do sleep 0.05; done; echo done']
                """.formatted(work.resolve("task.pid"), work.resolve("go"));
    }

    private JpaStorage storage() {
        HikariDataSource pool = TestDatabases.pool(TestDatabases.withSchema(url, schema), null, null);
        pools.add(pool);
        JpaStorage storage = JpaStorage.builder().dataSource(pool).build();
        closeLast.add(storage);
        return storage;
    }

    /** A node in this JVM; {@code finished} gets each build it reports finished. */
    private PipelineEngine node(String name, Path runtimeDirectory, ConcurrentHashMap<Long, CompletableFuture<Build>>
            finished) {
        LocalProcessRuntime runtime = LocalProcessRuntime.builder().baseDirectory(runtimeDirectory).build();
        closeLast.add(runtime);
        PipelineEngine engine = PipelineEngine.builder().storage(storage()).runtime(runtime).nodeName(name)
                .leaseDuration(LEASE).abortGracePeriod(Duration.ofSeconds(2)).build();
        closeLast.add(engine);
        engine.builds().listen(new BuildListener() {
            @Override
            public void finished(Build build) {
                finished.computeIfAbsent(build.id(), id -> new CompletableFuture<>()).complete(build);
            }
        });
        return engine;
    }

    @Test
    void aLiveNodeTakesOverTheBuildOfANodeKilledMidBuildAndEndsItErrored() throws Exception {
        Path runtimeDirectory = work.resolve("runtime");
        Path pipelineFile = work.resolve("pipeline.yml");
        Files.writeString(pipelineFile, pipeline());
        ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), EngineNodeMain.class.getName(),
                TestDatabases.withSchema(url, schema), runtimeDirectory.toString(), "node-1",
                Long.toString(LEASE.toMillis()), pipelineFile.toString())
                .redirectError(work.resolve("node-1.log").toFile());
        child = command.start();
        long buildId = buildIdPrintedBy(child);

        JpaStorage store = storage();
        List<StoredEvent> committed = await("the " + LINES + " log lines of build " + buildId + " stored", () -> {
            List<StoredEvent> events = store.events().read(buildId, 1, 1000);
            return logLines(events) == LINES ? Optional.of(events) : Optional.empty();
        });
        long pid = Long.parseLong(Files.readString(work.resolve("task.pid")).strip());
        ProcessHandle task = ProcessHandle.of(pid).orElseThrow();
        Lease ownedByNode1 = store.leases().find("build:" + buildId).orElseThrow();
        assertThat(ownedByNode1.owner()).isEqualTo("node-1");

        // A second node starting next to the live node-1 leaves its build alone, also through
        // more than a lease's duration of heartbeats and takeover scans.
        ConcurrentHashMap<Long, CompletableFuture<Build>> finished = new ConcurrentHashMap<>();
        PipelineEngine node2 = node("node-2", runtimeDirectory, finished);
        node2.start();
        Instant renewedPast = ownedByNode1.expiresAt().plus(LEASE.multipliedBy(2));
        await("node-1 renewing its lease past " + renewedPast, () -> store.leases().find("build:" + buildId)
                .filter(l -> l.owner().equals("node-1") && l.expiresAt().isAfter(renewedPast)));
        assertThat(store.builds().find(buildId).orElseThrow().status()).isEqualTo(BuildStatus.STARTED);
        assertThat(task.isAlive()).as("node-1's task still runs").isTrue();

        CompletableFuture<Build> takenOver = finished.computeIfAbsent(buildId, id -> new CompletableFuture<>());
        child.destroyForcibly();
        assertThat(child.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)).isTrue();

        Build build = takenOver.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(build.status()).isEqualTo(BuildStatus.ERRORED);
        // Node-2 destroyed the dead node's container of the build: its task no longer runs, so
        // the build never had a step running on a dead node while it went on.
        assertThat(task.onExit().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).isAlive()).isFalse();
        assertThat(Files.exists(work.resolve("go"))).isFalse();

        List<StoredEvent> events = store.events().read(buildId, 1, 1000);
        assertThat(events).extracting(StoredEvent::sequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events).startsWith(committed.toArray(StoredEvent[]::new));
        List<StoredEvent> after = events.subList(committed.size(), events.size());
        assertThat(after).extracting(StoredEvent::type).containsExactly("error", "status");
        assertThat(after.get(0).json()).contains("engine node 'node-1' stopped renewing its lease",
                "engine node 'node-2' took the build over", "could not be resumed", "runtime 'local' cannot re-attach", "destroyed");
        assertThat(after.get(1).json()).contains("errored");
        assertThat(store.leases().find("build:" + buildId)).isEmpty();
    }

    @Test
    void aSecondNodeNeverTakesOverABuildTheFirstNodeStillRuns() throws Exception {
        ConcurrentHashMap<Long, CompletableFuture<Build>> finished1 = new ConcurrentHashMap<>();
        ConcurrentHashMap<Long, CompletableFuture<Build>> finished2 = new ConcurrentHashMap<>();
        PipelineEngine node1 = node("node-1", work.resolve("runtime-1"), finished1);
        node1.start();
        node1.pipelines().set(REF, pipeline(), StaticVariables.empty());
        Build triggered = node1.jobs().trigger(REF.job("long"));
        JpaStorage store = storage();
        Lease lease = await("node-1 holding the lease of build " + triggered.id(),
                () -> store.leases().find("build:" + triggered.id()));
        assertThat(lease.owner()).isEqualTo("node-1");

        PipelineEngine node2 = node("node-2", work.resolve("runtime-2"), finished2);
        node2.start();
        Instant renewedPast = lease.expiresAt().plus(LEASE.multipliedBy(2));
        await("node-1 renewing its lease past " + renewedPast, () -> store.leases().find("build:" + triggered.id())
                .filter(l -> l.owner().equals("node-1") && l.expiresAt().isAfter(renewedPast)));
        assertThat(store.builds().find(triggered.id()).orElseThrow().status()).isEqualTo(BuildStatus.STARTED);

        Files.writeString(work.resolve("go"), "go");
        Build build = finished1.computeIfAbsent(triggered.id(), id -> new CompletableFuture<>())
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(finished2).doesNotContainKey(triggered.id());
        List<StoredEvent> events = store.events().read(triggered.id(), 1, 1000);
        assertThat(events).extracting(StoredEvent::type).doesNotContain("error")
                .filteredOn("status"::equals).hasSize(2);
        assertThat(events.getLast().json()).contains("succeeded");
        assertThat(store.leases().find("build:" + triggered.id())).as("released when the build ended").isEmpty();
    }

    /** How many of the task's lines the stored log events hold (the runtime may put several in one event). */
    private static int logLines(List<StoredEvent> events) {
        String logs = events.stream().filter(e -> e.type().equals("log")).map(StoredEvent::json)
                .reduce("", String::concat);
        int lines = 0;
        while (lines < LINES && logs.contains("line " + (lines + 1))) {
            lines++;
        }
        return lines;
    }

    /** Waits (2 minutes at most: a JVM starting on a loaded machine) for the node to print its build's id. */
    private static long buildIdPrintedBy(Process process) throws Exception {
        CompletableFuture<Long> printed = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8));
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith("BUILD ")) {
                        return Long.parseLong(line.substring("BUILD ".length()).strip());
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new AssertionError("the engine node in its own JVM ended without starting a build (exit "
                    + process.exitValue() + "); see its log node-1.log in the test's directory");
        });
        return printed.get(2, TimeUnit.MINUTES);
    }

    /**
     * Polls the database (written by real processes and heartbeats on the wall clock) until
     * {@code condition} yields, for {@value #TIMEOUT_SECONDS} seconds at most.
     */
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
