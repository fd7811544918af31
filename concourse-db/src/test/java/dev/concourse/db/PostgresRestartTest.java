package dev.concourse.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.OneOffBuild;
import dev.concourse.PipelineEngine;
import dev.concourse.Team;
import dev.concourse.event.BuildEvent;
import dev.concourse.event.SequencedEvent;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.storage.StoredEvent;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL restarts (killed as in a crash, then started again) while a build on node A streams
 * its log and a subscriber on node B follows it. The server is the test's own
 * ({@link PrivatePostgres}), never the shared one.
 */
class PostgresRestartTest {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresRestartTest.class);

    @TempDir
    Path work;

    private PrivatePostgres server;
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private JpaStorage storageA;
    private JpaStorage storageB;
    private PipelineEngine nodeA;
    private PipelineEngine nodeB;

    @BeforeEach
    void startServerAndTwoNodes() throws Exception {
        server = PrivatePostgres.start();
        storageA = storage();
        storageB = storage();
        nodeA = engine(storageA, "a");
        nodeB = engine(storageB, "b");
        nodeA.start();
        nodeB.start();
    }

    private JpaStorage storage() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(server.url());
        config.setMaximumPoolSize(8);
        // Calls made while the server is down fail after this, rather than after the default 30 s.
        config.setConnectionTimeout(5_000);
        config.setPoolName("restart-" + UUID.randomUUID().toString().substring(0, 8));
        HikariDataSource pool = new HikariDataSource(config);
        toClose.add(pool);
        JpaStorage storage = JpaStorage.builder().dataSource(pool).build();
        toClose.add(storage);
        return storage;
    }

    private PipelineEngine engine(JpaStorage storage, String name) {
        PipelineEngine engine = PipelineEngine.builder()
                .storage(storage)
                .runtime(LocalProcessRuntime.builder().baseDirectory(work.resolve(name)).build())
                .abortGracePeriod(Duration.ofSeconds(2))
                .build();
        toClose.add(engine);
        return engine;
    }

    @AfterEach
    void stopEverything() {
        try {
            for (AutoCloseable c : toClose.reversed()) {
                try {
                    c.close();
                } catch (Exception e) {
                    LOG.warn("closing {} failed", c, e);
                }
            }
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    void theNodesRecoverFromARestartWhileABuildStreamsAndNoAcknowledgedEventIsLost() throws Exception {
        Build build = nodeA.builds().execute(new OneOffBuild(Team.MAIN, "printer",
                PostgresCrossNodeEventsTest.printingTask(160, "0.05"), Map.of(), Map.of(), false));
        TimedSubscriber onA = new TimedSubscriber();
        TimedSubscriber onB = new TimedSubscriber();
        nodeA.builds().events(build.id(), 1).subscribe(onA);
        nodeB.builds().events(build.id(), 1).subscribe(onB);

        assertThat(onB.awaitEvents(25, Duration.ofSeconds(60))).as("node B follows the build before the restart")
                .isTrue();
        List<StoredEvent> acknowledged = storageA.events().read(build.id(), 1, 100_000);
        long down = System.nanoTime();
        server.stopServer("immediate");
        server.startServer();
        Duration outage = Duration.ofNanos(System.nanoTime() - down);
        int seenByBAtRestart = onB.events().size();

        Build done = nodeA.builds().await(build.id(), Duration.ofSeconds(120));
        assertThat(onB.awaitDone(Duration.ofSeconds(60))).as("node B's subscriber completed").isTrue();
        assertThat(onA.awaitDone(Duration.ofSeconds(10))).as("node A's subscriber completed").isTrue();
        LOG.info("PostgreSQL was down {} ms; node B had {} events then, {} at the end (load {})", outage.toMillis(),
                seenByBAtRestart, onB.events().size(), TimedSubscriber.load());

        // The build ran through the outage: its output and outcome are whole.
        assertThat(done.status()).as("status of %s", done.describe()).isEqualTo(BuildStatus.SUCCEEDED);
        List<StoredEvent> stored = storageB.events().read(build.id(), 1, 100_000);
        assertThat(stored.subList(0, acknowledged.size())).as("events committed before the restart")
                .isEqualTo(acknowledged);
        assertThat(stored).extracting(StoredEvent::sequence)
                .containsExactlyElementsOf(LongStream.rangeClosed(1, stored.size()).boxed().toList());
        String output = onA.events().stream().map(SequencedEvent::event).filter(BuildEvent.Log.class::isInstance)
                .map(e -> ((BuildEvent.Log) e).payload()).reduce("", String::concat);
        StringBuilder expected = new StringBuilder();
        for (int i = 1; i <= 160; i++) {
            expected.append("line ").append(i).append('\n');
        }
        assertThat(output).isEqualTo(expected.toString());

        // Node B's subscriber missed nothing and got nothing twice: its feed reconnected and read on.
        assertThat(onB.error()).isNull();
        assertThat(onB.events()).isEqualTo(onA.events());
        assertThat(onB.events()).hasSize(stored.size());
        assertThat(onB.events().getLast().event()).isInstanceOf(BuildEvent.Status.class);

        // Both nodes keep working: a new build on node A succeeds, and node B follows it live.
        Build next = nodeA.builds().execute(new OneOffBuild(Team.MAIN, "after",
                PostgresCrossNodeEventsTest.printingTask(5, "0.05"), Map.of(), Map.of(), false));
        TimedSubscriber nextOnB = new TimedSubscriber();
        nodeB.builds().events(next.id(), 1).subscribe(nextOnB);
        assertThat(nodeA.builds().await(next.id(), Duration.ofSeconds(60)).status()).isEqualTo(BuildStatus.SUCCEEDED);
        assertThat(nextOnB.awaitDone(Duration.ofSeconds(30))).isTrue();
        assertThat(nextOnB.completed()).isTrue();
        assertThat(nextOnB.events().getLast().event()).isInstanceOf(BuildEvent.Status.class);
    }
}
