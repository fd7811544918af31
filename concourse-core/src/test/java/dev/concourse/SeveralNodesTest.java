package dev.concourse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskConfigLoader;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.resource.ResourceResult;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.resource.ResourceRequest;
import dev.concourse.spi.resource.ResourceType;
import dev.concourse.spi.storage.Lease;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.StoredEvent;
import dev.concourse.storage.InMemoryStorage;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engine nodes on one {@link InMemoryStorage}, each on a clock of its own that the test moves
 * (so a node whose clock stands still stops heartbeating, as a dead or paused node does), and the
 * store's lease clock moved apart: builds and periodic checks are owned through leases.
 */
class SeveralNodesTest {
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    private static final Duration LEASE = Duration.ofSeconds(3);
    private static final PipelineRef CI = PipelineRef.main("ci");

    @TempDir
    Path work;

    private final AtomicReference<Instant> storeTime = new AtomicReference<>(START);
    private final InMemoryStorage storage = new InMemoryStorage(storeTime::get);
    /** Counted down once a node stored a log event saying "waiting" (not only had it in memory). */
    private final CountDownLatch waitingStored = new CountDownLatch(1);
    /** The store as the nodes see it: the same, telling the test when "waiting" is stored. */
    private final Storage nodeStorage = new AppendWatchingStorage(storage, buildId -> {
        if (storage.events().read(buildId, 1, 1000).stream()
                .anyMatch(e -> e.type().equals("log") && e.json().contains("waiting"))) {
            waitingStored.countDown();
        }
    });
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        Files.writeString(work.resolve("go"), "go");
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private PipelineEngine node(String name, PeriodicChecksTest.TestClock clock, ResourceType... types) {
        LocalProcessRuntime runtime = LocalProcessRuntime.builder().baseDirectory(work.resolve(name)).build();
        toClose.add(runtime);
        PipelineEngine.Builder builder = PipelineEngine.builder().storage(nodeStorage).runtime(runtime).clock(clock)
                .nodeName(name).leaseDuration(LEASE).abortGracePeriod(Duration.ofSeconds(1));
        for (ResourceType type : types) {
            builder.resourceType(type);
        }
        PipelineEngine engine = builder.build();
        toClose.add(engine);
        return engine;
    }

    private String waitingPipeline() {
        return """
                jobs:
                - name: long
                  plan:
                  - task: wait
                    config:
                      platform: linux
                      params: {GO: '%s'}
                      run: {path: sh, args: [-c, 'echo waiting; while [ ! -f "$GO" ]; do sleep 0.05; done']}
                """.formatted(work.resolve("go"));
    }

    /** Node A starts the job's build and its task runs, and A stored the task's first line; returns the build. */
    private Build startWaitingBuild(PipelineEngine a) throws Exception {
        a.pipelines().set(CI, waitingPipeline(), StaticVariables.empty());
        Build build = a.jobs().trigger(CI.job("long"));
        followUntilWaitingStored(a, build);
        return build;
    }

    /**
     * Follows the build on node A until its task said "waiting" and A stored that line; returns
     * A's live subscriber.
     */
    private EventCollector followUntilWaitingStored(PipelineEngine a, Build build) throws Exception {
        EventCollector live = new EventCollector();
        a.builds().events(build.id(), 1).subscribe(live);
        assertThat(live.awaitLog("waiting", Duration.ofSeconds(60))).isTrue();
        // Stored, not only in A's memory: a takeover before that would refuse it, and the tests
        // check that what A stored before the takeover stays.
        assertThat(waitingStored.await(60, TimeUnit.SECONDS)).isTrue();
        return live;
    }

    /**
     * Node A pauses (its clock stands still, so its heartbeat never notices): node B starts, its
     * heartbeat takes the build over once A's lease lapsed, and ends it errored (the local runtime
     * cannot resume it). Returns node B.
     */
    private PipelineEngine takenOverByB(PeriodicChecksTest.TestClock clockB, Build build) throws Exception {
        PipelineEngine b = node("node-b", clockB);
        CompletableFuture<Build> takenOver = finishedOn(b, build.id());
        b.start();
        storeTime.set(START.plus(LEASE).plusSeconds(1));
        clockB.advance(LEASE.dividedBy(3));
        assertThat(takenOver.get(60, TimeUnit.SECONDS).status()).isEqualTo(BuildStatus.ERRORED);
        return b;
    }

    private static CompletableFuture<Build> finishedOn(PipelineEngine engine, long buildId) {
        CompletableFuture<Build> finished = new CompletableFuture<>();
        engine.builds().listen(new BuildListener() {
            @Override
            public void finished(Build build) {
                if (build.id() == buildId) {
                    finished.complete(build);
                }
            }
        });
        return finished;
    }

    private List<String> types(long buildId) {
        return storage.events().read(buildId, 1, 1000).stream().map(StoredEvent::type).toList();
    }

    @Test
    void aNodeTakesOverTheBuildOfANodeThatStoppedRenewingItsLeaseAndTheStaleNodeWritesNothingMore()
            throws Exception {
        PeriodicChecksTest.TestClock clockA = new PeriodicChecksTest.TestClock(START);
        PeriodicChecksTest.TestClock clockB = new PeriodicChecksTest.TestClock(START);
        PipelineEngine a = node("node-a", clockA);
        a.start();
        Build build = startWaitingBuild(a);
        assertThat(storage.leases().find("build:" + build.id())).map(Lease::owner).hasValue("node-a");

        // Node B starting while node A's lease is live leaves the build alone.
        PipelineEngine b = node("node-b", clockB);
        CompletableFuture<Build> takenOver = finishedOn(b, build.id());
        b.start();
        assertThat(storage.builds().find(build.id()).orElseThrow().status()).isEqualTo(BuildStatus.STARTED);

        // Node A's clock stands still, so it never renews; once its lease lapsed, B's heartbeat takes over.
        storeTime.set(START.plus(LEASE).plusSeconds(1));
        clockB.advance(LEASE.dividedBy(3));
        Build ended = takenOver.get(60, TimeUnit.SECONDS);
        assertThat(ended.status()).isEqualTo(BuildStatus.ERRORED);
        List<SequencedEvent> events = EventCollector.all(b, build.id());
        BuildEvent.Error error = events.stream().map(SequencedEvent::event).filter(BuildEvent.Error.class::isInstance)
                .map(BuildEvent.Error.class::cast).findFirst().orElseThrow();
        assertThat(error.message()).contains("engine node 'node-a' stopped renewing its lease on this build",
                "engine node 'node-b' took the build over", "could not be resumed", "Trigger the job again");
        assertThat(EventCollector.log(events)).isEqualTo("waiting\n");

        // Node A wakes up: its heartbeat finds the lease taken and stops the run, which stores nothing more.
        List<String> before = types(build.id());
        clockA.advance(LEASE.dividedBy(3));
        assertThat(a.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(types(build.id())).isEqualTo(before).endsWith("error", "status");
        assertThat(storage.builds().find(build.id()).orElseThrow().status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(storage.leases().find("build:" + build.id())).isEmpty();
    }

    @Test
    void aPausedNodeWhoseBuildWasTakenOverStoresNoMoreOfItsEventsAndStopsTheRun() throws Exception {
        PeriodicChecksTest.TestClock clockA = new PeriodicChecksTest.TestClock(START);
        PeriodicChecksTest.TestClock clockB = new PeriodicChecksTest.TestClock(START);
        PipelineEngine a = node("node-a", clockA);
        a.start();
        a.pipelines().set(CI, """
                jobs:
                - name: long
                  plan:
                  - task: wait
                    config:
                      platform: linux
                      params: {MORE: '%s', GO: '%s'}
                      run:
                        path: sh
                        args:
                        - -c
                        - |
                          echo waiting
                          while [ ! -f "$MORE" ]; do sleep 0.05; done
                          echo late line
                          while [ ! -f "$GO" ]; do sleep 0.05; done
                """.formatted(work.resolve("more"), work.resolve("go")), StaticVariables.empty());
        Build build = a.jobs().trigger(CI.job("long"));
        // Once A stored it (had the takeover refused that flush, A would stop before its late line).
        EventCollector live = followUntilWaitingStored(a, build);

        // Node A pauses; node B takes over.
        PipelineEngine b = takenOverByB(clockB, build);
        List<StoredEvent> taken = storage.events().read(build.id(), 1, 1000);

        // A's task goes on printing: A's append is refused by the lease's fence, so A stops the run
        // at once (its heartbeat still stands still) and stores nothing of it.
        Files.writeString(work.resolve("more"), "more");
        assertThat(a.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(live.awaitLog("late line", Duration.ofSeconds(60))).isTrue();

        List<StoredEvent> stored = storage.events().read(build.id(), 1, 1000);
        assertThat(stored).isEqualTo(taken);
        assertThat(stored).map(StoredEvent::sequence)
                .isEqualTo(java.util.stream.LongStream.rangeClosed(1, stored.size()).boxed().toList());
        assertThat(stored).map(StoredEvent::type).endsWith("error", "status");
        assertThat(stored).filteredOn(e -> e.type().equals("log")).map(StoredEvent::json)
                .noneMatch(json -> json.contains("late line"));
        List<SequencedEvent> events = EventCollector.all(b, build.id());
        assertThat(EventCollector.log(events)).isEqualTo("waiting\n");
        assertThat(storage.builds().find(build.id()).orElseThrow().status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(storage.leases().find("build:" + build.id())).isEmpty();
    }

    @Test
    void aNodeThatFindsItsBuildTakenOverHandsTheRunOverRunningNoHookAndStoringNothing() throws Exception {
        PeriodicChecksTest.TestClock clockA = new PeriodicChecksTest.TestClock(START);
        PeriodicChecksTest.TestClock clockB = new PeriodicChecksTest.TestClock(START);
        PipelineEngine a = node("node-a", clockA);
        a.start();
        Path ensured = work.resolve("ensure-ran");
        Path onAbort = work.resolve("on-abort-ran");
        a.pipelines().set(CI, waitingPipeline() + """
                    on_abort:
                      task: mark-abort
                      config:
                        platform: linux
                        params: {MARK: '%s'}
                        run: {path: sh, args: [-c, 'touch "$MARK"']}
                    ensure:
                      task: mark-ensure
                      config:
                        platform: linux
                        params: {MARK: '%s'}
                        run: {path: sh, args: [-c, 'touch "$MARK"']}
                """.formatted(onAbort, ensured), StaticVariables.empty());
        Build build = a.jobs().trigger(CI.job("long"));
        followUntilWaitingStored(a, build);

        // Node A pauses; node B takes the build over and ends it.
        PipelineEngine b = takenOverByB(clockB, build);
        List<StoredEvent> taken = storage.events().read(build.id(), 1, 1000);

        // Node A wakes up: its heartbeat finds the lease taken and hands the run over. The local
        // runtime cannot detach, so the task (which waits for a file that never comes) is stopped;
        // neither hook runs here, and the run ends.
        clockA.advance(LEASE.dividedBy(3));
        assertThat(a.awaitIdle(Duration.ofSeconds(60))).as("node A's run ended").isTrue();
        assertThat(onAbort).as("on_abort ran on the node that lost the build").doesNotExist();
        assertThat(ensured).as("ensure ran on the node that lost the build").doesNotExist();
        assertThat(storage.events().read(build.id(), 1, 1000)).isEqualTo(taken);
        assertThat(storage.builds().find(build.id()).orElseThrow().status()).isEqualTo(BuildStatus.ERRORED);
        assertThat(storage.leases().find("build:" + build.id())).isEmpty();
        assertThat(EventCollector.log(EventCollector.all(b, build.id()))).isEqualTo("waiting\n");
    }

    @Test
    void aStartedBuildWhoseLeaseNobodyHoldsEndsErroredWhenANodeStarts() throws Exception {
        PeriodicChecksTest.TestClock clockA = new PeriodicChecksTest.TestClock(START);
        PipelineEngine a = node("node-a", clockA);
        a.start();
        Build build = startWaitingBuild(a);
        // As for a build left by an engine that ran without leases: nobody holds its lease.
        assertThat(storage.leases().release(storage.leases().find("build:" + build.id()).orElseThrow())).isTrue();

        PipelineEngine b = node("node-b", new PeriodicChecksTest.TestClock(START));
        b.start();

        Build ended = storage.builds().find(build.id()).orElseThrow();
        assertThat(ended.status()).isEqualTo(BuildStatus.ERRORED);
        List<SequencedEvent> events = EventCollector.all(b, build.id());
        assertThat(events).map(SequencedEvent::event).filteredOn(BuildEvent.Error.class::isInstance)
                .map(e -> ((BuildEvent.Error) e).message()).singleElement().asString()
                .contains("no engine node held its lease", "engine node 'node-b' took the build over");
    }

    @Test
    void aPeriodicCheckRunsOnOneNodeAtATime() throws Exception {
        BlockingType blocking = new BlockingType();
        PeriodicChecksTest.TestClock clockA = new PeriodicChecksTest.TestClock(START);
        PeriodicChecksTest.TestClock clockB = new PeriodicChecksTest.TestClock(START);
        PipelineEngine a = node("node-a", clockA, blocking);
        PipelineEngine b = node("node-b", clockB, blocking);
        a.pipelines().set(CI, """
                resources:
                - name: source
                  type: blocking
                  source: {}
                jobs:
                - name: use
                  plan: [{get: source, trigger: true}]
                """, StaticVariables.empty());
        a.start();
        b.start();

        // Never checked, so due at once on both nodes: A's check runs (and blocks), B finds its lease held.
        clockA.advance(Duration.ZERO);
        assertThat(blocking.entered.await(60, TimeUnit.SECONDS)).isTrue();
        clockB.advance(Duration.ZERO);
        assertThat(b.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(blocking.checks.get()).isEqualTo(1);

        blocking.release.countDown();
        assertThat(a.awaitIdle(Duration.ofSeconds(60))).isTrue();
        // B's retry, 10 s later, finds the resource checked by A.
        clockB.advance(Duration.ofSeconds(10));
        assertThat(b.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(blocking.checks.get()).isEqualTo(1);
        assertThat(a.resources().versions(CI.resource("source"), 10)).hasSize(1);
    }

    @Test
    void aBlankNodeNameOrALeaseShorterThanASecondIsRefused() {
        assertThatThrownBy(() -> PipelineEngine.builder().nodeName(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("node name");
        assertThatThrownBy(() -> PipelineEngine.builder().leaseDuration(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lease duration must be at least 1s");
    }

    @Test
    void aNodeStartingWhileAnotherCreatesAOneOffBuildLeavesTheBuildToItsCreator() throws Exception {
        PipelineEngine a = node("node-a", new PeriodicChecksTest.TestClock(START));
        PipelineEngine b = node("node-b", new PeriodicChecksTest.TestClock(START));
        a.start();
        // Node B starts in the moment between node A creating its one-off build and starting it: the
        // build is pending then, and its inputs exist only on node A.
        AtomicReference<Lease> leaseWhenCreated = new AtomicReference<>();
        a.builds().listen(new BuildListener() {
            @Override
            public void created(Build build) {
                if (build.isOneOff()) {
                    leaseWhenCreated.set(storage.leases().find("build:" + build.id()).orElse(null));
                    b.start();
                }
            }
        });
        TaskConfig task = TaskConfigLoader.create().load("task.yml", """
                platform: linux
                run: {path: sh, args: [-c, 'echo from node-a']}
                """).orThrow();

        Build build = a.builds().execute(new OneOffBuild(Team.MAIN, "one-off", task, Map.of(), Map.of(), false));
        Build done = a.builds().await(build.id(), Duration.ofSeconds(60));

        assertThat(done.status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(leaseWhenCreated.get()).as("the lease on the pending one-off build").isNotNull()
                .extracting(Lease::owner).isEqualTo("node-a");
        assertThat(types(build.id())).doesNotContain("error").contains("finish-task");
        assertThat(storage.leases().find("build:" + build.id())).as("released when it ended").isEmpty();
    }

    /** A native type whose checks wait until released, counting them. */
    private static final class BlockingType implements ResourceType {
        final AtomicInteger checks = new AtomicInteger();
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public String name() {
            return "blocking";
        }

        @Override
        public List<Version> check(ResourceRequest request) {
            checks.incrementAndGet();
            entered.countDown();
            try {
                if (!release.await(60, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never released");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return List.of(Version.of("n", "1"));
        }

        @Override
        public ResourceResult get(ResourceRequest request, Path directory) {
            return ResourceResult.of(request.version());
        }

        @Override
        public ResourceResult put(ResourceRequest request, Path directory) {
            throw new UnsupportedOperationException("blocking: put is not supported");
        }
    }
}
