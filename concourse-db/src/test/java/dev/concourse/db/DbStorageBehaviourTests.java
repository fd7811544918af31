package dev.concourse.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.Build;
import dev.concourse.PipelineRef;
import dev.concourse.Team;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.spi.storage.ConcurrentUpdateException;
import dev.concourse.spi.storage.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What the database store adds to the storage kit: bad input (NUL characters and invalid UTF-16 in
 * logs, oversized values), conflicts between two engine nodes sharing the database, and group
 * commit of many builds' appends.
 */
abstract class DbStorageBehaviourTests {
    static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private JpaStorage storage;

    /** A data source of an empty, migrated database for one test. */
    abstract DataSource dataSource();

    @BeforeEach
    void open() {
        storage = JpaStorage.builder().dataSource(dataSource()).build();
        storage.teams().createIfAbsent(Team.MAIN);
    }

    @AfterEach
    void close() {
        if (storage != null) { // null when the database was not there (an assumption failed in open)
            storage.close();
        }
    }

    private static StoredEvent log(long sequence, String payload) {
        String json = "{\"event\":\"log\",\"version\":\"5.1\",\"data\":{\"payload\":"
                + JSON.writeValueAsString(payload) + "}}";
        return new StoredEvent(sequence, "log", json);
    }

    private static String payload(StoredEvent event) {
        JsonNode node = JSON.readTree(event.json());
        return node.get("data").get("payload").asString();
    }

    @Test
    void aNulCharacterInALogIsStoredAsItsJsonEscapeAndMeansTheSame() {
        Build build = storage.builds().createOneOffBuild(Team.MAIN, T0);
        String raw = "before\u0000after";
        // The JSON as a careless producer writes it: the NUL character itself inside the string.
        StoredEvent event = new StoredEvent(1, "log", "{\"event\":\"log\",\"data\":{\"payload\":\"" + raw + "\"}}");

        storage.events().append(build.id(), List.of(event));

        StoredEvent stored = storage.events().read(build.id(), 1, 10).getFirst();
        assertThat(stored.json()).doesNotContain("\u0000").contains("before\\u0000after");
        assertThat(payload(stored)).isEqualTo(raw);
    }

    @Test
    void loneSurrogatesFromInvalidUtf8BecomeReplacementCharacters() {
        Build build = storage.builds().createOneOffBuild(Team.MAIN, T0);
        String broken = "ok \uD800 then \uDC00 end \uD83D\uDE00";

        storage.events().append(build.id(), List.of(log(1, broken)));

        String stored = payload(storage.events().read(build.id(), 1, 10).getFirst());
        assertThat(stored).isEqualTo("ok \uFFFD then \uFFFD end \uD83D\uDE00");
    }

    @Test
    void anOversizedEventIsRejectedClearlyAndTheLogStaysAsItWas() {
        Build build = storage.builds().createOneOffBuild(Team.MAIN, T0);
        storage.events().append(build.id(), List.of(log(1, "first")));
        String huge = "x".repeat(2 * 1024 * 1024);

        assertThatThrownBy(() -> storage.events().append(build.id(), List.of(log(2, "second"), log(3, huge))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("event 3 of build " + build.id())
                .hasMessageContaining("more than");

        assertThat(storage.events().lastSequence(build.id())).isEqualTo(1);
        storage.events().append(build.id(), List.of(log(2, "second")));
        assertThat(storage.events().read(build.id(), 1, 10)).hasSize(2);
    }

    @Test
    void oversizedNamesAreRejectedClearlyAndChangeNothing() {
        String longName = "t".repeat(2000);

        assertThatThrownBy(() -> storage.teams().createIfAbsent(longName))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("team name is 2000 characters long");
        assertThat(storage.teams().list()).extracting(Team::name).containsExactly(Team.MAIN);
    }

    private static PipelineConfig pipeline(String job) {
        return PipelineLoader.create().load("p.yml", "jobs:\n- name: " + job
                + "\n  plan:\n  - task: t\n    config:\n      platform: linux\n      run: {path: \"true\"}\n").orThrow();
    }

    @Test
    void twoNodesSettingAPipelineFromTheSameVersionConflictInsteadOfLosingAnUpdate() {
        PipelineRef ref = PipelineRef.main("p");
        long version = storage.pipelines().save(ref, pipeline("a"), 0, false, T0).configVersion();
        try (JpaStorage other = JpaStorage.builder().dataSource(dataSource()).build()) {
            other.pipelines().save(ref, pipeline("b"), version, false, T0);

            assertThatThrownBy(() -> storage.pipelines().save(ref, pipeline("c"), version, false, T0))
                    .isInstanceOf(ConcurrentUpdateException.class)
                    .hasMessageContaining("read it again");
        }
        assertThat(storage.pipelines().find(ref).orElseThrow().config().jobs().getFirst().name()).isEqualTo("b");
    }

    @Test
    void twoNodesCreatingBuildsOfOneJobAtOnceGetDistinctConsecutiveNames() throws Exception {
        PipelineRef ref = PipelineRef.main("p");
        storage.pipelines().save(ref, pipeline("a"), 0, false, T0);
        long jobId = storage.pipelines().job(ref.job("a")).orElseThrow().id();
        int perNode = 20;
        try (JpaStorage other = JpaStorage.builder().dataSource(dataSource()).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<List<String>>> results = new ArrayList<>();
                for (JpaStorage node : List.of(storage, other, storage, other)) {
                    results.add(pool.submit(() -> IntStream.range(0, perNode)
                            .mapToObj(i -> node.builds().createJobBuild(jobId, false, 0, T0).name())
                            .toList()));
                }
                Set<String> names = new HashSet<>();
                for (Future<List<String>> result : results) {
                    names.addAll(result.get(2, TimeUnit.MINUTES));
                }
                assertThat(names).hasSize(4 * perNode)
                        .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, 4 * perNode)
                                .mapToObj(Integer::toString).toList());
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void appendsOfManyBuildsAtOnceAreAllStoredContiguously() throws Exception {
        int builds = 40;
        int batches = 25;
        int perBatch = 100;
        List<Long> ids = IntStream.range(0, builds)
                .mapToObj(i -> storage.builds().createOneOffBuild(Team.MAIN, T0).id())
                .toList();
        ExecutorService pool = Executors.newFixedThreadPool(builds);
        long started = System.nanoTime();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (long id : ids) {
                writers.add(pool.submit(() -> {
                    for (int b = 0; b < batches; b++) {
                        List<StoredEvent> batch = new ArrayList<>(perBatch);
                        for (int e = 1; e <= perBatch; e++) {
                            batch.add(log((long) b * perBatch + e, "line " + e + " of batch " + b + "\n"));
                        }
                        storage.events().append(id, batch);
                    }
                    return null;
                }));
            }
            for (Future<?> writer : writers) {
                writer.get(3, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        int total = builds * batches * perBatch;
        System.out.printf("%s: ingested %d log events of %d builds in %.2f s: %.0f events/s%n",
                getClass().getSimpleName(), total, builds, seconds, total / seconds);

        for (long id : ids) {
            assertThat(storage.events().lastSequence(id)).isEqualTo(batches * perBatch);
            List<StoredEvent> page = storage.events().read(id, 1201, 300);
            assertThat(page).extracting(StoredEvent::sequence)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1201, 1500).mapToObj(i -> (long) i).toList());
        }
    }

    @Test
    void anAppendThatDoesNotContinueTheLogFailsAloneInItsGroup() throws Exception {
        Build good = storage.builds().createOneOffBuild(Team.MAIN, T0);
        Build bad = storage.builds().createOneOffBuild(Team.MAIN, T0);
        storage.events().append(bad.id(), List.of(log(1, "one")));
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> ok = pool.submit(() -> storage.events().append(good.id(), List.of(log(1, "a"), log(2, "b"))));
            Future<?> gap = pool.submit(() -> storage.events().append(bad.id(), List.of(log(5, "gap"))));
            ok.get(1, TimeUnit.MINUTES);
            assertThatThrownBy(() -> gap.get(1, TimeUnit.MINUTES))
                    .hasCauseInstanceOf(IllegalArgumentException.class)
                    .cause().hasMessageContaining("must continue its log at sequence 2, not 5");
        } finally {
            pool.shutdownNow();
        }
        assertThat(storage.events().lastSequence(good.id())).isEqualTo(2);
        assertThat(storage.events().lastSequence(bad.id())).isEqualTo(1);
    }
}
