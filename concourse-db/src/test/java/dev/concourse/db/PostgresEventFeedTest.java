package dev.concourse.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.Team;
import dev.concourse.spi.storage.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes on one PostgreSQL: what one appends, the other's feed delivers, in order and once, also
 * after its listening connection was killed (as a PostgreSQL restart kills it).
 */
class PostgresEventFeedTest {
    private String url;
    private String schema;
    private HikariDataSource poolA;
    private HikariDataSource poolB;
    private JpaStorage nodeA;
    private JpaStorage nodeB;

    @BeforeEach
    void startTwoNodes() {
        url = TestDatabases.postgresUrl();
        schema = TestDatabases.createSchema(url);
        poolA = TestDatabases.pool(TestDatabases.withSchema(url, schema), null, null);
        poolB = TestDatabases.pool(TestDatabases.withSchema(url, schema), null, null);
        nodeA = JpaStorage.builder().dataSource(poolA).build();
        nodeB = JpaStorage.builder().dataSource(poolB).build();
        nodeA.teams().createIfAbsent(Team.MAIN);
    }

    @AfterEach
    void stop() {
        nodeA.close();
        nodeB.close();
        poolA.close();
        poolB.close();
        TestDatabases.dropSchema(url, schema);
    }

    private static List<StoredEvent> logs(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(i -> new StoredEvent(i, "log", "{\"event\":\"log\",\"data\":{\"payload\":\"" + i + "\"}}"))
                .toList();
    }

    /** Takes events until {@code count} arrived, waiting at most 30 seconds for the other node. */
    private static List<StoredEvent> take(BlockingQueue<StoredEvent> queue, int count) throws InterruptedException {
        List<StoredEvent> got = new ArrayList<>();
        while (got.size() < count) {
            StoredEvent event = queue.poll(30, TimeUnit.SECONDS);
            if (event == null) {
                break;
            }
            got.add(event);
        }
        return got;
    }

    @Test
    void eventsAppendedOnOneNodeReachTheOtherNodesFollowerInOrderOnce() throws Exception {
        long build = nodeA.builds().createOneOffBuild(Team.MAIN, DbStorageBehaviourTests.T0).id();
        nodeA.events().append(build, logs(1, 3));
        BlockingQueue<StoredEvent> received = new LinkedBlockingQueue<>();

        try (BuildEventFeed feed = BuildEventFeed.start(poolB, nodeB)) {
            feed.follow(build, 2, received::addAll);
            nodeA.events().append(build, logs(4, 10));
            nodeA.events().append(build, logs(11, 12));

            assertThat(take(received, 11)).containsExactlyElementsOf(logs(2, 12));
            assertThat(received).as("nothing twice").isEmpty();
        }
    }

    @Test
    void aClosedSubscriptionGetsNothingMore() throws Exception {
        long build = nodeA.builds().createOneOffBuild(Team.MAIN, DbStorageBehaviourTests.T0).id();
        BlockingQueue<StoredEvent> stopped = new LinkedBlockingQueue<>();
        BlockingQueue<StoredEvent> going = new LinkedBlockingQueue<>();

        try (BuildEventFeed feed = BuildEventFeed.start(poolB, nodeB)) {
            BuildEventFeed.Subscription first = feed.follow(build, 1, stopped::addAll);
            feed.follow(build, 1, going::addAll);
            nodeA.events().append(build, logs(1, 2));
            assertThat(take(stopped, 2)).containsExactlyElementsOf(logs(1, 2));
            first.close();
            nodeA.events().append(build, logs(3, 4));

            // The other follower of the build got both batches, so the second was dispatched.
            assertThat(take(going, 4)).containsExactlyElementsOf(logs(1, 4));
            assertThat(stopped).isEmpty();
        }
    }

    @Test
    void afterItsConnectionIsKilledTheFeedReconnectsAndDeliversWhatWasCommittedMeanwhile() throws Exception {
        long build = nodeA.builds().createOneOffBuild(Team.MAIN, DbStorageBehaviourTests.T0).id();
        BlockingQueue<StoredEvent> received = new LinkedBlockingQueue<>();

        try (BuildEventFeed feed = BuildEventFeed.start(poolB, nodeB)) {
            feed.follow(build, 1, received::addAll);
            nodeA.events().append(build, logs(1, 5));
            assertThat(take(received, 5)).containsExactlyElementsOf(logs(1, 5));

            // What a PostgreSQL restart does to the listening connection.
            TestDatabases.execute(url, "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    + " WHERE query = 'LISTEN concourse_events' AND pid <> pg_backend_pid()");
            nodeA.events().append(build, logs(6, 20));
            nodeA.events().append(build, logs(21, 25));

            assertThat(take(received, 20)).containsExactlyElementsOf(logs(6, 25));
            assertThat(feed.reconnects()).isPositive();
            assertThat(received).as("nothing twice").isEmpty();
        }
    }
}
