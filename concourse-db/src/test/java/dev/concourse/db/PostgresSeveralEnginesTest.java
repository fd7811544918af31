package dev.concourse.db;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import dev.concourse.Build;
import dev.concourse.BuildListener;
import dev.concourse.BuildStatus;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.ResourceRef;
import dev.concourse.resource.Version;
import dev.concourse.runtime.LocalProcessRuntime;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.vars.StaticVariables;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three engine nodes (each its own {@link JpaStorage} over its own pool) schedule one pipeline on
 * one PostgreSQL at once: every new version is checked on all three nodes at the same moment, so
 * all three schedule the job concurrently, and yet each triggered build is created once and runs
 * once.
 */
class PostgresSeveralEnginesTest {
    private static final int NODES = 3;
    private static final int VERSIONS = 8;
    /** Jobs triggered by every version directly; {@code integration} follows the first. */
    private static final List<String> UNITS = List.of("unit-a", "unit-b", "unit-c", "unit-d");
    private static final PipelineRef CI = PipelineRef.main("ci");
    private static final ResourceRef SOURCE = new ResourceRef(CI, "source");
    private static final String PIPELINE = """
            resources:
            - name: source
              type: mock
              source: {no_initial_version: true}
            jobs:
            - name: unit-a
              plan: [{get: source, trigger: true}]
            - name: unit-b
              plan: [{get: source, trigger: true}]
            - name: unit-c
              plan: [{get: source, trigger: true}]
            - name: unit-d
              plan: [{get: source, trigger: true}]
            - name: integration
              plan: [{get: source, passed: [unit-a], trigger: true}]
            """;

    @TempDir
    Path work;

    private String url;
    private String schema;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final List<JpaStorage> stores = new ArrayList<>();
    private final List<PipelineEngine> engines = new ArrayList<>();
    /** How often each build id was reported created and finished, over all nodes. */
    private final Map<Long, AtomicInteger> created = new ConcurrentHashMap<>();
    private final Map<Long, AtomicInteger> finished = new ConcurrentHashMap<>();
    private final BlockingQueue<Build> finishedBuilds = new LinkedBlockingQueue<>();

    @BeforeEach
    void startNodes() {
        url = TestDatabases.postgresUrl();
        schema = TestDatabases.createSchema(url);
        for (int i = 0; i < NODES; i++) {
            HikariDataSource pool = TestDatabases.pool(TestDatabases.withSchema(url, schema), null, null);
            pools.add(pool);
            JpaStorage storage = JpaStorage.builder().dataSource(pool).build();
            stores.add(storage);
            PipelineEngine engine = PipelineEngine.builder()
                    .storage(storage)
                    .runtime(LocalProcessRuntime.builder().baseDirectory(work.resolve("node-" + i)).build())
                    .abortGracePeriod(Duration.ofSeconds(2))
                    .build();
            engine.builds().listen(new BuildListener() {
                @Override
                public void created(Build build) {
                    created.computeIfAbsent(build.id(), id -> new AtomicInteger()).incrementAndGet();
                }

                @Override
                public void finished(Build build) {
                    finished.computeIfAbsent(build.id(), id -> new AtomicInteger()).incrementAndGet();
                    finishedBuilds.add(build);
                }
            });
            engines.add(engine);
        }
        // A node starting recovers only builds whose lease lapsed, so the order does not matter here.
        engines.forEach(PipelineEngine::start);
    }

    @AfterEach
    void stopNodes() {
        engines.forEach(PipelineEngine::close);
        stores.forEach(JpaStorage::close);
        pools.forEach(HikariDataSource::close);
        if (schema != null) {
            TestDatabases.dropSchema(url, schema);
        }
    }

    /** Waits (60 s at most: another node may pick a job up on its periodic pass) for this job build to finish. */
    private Build awaitFinished(String job, String name) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            for (Build build : List.copyOf(finishedBuilds)) {
                if (job.equals(build.job()) && name.equals(build.name())) {
                    return build;
                }
            }
            long left = deadline - System.nanoTime();
            assertThat(left).as("build %s/%s finished on some node within 60 s", job, name).isPositive();
            Build next = finishedBuilds.poll(left, TimeUnit.NANOSECONDS);
            if (next != null) {
                finishedBuilds.add(next);
            }
            if (next != null && job.equals(next.job()) && name.equals(next.name())) {
                return next;
            }
        }
    }

    private Version fetchedBy(Build build) {
        List<BuildInput> inputs = stores.get(0).builds().inputs(build.id());
        assertThat(inputs).as("inputs of %s", build.describe()).hasSize(1);
        return stores.get(0).versions().version(inputs.get(0).versionId()).orElseThrow();
    }

    @Test
    void eachTriggeredBuildIsCreatedOnceAndRunsOnceAcrossThreeNodes() throws Exception {
        engines.get(0).pipelines().set(CI, PIPELINE, StaticVariables.empty());
        ExecutorService checkers = Executors.newFixedThreadPool(NODES);
        try {
            for (int v = 1; v <= VERSIONS; v++) {
                Version version = Version.of("version", "v" + v);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> checks = new ArrayList<>();
                for (PipelineEngine engine : engines) {
                    checks.add(checkers.submit(() -> {
                        go.await();
                        return engine.resources().check(SOURCE, version);
                    }));
                }
                go.countDown();
                for (Future<?> check : checks) {
                    check.get(60, TimeUnit.SECONDS);
                }
                for (String job : jobs()) {
                    Build build = awaitFinished(job, String.valueOf(v));
                    assertThat(build.status()).isEqualTo(BuildStatus.SUCCEEDED);
                    assertThat(fetchedBy(build)).as("version fetched by %s", build.describe()).isEqualTo(version);
                }
            }
        } finally {
            checkers.shutdownNow();
        }

        List<String> names = new ArrayList<>();
        for (int v = VERSIONS; v >= 1; v--) {
            names.add(String.valueOf(v));
        }
        for (String job : jobs()) {
            List<Build> builds = engines.get(1).jobs().builds(CI.job(job), 100);
            assertThat(builds).as("builds of %s", job).extracting(Build::name).containsExactlyElementsOf(names);
            assertThat(builds).allSatisfy(b -> {
                assertThat(b.status()).isEqualTo(BuildStatus.SUCCEEDED);
                assertThat(b.manuallyTriggered()).isFalse();
                assertThat(created.get(b.id())).as("created reports of %s", b.describe()).hasValue(1);
                assertThat(finished.get(b.id())).as("finished reports of %s", b.describe()).hasValue(1);
            });
        }
        assertThat(created).hasSize(jobs().size() * VERSIONS);
        assertThat(finished).hasSize(jobs().size() * VERSIONS);
    }

    private static List<String> jobs() {
        List<String> jobs = new ArrayList<>(UNITS);
        jobs.add("integration");
        return jobs;
    }
}
