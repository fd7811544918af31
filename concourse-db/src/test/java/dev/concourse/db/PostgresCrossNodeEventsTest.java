package dev.concourse.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.OneOffBuild;
import dev.concourse.PipelineEngine;
import dev.concourse.Team;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskConfigLoader;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.runtime.LocalProcessRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestReporter;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two engine nodes on one PostgreSQL schema: a subscriber on node B follows a build that runs on
 * node A, live, through the store's commit notifications (LISTEN/NOTIFY), and completes when the
 * build finishes.
 */
class PostgresCrossNodeEventsTest {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresCrossNodeEventsTest.class);

    @TempDir
    Path work;

    private String url;
    private String schema;
    private HikariDataSource poolA;
    private HikariDataSource poolB;
    private JpaStorage storageA;
    private JpaStorage storageB;
    private PipelineEngine nodeA;
    private PipelineEngine nodeB;

    @BeforeEach
    void startTwoNodes() {
        url = TestDatabases.postgresUrl();
        schema = TestDatabases.createSchema(url);
        poolA = TestDatabases.pool(TestDatabases.withSchema(url, schema), null, null);
        poolB = TestDatabases.pool(TestDatabases.withSchema(url, schema), null, null);
        storageA = JpaStorage.builder().dataSource(poolA).build();
        storageB = JpaStorage.builder().dataSource(poolB).build();
        nodeA = engine(storageA, "a");
        nodeB = engine(storageB, "b");
        nodeA.start();
        nodeB.start();
    }

    private PipelineEngine engine(JpaStorage storage, String name) {
        return PipelineEngine.builder()
                .storage(storage)
                .runtime(LocalProcessRuntime.builder().baseDirectory(work.resolve(name)).build())
                .abortGracePeriod(Duration.ofSeconds(2))
                .build();
    }

    @AfterEach
    void stopNodes() {
        for (AutoCloseable c : new AutoCloseable[] {nodeA, nodeB, storageA, storageB, poolA, poolB}) {
            if (c != null) {
                try {
                    c.close();
                } catch (Exception e) {
                    // closing the rest matters more
                }
            }
        }
        if (schema != null) {
            TestDatabases.dropSchema(url, schema);
        }
    }

    static TaskConfig printingTask(int lines, String pause) {
        return TaskConfigLoader.create().load("task.yml", """
                platform: linux
                run:
                  path: sh
                  args: [-c, 'sleep 1; i=1; while [ $i -le %d ]; do echo "line $i"; i=$((i+1)); sleep %s; done']
                """.formatted(lines, pause)).orThrow();
    }

    @Test
    void aSubscriberOnNodeBGetsEveryEventOfABuildRunningOnNodeAInOrderAndItsCompletion(TestReporter reporter)
            throws Exception {
        Build build = nodeA.builds().execute(new OneOffBuild(Team.MAIN, "printer", printingTask(60, "0.02"),
                Map.of(), Map.of(), false));
        TimedSubscriber onA = new TimedSubscriber();
        TimedSubscriber onB = new TimedSubscriber();
        nodeA.builds().events(build.id(), 1).subscribe(onA);
        nodeB.builds().events(build.id(), 1).subscribe(onB);
        long subscribed = System.nanoTime();

        assertThat(onB.awaitDone(Duration.ofSeconds(60))).as("node B's subscriber completed").isTrue();
        assertThat(onA.awaitDone(Duration.ofSeconds(10))).as("node A's subscriber completed").isTrue();

        assertThat(onB.error()).isNull();
        assertThat(onB.completed()).isTrue();
        List<SequencedEvent> events = onB.events();
        assertThat(events).isEqualTo(onA.events());
        assertThat(events).extracting(SequencedEvent::sequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, events.size()).boxed().toList());
        assertThat(events.getLast().event()).isEqualTo(new BuildEvent.Status(events.getLast().event().time(),
                BuildStatus.SUCCEEDED));
        String output = events.stream().map(SequencedEvent::event).filter(BuildEvent.Log.class::isInstance)
                .map(e -> ((BuildEvent.Log) e).payload()).reduce("", String::concat);
        assertThat(output).startsWith("line 1\n").contains("line 30\n").endsWith("line 60\n");
        // A build's events are stored before its final status, so B's subscriber can complete on the
        // final status event a moment before node A stores the status: wait for A to have stored it.
        assertThat(nodeA.builds().await(build.id(), Duration.ofSeconds(30)).status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(nodeB.builds().get(build.id()).orElseThrow().status()).isEqualTo(BuildStatus.SUCCEEDED);

        List<Long> delays = TimedSubscriber.delaysMicros(onA, onB, subscribed);
        assertThat(delays).as("events node B got after node A's subscriber got them live").isNotEmpty();
        String summary = TimedSubscriber.summary(delays);
        reporter.publishEntry("cross-node event delay", summary);
        LOG.info("Cross-node event delay (node A's live subscriber -> node B's, load {}): {}",
                TimedSubscriber.load(), summary);
    }

    @Test
    void aSubscriberOnNodeBToAFinishedBuildOfNodeAGetsItsStoredEventsAndCompletes() throws Exception {
        Build build = nodeA.builds().execute(new OneOffBuild(Team.MAIN, "short", printingTask(3, "0"), Map.of(),
                Map.of(), false));
        Build done = nodeA.builds().await(build.id(), Duration.ofSeconds(60));
        assertThat(done.status()).isEqualTo(BuildStatus.SUCCEEDED);

        TimedSubscriber late = new TimedSubscriber();
        nodeB.builds().events(build.id(), 2).subscribe(late);

        assertThat(late.awaitDone(Duration.ofSeconds(30))).isTrue();
        assertThat(late.completed()).isTrue();
        assertThat(late.events()).extracting(SequencedEvent::sequence).first().isEqualTo(2L);
        assertThat(late.events().getLast().event()).isInstanceOf(BuildEvent.Status.class);
        assertThat(late.events().size()).isEqualTo(storageB.events().lastSequence(build.id()) - 1);
    }
}
