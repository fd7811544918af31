package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.JobRef;
import dev.concourse.Pipeline;
import dev.concourse.PipelineRef;
import dev.concourse.Team;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PipelineLoader;
import dev.concourse.spi.storage.BuildEventStore;
import dev.concourse.spi.storage.BuildStore;
import dev.concourse.spi.storage.ConcurrentUpdateException;
import dev.concourse.spi.storage.PipelineStore;
import dev.concourse.spi.storage.Storage;
import dev.concourse.spi.storage.StoredEvent;
import dev.concourse.spi.storage.TeamStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntFunction;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link Storage} must have, as JUnit Jupiter tests: teams, pipelines and
 * their jobs, resources and resource types, resource versions, builds with their inputs and
 * outputs, build events, the scheduler's version history and transactions, including under
 * concurrency. The engine relies on nothing else, so a store that passes these tests can replace
 * {@code InMemoryStorage}.
 *
 * <p>To check a store, subclass this kit in your test sources and say how to make a fresh, empty
 * storage; every test of the kit then runs against it:
 *
 * <pre>{@code
 * class PostgresStorageConformanceTest extends StorageConformanceTests {
 *     @Override
 *     protected Storage createStorage() {
 *         return PostgresStorage.create(freshDatabase());
 *     }
 *
 *     @Override
 *     protected void cleanUp(Storage storage) {
 *         storage.close();
 *         dropDatabase();
 *     }
 * }
 * }</pre>
 *
 * <p>{@link #createStorage()} is called before each test and must return a storage with no teams,
 * pipelines or builds. {@link #cleanUp(Storage)} is called after each test, with that storage; by
 * default it closes it. Override it to release what the storage does not own (a database, a
 * directory). Tests use fixed instants with whole seconds, so a store may keep times at
 * microsecond precision. Each test takes well under a second on the in-memory store; the
 * concurrency tests use 8 threads and wait at most a minute for them.
 */
public abstract class StorageConformanceTests {
    private static final Instant T0 = Instant.parse("2026-01-01T10:00:00Z");
    private static final int THREADS = 8;

    private Storage storage;

    /** A fresh, empty storage for one test. */
    protected abstract Storage createStorage();

    /** Called after each test with the storage it used; closes it unless overridden. */
    protected void cleanUp(Storage storage) {
        storage.close();
    }

    @BeforeEach
    void createStorageForTest() {
        storage = createStorage();
        assertThat(storage).as("createStorage()").isNotNull();
    }

    @AfterEach
    void cleanUpStorageAfterTest() {
        if (storage != null) {
            cleanUp(storage);
        }
    }

    @Nested
    @DisplayName("teams")
    class TeamStoreContract {

        @Test
        void createIfAbsentCreatesATeamOnceAndThenReturnsIt() {
            Team created = teams().createIfAbsent("main");
            Team again = teams().createIfAbsent("main");

            assertThat(created.name()).isEqualTo("main");
            assertThat(created.id()).isPositive();
            assertThat(again).isEqualTo(created);
            assertThat(teams().find("main")).contains(created);
            assertThat(teams().list()).containsExactly(created);
        }

        @Test
        void findReturnsEmptyForAnUnknownTeam() {
            teams().createIfAbsent("main");

            assertThat(teams().find("other")).isEmpty();
        }

        @Test
        void listReturnsEveryTeamByName() {
            Team zeta = teams().createIfAbsent("zeta");
            Team alpha = teams().createIfAbsent("alpha");
            Team main = teams().createIfAbsent("main");

            assertThat(teams().list()).containsExactly(alpha, main, zeta);
            assertThat(Set.of(zeta.id(), alpha.id(), main.id())).hasSize(3);
        }

        @Test
        void concurrentCreateIfAbsentCreatesOneTeam() throws Exception {
            List<Team> results = concurrently(THREADS, i -> teams().createIfAbsent("busy"));

            assertThat(new HashSet<>(results)).hasSize(1);
            assertThat(teams().list()).containsExactly(results.getFirst());
        }
    }

    @Nested
    @DisplayName("pipelines")
    class PipelineStoreContract {

        @Test
        void saveCreatesAnUnpausedPrivatePipelineAtVersionOne() {
            mainTeam();
            PipelineConfig config = config("build", "test");

            Pipeline saved = pipelines().save(ref("p"), config, -1, false, T0);

            assertThat(saved.id()).isPositive();
            assertThat(saved.ref()).isEqualTo(ref("p"));
            assertThat(saved.config()).isEqualTo(config);
            assertThat(saved.configVersion()).isEqualTo(1);
            assertThat(saved.paused()).isFalse();
            assertThat(saved.isPublic()).isFalse();
            assertThat(saved.archived()).isFalse();
            assertThat(saved.lastUpdated()).isEqualTo(T0);
            assertThat(pipelines().find(ref("p"))).contains(saved);
            assertThat(pipelines().find(saved.id())).contains(saved);
        }

        @Test
        void saveStartsANewPipelinePausedWhenAsked() {
            mainTeam();

            Pipeline saved = pipelines().save(ref("p"), config("build"), -1, true, T0);

            assertThat(saved.paused()).isTrue();
            assertThat(pipelines().find(ref("p")).orElseThrow().paused()).isTrue();
        }

        @Test
        void saveReplacesTheConfigAddsOneToTheVersionAndKeepsTheFlags() {
            mainTeam();
            Pipeline first = pipelines().save(ref("p"), config("build"), -1, false, T0);
            pipelines().setPaused(ref("p"), true);
            pipelines().setPublic(ref("p"), true);
            PipelineConfig changed = pipelineOf(job("build", null, "make"), job("test"));

            Pipeline second = pipelines().save(ref("p"), changed, 1, false, T0.plusSeconds(60));

            assertThat(second.id()).isEqualTo(first.id());
            assertThat(second.config()).isEqualTo(changed);
            assertThat(second.configVersion()).isEqualTo(2);
            assertThat(second.paused()).isTrue();
            assertThat(second.isPublic()).isTrue();
            assertThat(second.lastUpdated()).isEqualTo(T0.plusSeconds(60));
            assertThat(pipelines().find(ref("p"))).contains(second);
        }

        @Test
        void saveWithAStaleVersionFailsAndChangesNothing() {
            mainTeam();
            pipelines().save(ref("p"), config("a"), -1, false, T0);
            Pipeline current = pipelines().save(ref("p"), config("b"), 1, false, T0);

            assertThatThrownBy(() -> pipelines().save(ref("p"), config("c"), 1, false, T0))
                    .isInstanceOf(ConcurrentUpdateException.class);

            assertThat(pipelines().find(ref("p"))).contains(current);
            assertThat(jobNames(current.id())).containsExactly("b");
        }

        @Test
        void saveWithVersionZeroOnlyCreates() {
            mainTeam();
            Pipeline created = pipelines().save(ref("p"), config("a"), 0, false, T0);

            assertThatThrownBy(() -> pipelines().save(ref("p"), config("b"), 0, false, T0))
                    .isInstanceOf(ConcurrentUpdateException.class);
            assertThat(pipelines().find(ref("p"))).contains(created);
        }

        @Test
        void saveExpectingAVersionOfAPipelineThatDoesNotExistFails() {
            mainTeam();

            assertThatThrownBy(() -> pipelines().save(ref("p"), config("a"), 3, false, T0))
                    .isInstanceOf(ConcurrentUpdateException.class);
            assertThat(pipelines().find(ref("p"))).isEmpty();
        }

        @Test
        void saveRejectsAPipelineOfATeamThatDoesNotExist() {
            assertThatThrownBy(() -> pipelines().save(PipelineRef.of("ghosts", "p"), config("a"), -1, false, T0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(pipelines().list("ghosts")).isEmpty();
        }

        @Test
        void concurrentSavesWithExpectedVersionsNeverLoseAnUpdate() throws Exception {
            mainTeam();
            pipelines().save(ref("p"), config("a"), -1, false, T0);
            List<Long> savedVersions = Collections.synchronizedList(new ArrayList<>());
            AtomicInteger conflicts = new AtomicInteger();

            concurrently(THREADS, thread -> {
                for (int attempt = 0; attempt < 20; attempt++) {
                    long read = pipelines().find(ref("p")).orElseThrow().configVersion();
                    try {
                        Pipeline saved = pipelines().save(ref("p"), config("a"), read, false, T0);
                        assertThat(saved.configVersion()).as("version after saving over %d", read).isEqualTo(read + 1);
                        savedVersions.add(saved.configVersion());
                    } catch (ConcurrentUpdateException e) {
                        conflicts.incrementAndGet();
                    }
                }
                return null;
            });

            assertThat(savedVersions).doesNotHaveDuplicates().isNotEmpty();
            assertThat(savedVersions.size() + conflicts.get()).isEqualTo(THREADS * 20);
            assertThat(pipelines().find(ref("p")).orElseThrow().configVersion()).isEqualTo(1L + savedVersions.size());
        }

        @Test
        void listReturnsTheTeamsPipelinesByNameThenInstancesInCreationOrder() {
            mainTeam();
            teams().createIfAbsent("other");
            Pipeline b = pipelines().save(ref("b"), config("j"), -1, false, T0);
            Pipeline a2 = pipelines().save(instance("a", "2"), config("j"), -1, false, T0);
            Pipeline a1 = pipelines().save(instance("a", "1"), config("j"), -1, false, T0);
            pipelines().save(ref("c"), config("j"), -1, false, T0);
            Pipeline c = pipelines().archive(ref("c")).orElseThrow();
            pipelines().save(PipelineRef.of("other", "a"), config("j"), -1, false, T0);

            assertThat(pipelines().list(Team.MAIN)).containsExactly(a2, a1, b, c);
            assertThat(pipelines().list("nobody")).isEmpty();
        }

        @Test
        void instanceVarsTellPipelinesApart() {
            mainTeam();
            Pipeline plain = pipelines().save(ref("p"), config("build"), -1, false, T0);
            Pipeline main = pipelines().save(instance("p", "main"), config("build"), -1, false, T0);
            Pipeline dev = pipelines().save(instance("p", "dev"), config("build"), -1, true, T0);

            assertThat(Set.of(plain.id(), main.id(), dev.id())).hasSize(3);
            Map<String, Object> sameVars = new LinkedHashMap<>();
            sameVars.put("branch", "dev");
            assertThat(pipelines().find(new PipelineRef(Team.MAIN, "p", sameVars))).contains(dev);
            assertThat(pipelines().find(instance("p", "feature"))).isEmpty();
            Job mainJob = pipelines().jobs(main.id()).getFirst();
            Job devJob = pipelines().jobs(dev.id()).getFirst();
            assertThat(mainJob.id()).isNotEqualTo(devJob.id());
            assertThat(mainJob.ref()).isEqualTo(instance("p", "main").job("build"));
            assertThat(pipelines().job(instance("p", "dev").job("build"))).contains(devJob);
        }

        @Test
        void setPausedAndSetPublicUpdateThePipeline() {
            mainTeam();
            Pipeline saved = pipelines().save(ref("p"), config("a"), -1, false, T0);

            Pipeline paused = pipelines().setPaused(ref("p"), true).orElseThrow();
            Pipeline exposed = pipelines().setPublic(ref("p"), true).orElseThrow();

            assertThat(paused.paused()).isTrue();
            assertThat(exposed.paused()).isTrue();
            assertThat(exposed.isPublic()).isTrue();
            assertThat(exposed.configVersion()).isEqualTo(saved.configVersion());
            assertThat(pipelines().find(ref("p"))).contains(exposed);
            assertThat(pipelines().setPaused(ref("p"), false).orElseThrow().paused()).isFalse();
            assertThat(pipelines().setPublic(ref("p"), false).orElseThrow().isPublic()).isFalse();
        }

        @Test
        void setPausedAndSetPublicReturnEmptyForAnUnknownPipeline() {
            mainTeam();

            assertThat(pipelines().setPaused(ref("nope"), true)).isEmpty();
            assertThat(pipelines().setPublic(ref("nope"), true)).isEmpty();
            assertThat(pipelines().archive(ref("nope"))).isEmpty();
            assertThat(pipelines().find(ref("nope"))).isEmpty();
        }

        @Test
        void archivePausesAndDropsTheConfigButKeepsTheBuilds() {
            mainTeam();
            Pipeline saved = pipelines().save(ref("p"), config("a", "b"), -1, false, T0);
            Job a = job(ref("p"), "a");
            Build build = builds().createJobBuild(a.id(), false, 0, T0);

            Pipeline archived = pipelines().archive(ref("p")).orElseThrow();

            assertThat(archived.id()).isEqualTo(saved.id());
            assertThat(archived.archived()).isTrue();
            assertThat(archived.paused()).isTrue();
            assertThat(archived.config().jobs()).isEmpty();
            assertThat(archived.configVersion()).isEqualTo(saved.configVersion() + 1);
            assertThat(archived.lastUpdated()).isEqualTo(saved.lastUpdated());
            assertThat(pipelines().find(ref("p"))).contains(archived);
            assertThat(pipelines().jobs(saved.id())).isEmpty();
            assertThat(pipelines().job(ref("p").job("a"))).isEmpty();
            assertThat(pipelines().job(a.id())).isEmpty();
            assertThat(builds().find(build.id())).contains(build);
            assertThat(builds().listForJob(a.id(), 10)).containsExactly(build);
            assertThatThrownBy(() -> builds().createJobBuild(a.id(), false, 0, T0))
                    .isInstanceOf(IllegalArgumentException.class);
        }

        @Test
        void savingAnArchivedPipelineUnarchivesItWithItsJobsAndLeavesItPaused() {
            mainTeam();
            pipelines().save(ref("p"), config("a"), -1, false, T0);
            Job a = job(ref("p"), "a");
            builds().createJobBuild(a.id(), false, 0, T0);
            Pipeline archived = pipelines().archive(ref("p")).orElseThrow();

            Pipeline unarchived = pipelines().save(ref("p"), config("a"), archived.configVersion(), false, T0);

            assertThat(unarchived.archived()).isFalse();
            assertThat(unarchived.paused()).isTrue();
            assertThat(unarchived.configVersion()).isEqualTo(archived.configVersion() + 1);
            assertThat(job(ref("p"), "a").id()).isEqualTo(a.id());
            assertThat(builds().createJobBuild(a.id(), false, 0, T0).name()).isEqualTo("2");
        }

        @Test
        void renameKeepsTheIdJobsAndBuildsUnderTheNewName() {
            mainTeam();
            Pipeline saved = pipelines().save(ref("old"), config("a"), -1, false, T0);
            Job a = job(ref("old"), "a");
            Build build = builds().createJobBuild(a.id(), false, 0, T0);

            assertThat(pipelines().rename(ref("old"), "new")).isTrue();

            assertThat(pipelines().find(ref("old"))).isEmpty();
            Pipeline renamed = pipelines().find(ref("new")).orElseThrow();
            assertThat(renamed.id()).isEqualTo(saved.id());
            assertThat(renamed.configVersion()).isEqualTo(saved.configVersion());
            assertThat(pipelines().job(ref("new").job("a")).orElseThrow().id()).isEqualTo(a.id());
            assertThat(pipelines().job(ref("old").job("a"))).isEmpty();
            Build after = builds().find(build.id()).orElseThrow();
            assertThat(after.pipeline()).isEqualTo(ref("new"));
            assertThat(after.name()).isEqualTo("1");
            assertThat(pipelines().list(Team.MAIN)).extracting(Pipeline::ref).containsExactly(ref("new"));
        }

        @Test
        void renameRenamesEveryInstanceOfAnInstancedPipeline() {
            mainTeam();
            Pipeline one = pipelines().save(instance("p", "1"), config("a"), -1, false, T0);
            Pipeline two = pipelines().save(instance("p", "2"), config("a"), -1, false, T0);

            assertThat(pipelines().rename(instance("p", "1"), "q")).isTrue();

            assertThat(pipelines().find(instance("q", "1")).orElseThrow().id()).isEqualTo(one.id());
            assertThat(pipelines().find(instance("q", "2")).orElseThrow().id()).isEqualTo(two.id());
            assertThat(pipelines().find(instance("p", "1"))).isEmpty();
            assertThat(pipelines().find(instance("p", "2"))).isEmpty();
        }

        @Test
        void renameFailsWhenTheNewNameIsTakenAndChangesNothing() {
            mainTeam();
            Pipeline a = pipelines().save(ref("a"), config("j"), -1, false, T0);
            Pipeline b = pipelines().save(ref("b"), config("j"), -1, false, T0);

            assertThatThrownBy(() -> pipelines().rename(ref("a"), "b")).isInstanceOf(ConcurrentUpdateException.class);

            assertThat(pipelines().list(Team.MAIN)).containsExactly(a, b);
        }

        @Test
        void renameReturnsFalseForAnUnknownPipeline() {
            mainTeam();

            assertThat(pipelines().rename(ref("nope"), "other")).isFalse();
            assertThat(pipelines().find(ref("other"))).isEmpty();
        }

        @Test
        void deleteRemovesThePipelineWithItsJobsBuildsAndEvents() {
            mainTeam();
            Pipeline doomed = pipelines().save(ref("doomed"), config("a"), -1, false, T0);
            pipelines().save(ref("kept"), config("a"), -1, false, T0);
            Job doomedJob = job(ref("doomed"), "a");
            Job keptJob = job(ref("kept"), "a");
            Build doomedBuild = builds().createJobBuild(doomedJob.id(), false, 0, T0);
            Build keptBuild = builds().createJobBuild(keptJob.id(), false, 0, T0);
            events().append(doomedBuild.id(), logEvents(1, 3));
            events().append(keptBuild.id(), logEvents(1, 2));

            assertThat(pipelines().delete(ref("doomed"))).isTrue();

            assertThat(pipelines().find(ref("doomed"))).isEmpty();
            assertThat(pipelines().find(doomed.id())).isEmpty();
            assertThat(pipelines().jobs(doomed.id())).isEmpty();
            assertThat(pipelines().job(doomedJob.id())).isEmpty();
            assertThat(builds().find(doomedBuild.id())).isEmpty();
            assertThat(builds().listForJob(doomedJob.id(), 10)).isEmpty();
            assertThat(builds().listByStatus(EnumSet.allOf(BuildStatus.class))).containsExactly(keptBuild);
            assertThat(builds().list(10)).containsExactly(keptBuild);
            assertThat(events().read(doomedBuild.id(), 1, 10)).isEmpty();
            assertThat(events().lastSequence(doomedBuild.id())).isZero();
            assertThat(events().lastSequence(keptBuild.id())).isEqualTo(2);
            assertThat(pipelines().delete(ref("doomed"))).isFalse();
        }

        @Test
        void savingAgainAfterDeleteCreatesAFreshPipeline() {
            mainTeam();
            Pipeline first = pipelines().save(ref("p"), config("a"), -1, false, T0);
            builds().createJobBuild(job(ref("p"), "a").id(), false, 0, T0);
            pipelines().delete(ref("p"));

            Pipeline second = pipelines().save(ref("p"), config("a"), -1, false, T0);

            assertThat(second.id()).isNotEqualTo(first.id());
            assertThat(second.configVersion()).isEqualTo(1);
            Job a = job(ref("p"), "a");
            assertThat(builds().listForJob(a.id(), 10)).isEmpty();
            assertThat(builds().createJobBuild(a.id(), false, 0, T0).name()).isEqualTo("1");
        }
    }

    @Nested
    @DisplayName("jobs")
    class JobContract {

        @Test
        void jobsAreListedInConfigOrderWithTheirConfig() {
            mainTeam();
            PipelineConfig config = config("unit", "build", "deploy");
            Pipeline p = pipelines().save(ref("p"), config, -1, false, T0);

            List<Job> jobs = pipelines().jobs(p.id());

            assertThat(jobs).extracting(j -> j.ref().name()).containsExactly("unit", "build", "deploy");
            assertThat(jobs).extracting(Job::config).containsExactlyElementsOf(config.jobs());
            assertThat(jobs).extracting(Job::ref).containsExactly(ref("p").job("unit"), ref("p").job("build"),
                    ref("p").job("deploy"));
            assertThat(jobs).noneMatch(Job::paused);
            assertThat(jobs).extracting(Job::id).doesNotHaveDuplicates().allMatch(id -> id > 0);
            assertThat(pipelines().job(ref("p").job("build"))).contains(jobs.get(1));
            assertThat(pipelines().job(jobs.get(2).id())).contains(jobs.get(2));
        }

        @Test
        void unknownJobsAndPipelinesHaveNoJobs() {
            mainTeam();
            pipelines().save(ref("p"), config("a"), -1, false, T0);

            assertThat(pipelines().job(ref("p").job("zzz"))).isEmpty();
            assertThat(pipelines().job(ref("q").job("a"))).isEmpty();
            assertThat(pipelines().job(987_654_321L)).isEmpty();
            assertThat(pipelines().jobs(987_654_321L)).isEmpty();
            assertThat(pipelines().setJobPaused(ref("p").job("zzz"), true)).isEmpty();
        }

        @Test
        void savingKeepsJobIdsAndPausedFlagsAndFollowsTheNewOrder() {
            mainTeam();
            Pipeline p = pipelines().save(ref("p"), config("a", "b"), -1, false, T0);
            Job a = job(ref("p"), "a");
            Job b = job(ref("p"), "b");
            Job pausedA = pipelines().setJobPaused(ref("p").job("a"), true).orElseThrow();
            PipelineConfig next = pipelineOf(job("b"), job("a", null, "make"), job("c"));

            pipelines().save(ref("p"), next, -1, false, T0);

            List<Job> jobs = pipelines().jobs(p.id());
            assertThat(pausedA.paused()).isTrue();
            assertThat(jobs).extracting(j -> j.ref().name()).containsExactly("b", "a", "c");
            assertThat(jobs.get(0).id()).isEqualTo(b.id());
            assertThat(jobs.get(1).id()).isEqualTo(a.id());
            assertThat(jobs.get(1).paused()).isTrue();
            assertThat(jobs.get(1).config()).isEqualTo(next.jobs().get(1));
            assertThat(jobs.get(2).id()).isNotIn(a.id(), b.id());
            assertThat(jobs.get(2).paused()).isFalse();
        }

        @Test
        void setJobPausedPausesAndUnpauses() {
            mainTeam();
            Pipeline p = pipelines().save(ref("p"), config("a"), -1, false, T0);

            Job paused = pipelines().setJobPaused(ref("p").job("a"), true).orElseThrow();

            assertThat(paused.paused()).isTrue();
            assertThat(pipelines().job(paused.id()).orElseThrow().paused()).isTrue();
            assertThat(pipelines().jobs(p.id()).getFirst().paused()).isTrue();
            assertThat(pipelines().setJobPaused(ref("p").job("a"), false).orElseThrow().paused()).isFalse();
            assertThat(pipelines().find(ref("p")).orElseThrow().paused()).isFalse();
        }

        @Test
        void aJobRemovedFromTheConfigIsHiddenButKeepsItsBuildsAndComesBack() {
            mainTeam();
            Pipeline p = pipelines().save(ref("p"), config("a", "b"), -1, false, T0);
            Job b = job(ref("p"), "b");
            pipelines().setJobPaused(ref("p").job("b"), true);
            Build build = builds().createJobBuild(b.id(), false, 0, T0);

            pipelines().save(ref("p"), config("a"), -1, false, T0);

            assertThat(jobNames(p.id())).containsExactly("a");
            assertThat(pipelines().job(ref("p").job("b"))).isEmpty();
            assertThat(pipelines().job(b.id())).isEmpty();
            assertThat(pipelines().setJobPaused(ref("p").job("b"), false)).isEmpty();
            assertThat(builds().find(build.id())).contains(build);
            assertThat(builds().listForJob(b.id(), 10)).containsExactly(build);
            assertThatThrownBy(() -> builds().createJobBuild(b.id(), false, 0, T0))
                    .isInstanceOf(IllegalArgumentException.class);

            pipelines().save(ref("p"), config("a", "b"), -1, false, T0);

            Job back = job(ref("p"), "b");
            assertThat(back.id()).isEqualTo(b.id());
            assertThat(back.paused()).isTrue();
            assertThat(builds().createJobBuild(b.id(), false, 0, T0).name()).isEqualTo("2");
        }

        @Test
        void oldNameRenamesAJobKeepingItsIdBuildsAndBuildNumbers() {
            mainTeam();
            Pipeline p = pipelines().save(ref("p"), config("compile", "test"), -1, false, T0);
            Job compile = job(ref("p"), "compile");
            Build first = builds().createJobBuild(compile.id(), false, 0, T0);
            builds().createJobBuild(compile.id(), false, 0, T0);

            pipelines().save(ref("p"), pipelineOf(job("build", "compile", "true"), job("test")), -1, false, T0);

            assertThat(jobNames(p.id())).containsExactly("build", "test");
            assertThat(pipelines().job(ref("p").job("compile"))).isEmpty();
            Job renamed = pipelines().job(ref("p").job("build")).orElseThrow();
            assertThat(renamed.id()).isEqualTo(compile.id());
            assertThat(renamed.config().oldName()).isEqualTo("compile");
            assertThat(builds().listForJob(renamed.id(), 10)).extracting(Build::job).containsOnly("build");
            assertThat(builds().find(first.id()).orElseThrow().jobRef()).contains(ref("p").job("build"));
            assertThat(builds().createJobBuild(renamed.id(), false, 0, T0).name()).isEqualTo("3");
        }

        @Test
        void oldNameIsIgnoredWhileAJobOfThatNameIsStillInTheConfig() {
            mainTeam();
            pipelines().save(ref("p"), config("a"), -1, false, T0);
            Job a = job(ref("p"), "a");

            pipelines().save(ref("p"), pipelineOf(job("a"), job("b", "a", "true")), -1, false, T0);

            assertThat(job(ref("p"), "a").id()).isEqualTo(a.id());
            assertThat(job(ref("p"), "b").id()).isNotEqualTo(a.id());
        }
    }

    @Nested
    @DisplayName("builds")
    class BuildStoreContract {

        @Test
        void jobBuildsAreNumberedPerJob() {
            mainTeam();
            pipelines().save(ref("p"), config("a", "b"), -1, false, T0);
            Job a = job(ref("p"), "a");
            Job b = job(ref("p"), "b");

            Build a1 = builds().createJobBuild(a.id(), true, 0, T0);
            Build a2 = builds().createJobBuild(a.id(), false, 0, T0.plusSeconds(1));
            Build b1 = builds().createJobBuild(b.id(), false, 0, T0.plusSeconds(2));
            Build a3 = builds().createJobBuild(a.id(), false, 0, T0.plusSeconds(3));

            assertThat(List.of(a1, a2, b1, a3)).extracting(Build::name).containsExactly("1", "2", "1", "3");
            assertThat(List.of(a1.id(), a2.id(), b1.id(), a3.id())).doesNotHaveDuplicates().allMatch(id -> id > 0);
            assertThat(a1.team()).isEqualTo(Team.MAIN);
            assertThat(a1.pipeline()).isEqualTo(ref("p"));
            assertThat(a1.job()).isEqualTo("a");
            assertThat(a1.status()).isEqualTo(BuildStatus.PENDING);
            assertThat(a1.createTime()).isEqualTo(T0);
            assertThat(a1.startTime()).isNull();
            assertThat(a1.endTime()).isNull();
            assertThat(a1.manuallyTriggered()).isTrue();
            assertThat(a2.manuallyTriggered()).isFalse();
            assertThat(a1.rerunOf()).isZero();
            assertThat(a1.isOneOff()).isFalse();
            assertThat(builds().find(a1.id())).contains(a1);
            assertThat(builds().find(b1.id())).contains(b1);
        }

        @Test
        void concurrentlyCreatedBuildsOfAJobGetDistinctConsecutiveNames() throws Exception {
            mainTeam();
            pipelines().save(ref("p"), config("a"), -1, false, T0);
            long jobId = job(ref("p"), "a").id();
            int perThread = 25;

            List<List<Build>> created = concurrently(THREADS, thread -> IntStream.range(0, perThread)
                    .mapToObj(i -> builds().createJobBuild(jobId, false, 0, T0))
                    .toList());

            List<Build> all = created.stream().flatMap(List::stream).toList();
            assertThat(all).extracting(Build::name).doesNotHaveDuplicates()
                    .containsExactlyInAnyOrderElementsOf(LongStream.rangeClosed(1, THREADS * perThread)
                            .mapToObj(Long::toString).toList());
            assertThat(all).extracting(Build::id).doesNotHaveDuplicates();
            for (List<Build> ofOneThread : created) {
                assertThat(ofOneThread).extracting(b -> Long.parseLong(b.name())).isSorted();
            }
        }

        @Test
        void rerunsAreNamedAfterTheirOriginal() {
            mainTeam();
            pipelines().save(ref("p"), config("a"), -1, false, T0);
            long jobId = job(ref("p"), "a").id();
            Build one = builds().createJobBuild(jobId, false, 0, T0);
            Build two = builds().createJobBuild(jobId, false, 0, T0);

            Build oneDotOne = builds().createJobBuild(jobId, true, one.id(), T0);
            Build oneDotTwo = builds().createJobBuild(jobId, true, one.id(), T0);
            Build rerunOfRerun = builds().createJobBuild(jobId, true, oneDotOne.id(), T0);
            Build twoDotOne = builds().createJobBuild(jobId, true, two.id(), T0);
            Build three = builds().createJobBuild(jobId, false, 0, T0);

            assertThat(oneDotOne.name()).isEqualTo("1.1");
            assertThat(oneDotOne.rerunOf()).isEqualTo(one.id());
            assertThat(oneDotOne.status()).isEqualTo(BuildStatus.PENDING);
            assertThat(oneDotOne.manuallyTriggered()).isTrue();
            assertThat(oneDotTwo.name()).isEqualTo("1.2");
            assertThat(rerunOfRerun.name()).isEqualTo("1.3");
            assertThat(rerunOfRerun.rerunOf()).isEqualTo(one.id());
            assertThat(twoDotOne.name()).isEqualTo("2.1");
            assertThat(twoDotOne.rerunOf()).isEqualTo(two.id());
            assertThat(three.name()).isEqualTo("3");
            assertThat(builds().find(oneDotTwo.id())).contains(oneDotTwo);
        }

        @Test
        void createJobBuildRejectsUnknownJobsAndForeignReruns() {
            mainTeam();
            pipelines().save(ref("p"), config("a", "b"), -1, false, T0);
            long a = job(ref("p"), "a").id();
            long b = job(ref("p"), "b").id();
            Build ofB = builds().createJobBuild(b, false, 0, T0);
            Build oneOff = builds().createOneOffBuild(Team.MAIN, T0);

            assertThatThrownBy(() -> builds().createJobBuild(987_654_321L, false, 0, T0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> builds().createJobBuild(a, false, ofB.id(), T0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> builds().createJobBuild(a, false, oneOff.id(), T0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> builds().createJobBuild(a, false, 987_654_321L, T0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(builds().listForJob(a, 10)).isEmpty();
            assertThat(builds().createJobBuild(a, false, 0, T0).name()).isEqualTo("1");
        }

        @Test
        void oneOffBuildsBelongToATeamAndAreNamedByTheirId() {
            mainTeam();
            pipelines().save(ref("p"), config("a"), -1, false, T0);
            Build jobBuild = builds().createJobBuild(job(ref("p"), "a").id(), false, 0, T0);

            Build oneOff = builds().createOneOffBuild(Team.MAIN, T0.plusSeconds(5));

            assertThat(oneOff.id()).isPositive().isNotEqualTo(jobBuild.id());
            assertThat(oneOff.name()).isEqualTo(Long.toString(oneOff.id()));
            assertThat(oneOff.team()).isEqualTo(Team.MAIN);
            assertThat(oneOff.pipeline()).isNull();
            assertThat(oneOff.job()).isNull();
            assertThat(oneOff.isOneOff()).isTrue();
            assertThat(oneOff.status()).isEqualTo(BuildStatus.PENDING);
            assertThat(oneOff.createTime()).isEqualTo(T0.plusSeconds(5));
            assertThat(oneOff.rerunOf()).isZero();
            assertThat(builds().find(oneOff.id())).contains(oneOff);
        }

        @Test
        void oneOffBuildsNeedAnExistingTeam() {
            assertThatThrownBy(() -> builds().createOneOffBuild("ghosts", T0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(builds().list(10)).isEmpty();
        }

        @Test
        void findReturnsEmptyForAnUnknownBuild() {
            assertThat(builds().find(987_654_321L)).isEmpty();
            assertThat(builds().plan(987_654_321L)).isEmpty();
            assertThat(builds().start(987_654_321L, "{}", T0)).isEmpty();
            assertThat(builds().finish(987_654_321L, BuildStatus.ABORTED, T0)).isEmpty();
        }

        @Test
        void startMovesAPendingBuildToStartedAndStoresThePlan() {
            mainTeam();
            Build build = builds().createOneOffBuild(Team.MAIN, T0);
            String plan = "{\"do\":[{\"task\":\"unit\"}]}";
            assertThat(builds().plan(build.id())).isEmpty();

            Build started = builds().start(build.id(), plan, T0.plusSeconds(1)).orElseThrow();

            assertThat(started.status()).isEqualTo(BuildStatus.STARTED);
            assertThat(started.startTime()).isEqualTo(T0.plusSeconds(1));
            assertThat(started.endTime()).isNull();
            assertThat(started.createTime()).isEqualTo(T0);
            assertThat(builds().find(build.id())).contains(started);
            assertThat(builds().plan(build.id())).contains(plan);
            assertThat(builds().start(build.id(), "{\"other\":1}", T0.plusSeconds(2))).isEmpty();
            assertThat(builds().plan(build.id())).contains(plan);
            assertThat(builds().find(build.id())).contains(started);
        }

        @Test
        void finishSetsAFinalStatusOnlyOnce() {
            mainTeam();
            Build build = builds().createOneOffBuild(Team.MAIN, T0);
            builds().start(build.id(), "{}", T0.plusSeconds(1));

            Build finished = builds().finish(build.id(), BuildStatus.SUCCEEDED, T0.plusSeconds(2)).orElseThrow();

            assertThat(finished.status()).isEqualTo(BuildStatus.SUCCEEDED);
            assertThat(finished.startTime()).isEqualTo(T0.plusSeconds(1));
            assertThat(finished.endTime()).isEqualTo(T0.plusSeconds(2));
            assertThat(builds().finish(build.id(), BuildStatus.FAILED, T0.plusSeconds(3))).isEmpty();
            assertThat(builds().start(build.id(), "{}", T0.plusSeconds(3))).isEmpty();
            assertThat(builds().find(build.id())).contains(finished);
        }

        @Test
        void aPendingBuildCanFinishWithoutStarting() {
            mainTeam();
            Build build = builds().createOneOffBuild(Team.MAIN, T0);

            Build aborted = builds().finish(build.id(), BuildStatus.ABORTED, T0.plusSeconds(1)).orElseThrow();

            assertThat(aborted.status()).isEqualTo(BuildStatus.ABORTED);
            assertThat(aborted.startTime()).isNull();
            assertThat(aborted.endTime()).isEqualTo(T0.plusSeconds(1));
            assertThat(builds().start(build.id(), "{}", T0.plusSeconds(2))).isEmpty();
            assertThat(builds().plan(build.id())).isEmpty();
        }

        @Test
        void finishRejectsAStatusThatIsNotFinal() {
            mainTeam();
            Build build = builds().createOneOffBuild(Team.MAIN, T0);

            assertThatThrownBy(() -> builds().finish(build.id(), BuildStatus.STARTED, T0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> builds().finish(build.id(), BuildStatus.PENDING, T0))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(builds().find(build.id())).contains(build);
        }

        @Test
        void concurrentFinishesLetExactlyOneWin() throws Exception {
            mainTeam();
            Build build = builds().createOneOffBuild(Team.MAIN, T0);
            builds().start(build.id(), "{}", T0);
            BuildStatus[] finals = {BuildStatus.SUCCEEDED, BuildStatus.FAILED, BuildStatus.ERRORED,
                BuildStatus.ABORTED};

            List<Optional<Build>> results = concurrently(THREADS,
                    i -> builds().finish(build.id(), finals[i % finals.length], T0.plusSeconds(i)));

            List<Build> winners = results.stream().flatMap(Optional::stream).toList();
            assertThat(winners).hasSize(1);
            assertThat(builds().find(build.id())).contains(winners.getFirst());
        }

        @Test
        void listForJobReturnsTheJobsBuildsNewestFirst() {
            mainTeam();
            pipelines().save(ref("p"), config("a", "b"), -1, false, T0);
            long a = job(ref("p"), "a").id();
            long b = job(ref("p"), "b").id();
            List<Build> ofA = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                ofA.add(builds().createJobBuild(a, false, 0, T0));
                builds().createJobBuild(b, false, 0, T0);
            }
            ofA.add(builds().createJobBuild(a, true, ofA.getFirst().id(), T0));

            assertThat(builds().listForJob(a, 3)).extracting(Build::name).containsExactly("1.1", "4", "3");
            assertThat(builds().listForJob(a, 100)).containsExactlyElementsOf(ofA.reversed());
            assertThat(builds().listForJob(b, 100)).extracting(Build::job).containsOnly("b").hasSize(4);
        }

        @Test
        void listByStatusReturnsMatchingBuildsOldestFirst() {
            mainTeam();
            pipelines().save(ref("p"), config("a", "b"), -1, false, T0);
            Build first = builds().createJobBuild(job(ref("p"), "a").id(), false, 0, T0);
            Build second = builds().createJobBuild(job(ref("p"), "b").id(), false, 0, T0);
            Build third = builds().createOneOffBuild(Team.MAIN, T0);
            Build fourth = builds().createJobBuild(job(ref("p"), "a").id(), false, 0, T0);
            Build secondStarted = builds().start(second.id(), "{}", T0).orElseThrow();
            Build thirdFailed = builds().finish(third.id(), BuildStatus.FAILED, T0).orElseThrow();

            assertThat(builds().listByStatus(EnumSet.of(BuildStatus.PENDING))).containsExactly(first, fourth);
            assertThat(builds().listByStatus(EnumSet.of(BuildStatus.PENDING, BuildStatus.STARTED)))
                    .containsExactly(first, secondStarted, fourth);
            assertThat(builds().listByStatus(EnumSet.of(BuildStatus.FAILED))).containsExactly(thirdFailed);
            assertThat(builds().listByStatus(EnumSet.of(BuildStatus.SUCCEEDED))).isEmpty();
            assertThat(builds().listByStatus(EnumSet.noneOf(BuildStatus.class))).isEmpty();
        }

        @Test
        void listReturnsEveryBuildNewestFirst() {
            mainTeam();
            pipelines().save(ref("p"), config("a"), -1, false, T0);
            Build first = builds().createJobBuild(job(ref("p"), "a").id(), false, 0, T0);
            Build second = builds().createOneOffBuild(Team.MAIN, T0);
            Build third = builds().createJobBuild(job(ref("p"), "a").id(), false, 0, T0);

            assertThat(builds().list(10)).containsExactly(third, second, first);
            assertThat(builds().list(2)).containsExactly(third, second);
        }
    }

    @Nested
    @DisplayName("build events")
    class BuildEventStoreContract {

        @Test
        void appendedBatchesAreReadBackInOrder() {
            long build = oneOffBuild();

            events().append(build, logEvents(1, 3));
            events().append(build, logEvents(4, 5));

            assertThat(events().read(build, 1, 100)).containsExactlyElementsOf(logEvents(1, 5));
            assertThat(events().lastSequence(build)).isEqualTo(5);
        }

        @Test
        void eventsKeepTheirTypeAndJsonAsGiven() {
            long build = oneOffBuild();
            StoredEvent status = new StoredEvent(1, "status",
                    "{\"event\":\"status\",\"version\":\"1.0\",\"data\":{\"status\":\"started\",\"time\":1}}");
            StoredEvent log = new StoredEvent(2, "log",
                    "{\"event\":\"log\",\"version\":\"5.1\",\"data\":{\"payload\":\"h\\u00e9llo \\\"w\\\"\\n\"}}");

            events().append(build, List.of(status, log));

            assertThat(events().read(build, 1, 10)).containsExactly(status, log);
        }

        @Test
        void readReturnsPagesFromAnySequence() {
            long build = oneOffBuild();
            events().append(build, logEvents(1, 10));

            assertThat(events().read(build, 1, 4)).containsExactlyElementsOf(logEvents(1, 4));
            assertThat(events().read(build, 5, 4)).containsExactlyElementsOf(logEvents(5, 8));
            assertThat(events().read(build, 9, 4)).containsExactlyElementsOf(logEvents(9, 10));
            assertThat(events().read(build, 10, 1)).containsExactlyElementsOf(logEvents(10, 10));
            assertThat(events().read(build, 11, 4)).isEmpty();
        }

        @Test
        void aNewBuildHasAnEmptyLog() {
            long build = oneOffBuild();

            assertThat(events().lastSequence(build)).isZero();
            assertThat(events().read(build, 1, 10)).isEmpty();
        }

        @Test
        void appendRejectsGapsAndOverlapsAndKeepsTheLog() {
            long build = oneOffBuild();

            assertThatThrownBy(() -> events().append(build, logEvents(2, 3)))
                    .as("a first batch not starting at 1").isInstanceOf(IllegalArgumentException.class);
            events().append(build, logEvents(1, 2));
            assertThatThrownBy(() -> events().append(build, logEvents(4, 5)))
                    .as("a gap before the batch").isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> events().append(build, logEvents(2, 3)))
                    .as("an overlap").isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> events().append(build, List.of(logEvent(3), logEvent(5))))
                    .as("a gap inside the batch").isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> events().append(build, List.of(logEvent(3), logEvent(3))))
                    .as("a repeat inside the batch").isInstanceOf(IllegalArgumentException.class);

            assertThat(events().lastSequence(build)).isEqualTo(2);
            assertThat(events().read(build, 1, 10)).containsExactlyElementsOf(logEvents(1, 2));
            events().append(build, logEvents(3, 3));
            assertThat(events().lastSequence(build)).isEqualTo(3);
        }

        @Test
        void anEmptyBatchChangesNothing() {
            long build = oneOffBuild();
            events().append(build, logEvents(1, 2));

            events().append(build, List.of());

            assertThat(events().read(build, 1, 10)).containsExactlyElementsOf(logEvents(1, 2));
        }

        @Test
        void buildsThatDoNotExistHaveNoLog() {
            assertThatThrownBy(() -> events().append(987_654_321L, logEvents(1, 1)))
                    .isInstanceOf(IllegalArgumentException.class);
            assertThat(events().read(987_654_321L, 1, 10)).isEmpty();
            assertThat(events().lastSequence(987_654_321L)).isZero();
        }

        @Test
        void logsOfBuildsAreSeparate() {
            long one = oneOffBuild();
            long two = oneOffBuild();

            events().append(one, logEvents(1, 3));
            events().append(two, logEvents(1, 1));

            assertThat(events().read(one, 1, 10)).hasSize(3);
            assertThat(events().read(two, 1, 10)).containsExactlyElementsOf(logEvents(1, 1));
        }

        @Test
        void deleteEventsEmptiesTheLogButKeepsTheBuild() {
            long build = oneOffBuild();
            long other = oneOffBuild();
            events().append(build, logEvents(1, 5));
            events().append(other, logEvents(1, 2));

            events().deleteEvents(build);

            assertThat(events().read(build, 1, 10)).isEmpty();
            assertThat(events().lastSequence(build)).isZero();
            assertThat(builds().find(build)).isPresent();
            assertThat(events().read(other, 1, 10)).containsExactlyElementsOf(logEvents(1, 2));
            events().append(build, logEvents(1, 1));
            assertThat(events().lastSequence(build)).isEqualTo(1);
            events().deleteEvents(987_654_321L);
        }

        @Test
        void concurrentAppendersToDifferentBuildsKeepEachLogContiguous() throws Exception {
            List<Long> buildIds = IntStream.range(0, THREADS).mapToObj(i -> oneOffBuild()).toList();
            int batches = 300;

            concurrently(THREADS, thread -> {
                long build = buildIds.get(thread);
                for (int batch = 0; batch < batches; batch++) {
                    events().append(build, logEvents(batch * 3L + 1, batch * 3L + 3));
                }
                return null;
            });

            for (long build : buildIds) {
                assertThat(events().lastSequence(build)).isEqualTo(batches * 3L);
                assertThat(events().read(build, 1, batches * 3)).containsExactlyElementsOf(logEvents(1, batches * 3L));
            }
        }

        @Test
        void readersPagingThroughAGrowingLogSeeEveryEventOnceInOrder() throws Exception {
            long build = oneOffBuild();
            int total = 3000;
            AtomicBoolean writing = new AtomicBoolean(true);

            List<List<StoredEvent>> seen = concurrently(THREADS, thread -> {
                if (thread == 0) {
                    try {
                        for (long next = 1; next <= total; next += 5) {
                            events().append(build, logEvents(next, next + 4));
                        }
                    } finally {
                        writing.set(false);
                    }
                    return List.of();
                }
                List<StoredEvent> read = new ArrayList<>();
                boolean lastRound = false;
                while (!lastRound) {
                    lastRound = !writing.get();
                    List<StoredEvent> page;
                    do {
                        page = events().read(build, read.size() + 1L, 64);
                        read.addAll(page);
                    } while (!page.isEmpty());
                }
                return read;
            });

            for (List<StoredEvent> read : seen.subList(1, seen.size())) {
                assertThat(read).containsExactlyElementsOf(logEvents(1, total));
            }
        }
    }

    @Nested
    @DisplayName("transactions")
    class TransactionContract {

        @Test
        void inTransactionReturnsWhatTheWorkReturnsAndCommitsIt() {
            Build build = storage.inTransaction(() -> {
                teams().createIfAbsent(Team.MAIN);
                Build created = builds().createOneOffBuild(Team.MAIN, T0);
                events().append(created.id(), logEvents(1, 2));
                return created;
            });

            assertThat(builds().find(build.id())).contains(build);
            assertThat(events().read(build.id(), 1, 10)).containsExactlyElementsOf(logEvents(1, 2));
        }

        @Test
        void workSeesItsOwnChangesBeforeItCommits() {
            mainTeam();

            storage.inTransaction(() -> {
                Pipeline p = pipelines().save(ref("p"), config("a"), -1, false, T0);
                Job a = job(ref("p"), "a");
                Build build = builds().createJobBuild(a.id(), false, 0, T0);
                events().append(build.id(), logEvents(1, 3));
                events().append(build.id(), logEvents(4, 4));
                assertThat(pipelines().find(ref("p"))).contains(p);
                assertThat(builds().listForJob(a.id(), 10)).containsExactly(build);
                assertThat(events().lastSequence(build.id())).isEqualTo(4);
                assertThat(events().read(build.id(), 2, 2)).containsExactlyElementsOf(logEvents(2, 3));
                events().deleteEvents(build.id());
                assertThat(events().lastSequence(build.id())).isZero();
                events().append(build.id(), logEvents(1, 1));
                return null;
            });

            Build build = builds().list(1).getFirst();
            assertThat(events().read(build.id(), 1, 10)).containsExactlyElementsOf(logEvents(1, 1));
        }

        @Test
        void anExceptionRollsBackTheChangesOfEveryStore() {
            mainTeam();
            Pipeline p = pipelines().save(ref("p"), config("a"), -1, false, T0);
            Job a = job(ref("p"), "a");
            Build existing = builds().createJobBuild(a.id(), false, 0, T0);
            events().append(existing.id(), logEvents(1, 2));
            List<Build> buildsBefore = builds().list(100);
            RuntimeException boom = new IllegalStateException("boom");

            assertThatThrownBy(() -> storage.inTransaction(() -> {
                teams().createIfAbsent("new-team");
                pipelines().save(ref("q"), config("x"), -1, false, T0);
                pipelines().save(ref("p"), config("a", "b"), -1, false, T0);
                pipelines().setPaused(ref("p"), true);
                pipelines().setJobPaused(ref("p").job("a"), true);
                Build created = builds().createJobBuild(a.id(), false, 0, T0);
                builds().createJobBuild(a.id(), true, existing.id(), T0);
                builds().createOneOffBuild(Team.MAIN, T0);
                builds().start(existing.id(), "{}", T0);
                events().append(existing.id(), logEvents(3, 4));
                events().append(created.id(), logEvents(1, 1));
                throw boom;
            })).isSameAs(boom);

            assertThat(teams().list()).extracting(Team::name).containsExactly(Team.MAIN);
            assertThat(pipelines().list(Team.MAIN)).containsExactly(p);
            assertThat(pipelines().jobs(p.id())).containsExactly(a);
            assertThat(builds().list(100)).isEqualTo(buildsBefore);
            assertThat(builds().plan(existing.id())).isEmpty();
            assertThat(events().read(existing.id(), 1, 10)).containsExactlyElementsOf(logEvents(1, 2));
            assertThat(builds().createJobBuild(a.id(), false, 0, T0).name()).isEqualTo("2");
            assertThat(builds().createJobBuild(a.id(), false, existing.id(), T0).name()).isEqualTo("1.1");
        }

        @Test
        void anExceptionRollsBackRenamesArchivesAndDeletions() {
            mainTeam();
            Pipeline renamed = pipelines().save(ref("renamed"), config("a"), -1, false, T0);
            Pipeline archived = pipelines().save(ref("archived"), config("a"), -1, false, T0);
            Pipeline deleted = pipelines().save(ref("deleted"), config("a"), -1, false, T0);
            Job jobOfDeleted = job(ref("deleted"), "a");
            Build build = builds().createJobBuild(jobOfDeleted.id(), false, 0, T0);
            events().append(build.id(), logEvents(1, 3));
            Build finished = builds().createOneOffBuild(Team.MAIN, T0);
            events().append(finished.id(), logEvents(1, 2));
            RuntimeException boom = new IllegalStateException("boom");

            assertThatThrownBy(() -> storage.inTransaction(() -> {
                pipelines().rename(ref("renamed"), "other");
                pipelines().archive(ref("archived"));
                pipelines().delete(ref("deleted"));
                builds().finish(finished.id(), BuildStatus.SUCCEEDED, T0);
                events().deleteEvents(finished.id());
                throw boom;
            })).isSameAs(boom);

            assertThat(pipelines().list(Team.MAIN)).containsExactly(archived, deleted, renamed);
            assertThat(pipelines().jobs(archived.id())).extracting(j -> j.ref().name()).containsExactly("a");
            assertThat(pipelines().job(ref("deleted").job("a"))).contains(jobOfDeleted);
            assertThat(builds().find(build.id())).contains(build);
            assertThat(builds().find(finished.id())).contains(finished);
            assertThat(events().read(build.id(), 1, 10)).containsExactlyElementsOf(logEvents(1, 3));
            assertThat(events().read(finished.id(), 1, 10)).containsExactlyElementsOf(logEvents(1, 2));
            events().append(build.id(), logEvents(4, 4));
        }

        @Test
        void aFailedStoreCallInsideATransactionLeavesNoTrace() {
            mainTeam();
            pipelines().save(ref("p"), config("a"), -1, false, T0);
            Build build = builds().createOneOffBuild(Team.MAIN, T0);

            storage.inTransaction(() -> {
                assertThatThrownBy(() -> pipelines().save(ref("p"), config("b"), 7, false, T0))
                        .isInstanceOf(ConcurrentUpdateException.class);
                assertThatThrownBy(() -> events().append(build.id(), logEvents(2, 3)))
                        .isInstanceOf(IllegalArgumentException.class);
                events().append(build.id(), logEvents(1, 1));
                return null;
            });

            assertThat(pipelines().find(ref("p")).orElseThrow().configVersion()).isEqualTo(1);
            assertThat(events().read(build.id(), 1, 10)).containsExactlyElementsOf(logEvents(1, 1));
        }

        @Test
        void aNestedCallJoinsTheOuterTransaction() {
            RuntimeException boom = new IllegalStateException("boom");

            assertThatThrownBy(() -> storage.inTransaction(() -> {
                teams().createIfAbsent("outer");
                Team inner = storage.inTransaction(() -> teams().createIfAbsent("inner"));
                assertThat(teams().find("inner")).contains(inner);
                throw boom;
            })).isSameAs(boom);

            assertThat(teams().list()).isEmpty();
        }

        @Test
        void aFailingNestedCallUndoesOnlyItsOwnChanges() {
            RuntimeException boom = new IllegalStateException("boom");

            storage.inTransaction(() -> {
                teams().createIfAbsent("before");
                Build build = builds().createOneOffBuild("before", T0);
                events().append(build.id(), logEvents(1, 1));
                assertThatThrownBy(() -> storage.inTransaction(() -> {
                    teams().createIfAbsent("inner");
                    events().append(build.id(), logEvents(2, 2));
                    builds().finish(build.id(), BuildStatus.ERRORED, T0);
                    throw boom;
                })).isSameAs(boom);
                assertThat(events().lastSequence(build.id())).isEqualTo(1);
                teams().createIfAbsent("after");
                return null;
            });

            assertThat(teams().list()).extracting(Team::name).containsExactly("after", "before");
            Build build = builds().list(1).getFirst();
            assertThat(build.status()).isEqualTo(BuildStatus.PENDING);
            assertThat(events().read(build.id(), 1, 10)).containsExactlyElementsOf(logEvents(1, 1));
        }

        @Test
        void otherThreadsDoNotSeeUncommittedChanges() throws Exception {
            mainTeam();
            Build build = builds().createOneOffBuild(Team.MAIN, T0);
            // One thread per lookup: a store may make one of them wait and answer the other.
            ExecutorService other = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> lookups = new ArrayList<>();
                storage.inTransaction(() -> {
                    teams().createIfAbsent("uncommitted");
                    events().append(build.id(), logEvents(1, 2));
                    Future<Long> last = other.submit(() -> events().lastSequence(build.id()));
                    Future<Optional<Team>> team = other.submit(() -> teams().find("uncommitted"));
                    lookups.add(team);
                    lookups.add(last);
                    // A store may make other threads wait for the transaction instead of answering.
                    ifAnsweredWithin(team, answer -> assertThat(answer).as("team seen before commit").isEmpty());
                    ifAnsweredWithin(last, answer -> assertThat(answer).as("events seen before commit").isZero());
                    return null;
                });
                for (Future<?> lookup : lookups) {
                    lookup.get(1, TimeUnit.MINUTES);
                }
            } finally {
                other.shutdownNow();
            }

            assertThat(teams().find("uncommitted")).isPresent();
            assertThat(events().lastSequence(build.id())).isEqualTo(2);
        }

        @Test
        void concurrentTransactionsBecomeVisibleWholeOrNotAtAll() throws Exception {
            int perThread = 40;
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger writersLeft = new AtomicInteger(THREADS - 1);

            concurrently(THREADS, thread -> {
                if (thread == 0) {
                    boolean lastRound = false;
                    while (!lastRound) {
                        lastRound = !writing.get();
                        // Teams first: once a transaction's team is seen, the rest of it must be too.
                        List<Team> teams = teams().list();
                        Map<String, Build> buildOfTeam = new HashMap<>();
                        builds().list(Integer.MAX_VALUE).forEach(b -> buildOfTeam.put(b.team(), b));
                        for (Team team : teams) {
                            Build build = buildOfTeam.get(team.name());
                            assertThat(build).as("build of the transaction that created %s", team).isNotNull();
                            assertThat(build.status()).as("status of %s", build.describe())
                                    .isEqualTo(BuildStatus.STARTED);
                            assertThat(events().lastSequence(build.id())).as("events of %s", build.describe())
                                    .isEqualTo(2);
                        }
                    }
                    return null;
                }
                try {
                    for (int i = 0; i < perThread; i++) {
                        String team = "team-" + thread + "-" + i;
                        storage.inTransaction(() -> {
                            teams().createIfAbsent(team);
                            Build build = builds().createOneOffBuild(team, T0);
                            events().append(build.id(), logEvents(1, 2));
                            return builds().start(build.id(), "{}", T0).orElseThrow();
                        });
                    }
                } finally {
                    if (writersLeft.decrementAndGet() == 0) {
                        writing.set(false);
                    }
                }
                return null;
            });

            assertThat(builds().listByStatus(EnumSet.of(BuildStatus.STARTED))).hasSize((THREADS - 1) * perThread);
            assertThat(teams().list()).hasSize((THREADS - 1) * perThread);
        }
    }

    @Nested
    @DisplayName("resources")
    class ResourceContract extends ResourceStorageContract {
        ResourceContract() {
            super(StorageConformanceTests.this::currentStorage);
        }
    }

    @Nested
    @DisplayName("versions")
    class VersionContract extends VersionStorageContract {
        VersionContract() {
            super(StorageConformanceTests.this::currentStorage);
        }
    }

    @Nested
    @DisplayName("build inputs and outputs")
    class BuildIoContract extends BuildIoStorageContract {
        BuildIoContract() {
            super(StorageConformanceTests.this::currentStorage);
        }
    }

    @Nested
    @DisplayName("version history")
    class HistoryContract extends VersionHistoryContract {
        HistoryContract() {
            super(StorageConformanceTests.this::currentStorage);
        }
    }

    @Nested
    @DisplayName("leases")
    class LeaseContract extends LeaseStorageContract {
        LeaseContract() {
            super(StorageConformanceTests.this::currentStorage);
        }
    }

    @Nested
    @DisplayName("lease-checked event appends")
    class FencedEventContract extends FencedEventStorageContract {
        FencedEventContract() {
            super(StorageConformanceTests.this::currentStorage);
        }
    }

    @Nested
    @DisplayName("input resolution: Concourse's algorithm table")
    class AlgorithmTableContract extends AlgorithmTableStorageContract {
        AlgorithmTableContract() {
            super(StorageConformanceTests.this::currentStorage);
        }
    }

    @Nested
    @DisplayName("input resolution: real pipelines' histories")
    class RealWorldFixturesContract extends RealWorldFixturesStorageContract {
        RealWorldFixturesContract() {
            super(StorageConformanceTests.this::currentStorage);
        }
    }

    // Fixtures

    private Storage currentStorage() {
        return storage;
    }

    private TeamStore teams() {
        return storage.teams();
    }

    private PipelineStore pipelines() {
        return storage.pipelines();
    }

    private BuildStore builds() {
        return storage.builds();
    }

    private BuildEventStore events() {
        return storage.events();
    }

    private Team mainTeam() {
        return teams().createIfAbsent(Team.MAIN);
    }

    private long oneOffBuild() {
        mainTeam();
        return builds().createOneOffBuild(Team.MAIN, T0).id();
    }

    private static PipelineRef ref(String name) {
        return PipelineRef.main(name);
    }

    private static PipelineRef instance(String name, String branch) {
        return new PipelineRef(Team.MAIN, name, Map.of("branch", branch));
    }

    private Job job(PipelineRef pipeline, String name) {
        JobRef ref = pipeline.job(name);
        return pipelines().job(ref).orElseThrow(() -> new AssertionError("no job " + ref));
    }

    private List<String> jobNames(long pipelineId) {
        return pipelines().jobs(pipelineId).stream().map(j -> j.ref().name()).toList();
    }

    /** A valid pipeline with a job of each name. */
    private static PipelineConfig config(String... jobNames) {
        return pipelineOf(Arrays.stream(jobNames).map(StorageConformanceTests::job).toArray(String[]::new));
    }

    private static String job(String name) {
        return job(name, null, "true");
    }

    /** A job's YAML, running {@code command}, with an {@code old_name} unless it is null. */
    private static String job(String name, String oldName, String command) {
        return "- name: " + name + "\n"
                + (oldName == null ? "" : "  old_name: " + oldName + "\n")
                + "  plan:\n"
                + "  - task: run\n"
                + "    config:\n"
                + "      platform: linux\n"
                + "      image_resource: {type: registry-image, source: {repository: busybox}}\n"
                + "      run: {path: \"" + command + "\"}\n";
    }

    private static PipelineConfig pipelineOf(String... jobs) {
        return PipelineLoader.create().load("conformance.yml", "jobs:\n" + String.join("", jobs)).orThrow();
    }

    private static StoredEvent logEvent(long sequence) {
        return new StoredEvent(sequence, "log", "{\"event\":\"log\",\"version\":\"5.1\",\"data\":{\"payload\":\"line "
                + sequence + "\\n\"}}");
    }

    /** Log events with sequences {@code from} to {@code to}, both included. */
    private static List<StoredEvent> logEvents(long from, long to) {
        return LongStream.rangeClosed(from, to).mapToObj(StorageConformanceTests::logEvent).toList();
    }

    private static <T> void ifAnsweredWithin(Future<T> future, Consumer<T> check) {
        try {
            check.accept(future.get(200, TimeUnit.MILLISECONDS));
        } catch (TimeoutException e) {
            // Still waiting for the transaction: that is isolation too.
        } catch (Exception e) {
            throw new AssertionError("lookup from another thread failed", e);
        }
    }

    /**
     * Runs {@code task(0..threads-1)} on as many threads, released together, and returns their
     * results; fails if any throws or they take more than a minute.
     */
    private static <T> List<T> concurrently(int threads, IntFunction<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int thread = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return task.apply(thread);
                }));
            }
            start.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> future : futures) {
                results.add(future.get(1, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
