package dev.concourse.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.Build;
import dev.concourse.PipelineRef;
import dev.concourse.Team;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.spi.storage.StoredEvent;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What {@link InMemoryStorage} promises beyond the storage kit (which runs in concourse-test-kit):
 * its ids, and how its locks let event logs go on while a transaction runs.
 */
class InMemoryStorageTest {
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");

    private final InMemoryStorage storage = new InMemoryStorage();
    private final ExecutorService otherThread = Executors.newSingleThreadExecutor();

    @AfterEach
    void stopOtherThread() {
        otherThread.shutdownNow();
    }

    @Test
    void idsCountFromOnePerKindAndRolledBackIdsAreNotReused() {
        Team team = storage.teams().createIfAbsent(Team.MAIN);
        long pipelineId = storage.pipelines().save(PipelineRef.main("p"), config(), -1, false, NOW).id();
        long jobId = storage.pipelines().jobs(pipelineId).getFirst().id();
        Build build = storage.builds().createJobBuild(jobId, false, 0, NOW);

        assertThat(List.of(team.id(), pipelineId, jobId, build.id())).containsOnly(1L);

        assertThatThrownBy(() -> storage.inTransaction(() -> {
            storage.builds().createOneOffBuild(Team.MAIN, NOW);
            throw new IllegalStateException("undo");
        })).hasMessage("undo");
        assertThat(storage.builds().createOneOffBuild(Team.MAIN, NOW).id()).isEqualTo(3);
    }

    @Test
    void eventLogsDoNotWaitForATransaction() throws Exception {
        storage.teams().createIfAbsent(Team.MAIN);
        long build = storage.builds().createOneOffBuild(Team.MAIN, NOW).id();
        CountDownLatch inTransaction = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Object> transaction = otherThread.submit(() -> storage.inTransaction(() -> {
            storage.teams().createIfAbsent("busy");
            inTransaction.countDown();
            await(release);
            return null;
        }));
        assertThat(inTransaction.await(1, TimeUnit.MINUTES)).isTrue();

        storage.events().append(build, events(1, 3));
        List<StoredEvent> read = storage.events().read(build, 2, 10);
        long last = storage.events().lastSequence(build);

        release.countDown();
        transaction.get(1, TimeUnit.MINUTES);
        assertThat(read).containsExactlyElementsOf(events(2, 3));
        assertThat(last).isEqualTo(3);
    }

    @Test
    void readersOfTablesWaitForATransactionAndThenSeeItWhole() throws Exception {
        Future<Optional<Team>> lookup = storage.inTransaction(() -> {
            storage.teams().createIfAbsent("new");
            Future<Optional<Team>> submitted = otherThread.submit(() -> storage.teams().find("new"));
            assertThatThrownBy(() -> submitted.get(100, TimeUnit.MILLISECONDS))
                    .as("a read while the transaction runs").isInstanceOf(TimeoutException.class);
            return submitted;
        });

        assertThat(lookup.get(1, TimeUnit.MINUTES)).isPresent();
    }

    @Test
    void aTransactionWhoseEventsRaceAnAppendOutsideItRollsBackWhole() throws Exception {
        storage.teams().createIfAbsent(Team.MAIN);
        long build = storage.builds().createOneOffBuild(Team.MAIN, NOW).id();

        assertThatThrownBy(() -> storage.inTransaction(() -> {
            storage.teams().createIfAbsent("racing");
            storage.events().append(build, events(1, 2));
            // Another thread appends the same sequences outside the transaction meanwhile.
            join(otherThread.submit(() -> storage.events().append(build, events(1, 1))));
            return null;
        })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("build " + build);

        assertThat(storage.teams().find("racing")).isEmpty();
        assertThat(storage.events().read(build, 1, 10)).containsExactlyElementsOf(events(1, 1));
    }

    @Test
    void appendsToTheLogOfADeletedBuildFail() {
        storage.teams().createIfAbsent(Team.MAIN);
        storage.pipelines().save(PipelineRef.main("p"), config(), -1, false, NOW);
        long jobId = storage.pipelines().job(PipelineRef.main("p").job("a")).orElseThrow().id();
        long build = storage.builds().createJobBuild(jobId, false, 0, NOW).id();
        storage.events().append(build, events(1, 1));

        storage.pipelines().delete(PipelineRef.main("p"));

        assertThatThrownBy(() -> storage.events().append(build, events(1, 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no build with id " + build);
    }

    @Test
    void aPageReadIsAnImmutableSnapshot() {
        storage.teams().createIfAbsent(Team.MAIN);
        long build = storage.builds().createOneOffBuild(Team.MAIN, NOW).id();
        storage.events().append(build, events(1, 1_000));

        List<StoredEvent> page = storage.events().read(build, 991, 100);
        storage.events().append(build, events(1_001, 1_001));

        assertThat(page).containsExactlyElementsOf(events(991, 1_000));
        assertThatThrownBy(() -> page.add(events(1, 1).getFirst())).isInstanceOf(UnsupportedOperationException.class);
    }

    private static PipelineConfig config() {
        String yaml = """
                jobs:
                - name: a
                  plan:
                  - task: run
                    config:
                      platform: linux
                      image_resource: {type: registry-image, source: {repository: busybox}}
                      run: {path: "true"}
                """;
        return PipelineLoader.create().load("p.yml", yaml).orThrow();
    }

    private static List<StoredEvent> events(long from, long to) {
        return LongStream.rangeClosed(from, to)
                .mapToObj(n -> new StoredEvent(n, "log", "{\"event\":\"log\",\"data\":{\"payload\":\"" + n + "\"}}"))
                .toList();
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(1, TimeUnit.MINUTES)) {
                throw new AssertionError("not released within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void join(Future<?> future) {
        try {
            future.get(1, TimeUnit.MINUTES);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
