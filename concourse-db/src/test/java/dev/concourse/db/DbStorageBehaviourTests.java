package dev.concourse.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.PipelineRef;
import dev.concourse.Team;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.resource.Version;
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
 * logs, versions and names; oversized events, versions and names), conflicts between two engine
 * nodes sharing the database (the same pipeline saved, the same build finished at once), and group
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
    void anOversizedEventIsStoredAsAnErrorEventSayingWhyAndTheLogGoesOn() {
        Build build = storage.builds().createOneOffBuild(Team.MAIN, T0);
        storage.events().append(build.id(), List.of(log(1, "first")));
        String huge = "{\"event\":\"finish-get\",\"version\":\"5.1\",\"data\":{\"time\":1700000000,"
                + "\"origin\":{\"id\":\"abc123\"},\"exit_status\":0,\"version\":{\"ref\":\""
                + "x".repeat(2 * 1024 * 1024) + "\"}}}";

        storage.events().append(build.id(), List.of(log(2, "second"), new StoredEvent(3, "finish-get", huge)));
        storage.events().append(build.id(), List.of(log(4, "after")));

        List<StoredEvent> stored = storage.events().read(build.id(), 1, 10);
        assertThat(stored).extracting(StoredEvent::sequence).containsExactly(1L, 2L, 3L, 4L);
        StoredEvent replaced = stored.get(2);
        assertThat(replaced.type()).isEqualTo("error");
        assertThat(replaced.json()).hasSizeLessThan(2048)
                .contains("\"time\":1700000000", "\"origin\":{\"id\":\"abc123\"}",
                        "finish-get event (number 3)", "more than the 1048576");
        assertThat(payload(stored.get(3))).isEqualTo("after");
    }

    @Test
    void oversizedNamesAreRejectedClearlyAndChangeNothing() {
        String longName = "t".repeat(2000);

        assertThatThrownBy(() -> storage.teams().createIfAbsent(longName))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("team name is 2000 characters long");
        assertThat(storage.teams().list()).extracting(Team::name).containsExactly(Team.MAIN);
    }

    @Test
    void namesWithNulCharactersAreRejectedClearlyAndChangeNothing() {
        assertThatThrownBy(() -> storage.teams().createIfAbsent("bad\u0000team"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("team name")
                .hasMessageContaining("NUL");
        assertThatThrownBy(() -> storage.pipelines().save(PipelineRef.main("p\u0000"), pipeline("a"), 0, false, T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pipeline name");
        assertThat(storage.teams().list()).extracting(Team::name).containsExactly(Team.MAIN);
        assertThat(storage.pipelines().find(PipelineRef.main("p\u0000"))).isEmpty();
        assertThat(storage.teams().find("bad\u0000team")).isEmpty();
        assertThat(storage.pipelines().job(PipelineRef.main("p").job("j\u0000"))).isEmpty();
        assertThat(storage.pipelines().resource(PipelineRef.main("p").resource("r\u0000"))).isEmpty();
    }

    private long scopeOfResource() {
        PipelineRef ref = PipelineRef.main("versions");
        storage.pipelines().save(ref, PipelineLoader.create().load("p.yml", """
                resources: [{name: r, type: mock}]
                jobs: [{name: a, plan: [{get: r}]}]
                """).orThrow(), 0, false, T0);
        long resourceId = storage.pipelines().resource(ref.resource("r")).orElseThrow().id();
        return storage.versions().assignScope(resourceId, "scope-of-r");
    }

    @Test
    void aHugeVersionIsStoredWholeAndOneOverTheLimitIsRejectedClearly() {
        long scope = scopeOfResource();
        Version huge = Version.of("digest", "d".repeat(4 * 1024 * 1024));

        storage.versions().saveVersions(scope, List.of(huge), T0);
        assertThat(storage.versions().latest(scope).orElseThrow().version()).isEqualTo(huge);

        Version tooLarge = Version.of("blob", "b".repeat(65 * 1024 * 1024));
        assertThatThrownBy(() -> storage.versions().saveVersions(scope, List.of(tooLarge), T0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than");
        assertThat(storage.versions().versions(scope, Long.MAX_VALUE, 10)).extracting(v -> v.version())
                .containsExactly(huge);
    }

    @Test
    void versionFieldsWithNulCharactersRoundTrip() {
        long scope = scopeOfResource();
        Version odd = Version.of("ref", "before\u0000after");

        storage.versions().saveVersions(scope, List.of(odd), T0);

        assertThat(storage.versions().latest(scope).orElseThrow().version()).isEqualTo(odd);
        assertThat(storage.versions().find(scope, odd)).isPresent();
    }

    @Test
    void twoNodesSavingOnePipelineAtOnceFromOneVersionLeaveExactlyOneWinner() throws Exception {
        PipelineRef ref = PipelineRef.main("p");
        long version = storage.pipelines().save(ref, pipeline("a"), 0, false, T0).configVersion();
        try (JpaStorage other = JpaStorage.builder().dataSource(dataSource()).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                Future<String> first = pool.submit(() -> {
                    go.await();
                    storage.pipelines().save(ref, pipeline("from-this"), version, false, T0);
                    return "from-this";
                });
                Future<String> second = pool.submit(() -> {
                    go.await();
                    other.pipelines().save(ref, pipeline("from-other"), version, false, T0);
                    return "from-other";
                });
                go.countDown();
                List<String> winners = new ArrayList<>();
                List<Throwable> losers = new ArrayList<>();
                for (Future<String> f : List.of(first, second)) {
                    try {
                        winners.add(f.get(2, TimeUnit.MINUTES));
                    } catch (java.util.concurrent.ExecutionException e) {
                        losers.add(e.getCause());
                    }
                }
                assertThat(winners).hasSize(1);
                assertThat(losers).singleElement().isInstanceOf(ConcurrentUpdateException.class);
                var stored = other.pipelines().find(ref).orElseThrow();
                assertThat(stored.config().jobs()).extracting(j -> j.name()).containsExactly(winners.getFirst());
                assertThat(stored.configVersion()).isGreaterThan(version);
                assertThat(storage.pipelines().job(ref.job(winners.getFirst()))).isPresent();
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void twoNodesFinishingOneBuildAtOnceStoreOneOutcome() throws Exception {
        Build build = storage.builds().createOneOffBuild(Team.MAIN, T0);
        try (JpaStorage other = JpaStorage.builder().dataSource(dataSource()).build()) {
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                Future<java.util.Optional<Build>> succeeded = pool.submit(() -> {
                    go.await();
                    return storage.builds().finish(build.id(), BuildStatus.SUCCEEDED, T0.plusSeconds(1));
                });
                Future<java.util.Optional<Build>> aborted = pool.submit(() -> {
                    go.await();
                    return other.builds().finish(build.id(), BuildStatus.ABORTED, T0.plusSeconds(2));
                });
                go.countDown();
                java.util.Optional<Build> a = succeeded.get(2, TimeUnit.MINUTES);
                java.util.Optional<Build> b = aborted.get(2, TimeUnit.MINUTES);
                assertThat(a.isPresent() ^ b.isPresent()).as("exactly one node finished the build").isTrue();
                Build winner = a.orElseGet(b::orElseThrow);
                Build stored = other.builds().find(build.id()).orElseThrow();
                assertThat(stored.status()).isEqualTo(winner.status());
                assertThat(stored.endTime()).isEqualTo(winner.endTime());
            } finally {
                pool.shutdownNow();
            }
        }
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
        List<Long> ids = oneOffBuilds(INGEST_BUILDS);
        ingestConcurrently(ids, (index, batch) -> storage.events().append(ids.get(index), batch), "");
        for (long id : ids) {
            assertThat(storage.events().lastSequence(id)).isEqualTo(INGEST_BATCHES * INGEST_PER_BATCH);
            List<StoredEvent> page = storage.events().read(id, 1201, 300);
            assertThat(page).extracting(StoredEvent::sequence)
                    .containsExactlyElementsOf(IntStream.rangeClosed(1201, 1500).mapToObj(i -> (long) i).toList());
        }
    }

    private static final int INGEST_BUILDS = 40;
    private static final int INGEST_BATCHES = 25;
    private static final int INGEST_PER_BATCH = 100;

    private List<Long> oneOffBuilds(int count) {
        return IntStream.range(0, count).mapToObj(i -> storage.builds().createOneOffBuild(Team.MAIN, T0).id()).toList();
    }

    /**
     * The worst case of the group commit: every build's writer appends its batches at once, each
     * through {@code append} (the build's index, the batch); prints the rate.
     */
    private void ingestConcurrently(List<Long> ids, java.util.function.BiConsumer<Integer, List<StoredEvent>> append,
            String how) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(ids.size());
        long started = System.nanoTime();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int i = 0; i < ids.size(); i++) {
                int index = i;
                writers.add(pool.submit(() -> {
                    for (int b = 0; b < INGEST_BATCHES; b++) {
                        List<StoredEvent> batch = new ArrayList<>(INGEST_PER_BATCH);
                        for (int e = 1; e <= INGEST_PER_BATCH; e++) {
                            batch.add(log((long) b * INGEST_PER_BATCH + e, "line " + e + " of batch " + b + "\n"));
                        }
                        append.accept(index, batch);
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
        int total = ids.size() * INGEST_BATCHES * INGEST_PER_BATCH;
        System.out.printf("%s: ingested %d log events of %d builds%s in %.2f s: %.0f events/s%n",
                getClass().getSimpleName(), total, ids.size(), how, seconds, total / seconds);
    }

    /** The engine's fenced append of a leased build's events: the lease-checked append, outside any transaction. */
    private void fencedAppend(dev.concourse.spi.storage.Lease lease, long buildId, List<StoredEvent> batch) {
        storage.events().append(buildId, batch, lease);
    }

    @Test
    void aFencedAppendOfANodeWhoseLeaseWasTakenOverIsRefusedAndTheNewOwnerContinuesTheLog() {
        long id = storage.builds().createOneOffBuild(Team.MAIN, T0).id();
        String name = "build:" + id;
        // A lease that lapses at once, as node A's does once it stopped renewing.
        dev.concourse.spi.storage.Lease a = storage.leases().acquire(name, "node-a", java.time.Duration.ZERO)
                .orElseThrow();
        fencedAppend(a, id, List.of(log(1, "a1\n"), log(2, "a2\n")));

        // An append that fails after it ran in the transaction leaves nothing: it joined the transaction.
        assertThatThrownBy(() -> storage.inTransaction(() -> {
            storage.leases().check(a);
            storage.events().append(id, List.of(log(3, "rolled back\n")));
            throw new IllegalStateException("boom");
        })).hasMessage("boom");
        assertThat(storage.events().lastSequence(id)).isEqualTo(2);

        dev.concourse.spi.storage.Lease b = storage.leases().acquire(name, "node-b", java.time.Duration.ofMinutes(1))
                .orElseThrow();
        assertThat(b.token()).isGreaterThan(a.token());
        assertThatThrownBy(() -> fencedAppend(a, id, List.of(log(3, "stale\n"))))
                .isInstanceOf(ConcurrentUpdateException.class).hasMessageContaining(name);
        long last = storage.events().lastSequence(id);
        assertThat(last).isEqualTo(2);
        fencedAppend(b, id, List.of(log(last + 1, "b3\n")));
        assertThat(storage.events().read(id, 1, 10)).extracting(DbStorageBehaviourTests::payload)
                .containsExactly("a1\n", "a2\n", "b3\n");
        assertThat(storage.events().read(id, 1, 10)).extracting(StoredEvent::sequence).containsExactly(1L, 2L, 3L);
    }

    @Test
    void fencedAppendsOfManyBuildsAtOnceAreAllStoredThroughTheGroupCommit() throws Exception {
        List<Long> ids = oneOffBuilds(INGEST_BUILDS);
        List<dev.concourse.spi.storage.Lease> leases = ids.stream().map(id -> storage.leases()
                .acquire("build:" + id, "node-a", java.time.Duration.ofMinutes(5)).orElseThrow()).toList();
        ingestConcurrently(ids, (index, batch) -> fencedAppend(leases.get(index), ids.get(index), batch),
                " through fenced appends");
        for (long id : ids) {
            assertThat(storage.events().lastSequence(id)).isEqualTo(INGEST_BATCHES * INGEST_PER_BATCH);
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
