package dev.concourse.internal.scheduler.algorithm.table;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.PipelineRef;
import dev.concourse.Resource;
import dev.concourse.Team;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.ResourceConfig;
import dev.concourse.internal.scheduler.algorithm.InputConfig;
import dev.concourse.internal.scheduler.algorithm.InputResolver;
import dev.concourse.internal.scheduler.algorithm.InputResult;
import dev.concourse.internal.scheduler.algorithm.Resolution;
import dev.concourse.internal.scheduler.algorithm.table.Scenario.Input;
import dev.concourse.internal.scheduler.algorithm.table.Scenario.Pipe;
import dev.concourse.internal.scheduler.algorithm.table.Scenario.Row;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.BuildOutput;
import dev.concourse.storage.InMemoryStorage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Concourse's input-resolution table, ported as data ({@code src/test/resources/algorithm-table},
 * one scenario per file; see the {@code NOT-PORTED.md} there): each scenario's versions database is
 * loaded into a fresh {@link InMemoryStorage}, and {@link InputResolver} must resolve the
 * {@code current} job's inputs as Concourse does. The storage kit of {@code concourse-test-kit}
 * packages the same files and runs them against every store through the engine's public API.
 */
class AlgorithmTableTest {
    private static final Instant NOW = Instant.parse("2026-01-01T10:00:00Z");
    private static final PipelineRef PIPELINE = PipelineRef.main("algorithm");

    static Stream<Scenario> scenarios() throws IOException, URISyntaxException {
        Path dir = Path.of(Objects.requireNonNull(AlgorithmTableTest.class.getResource("/algorithm-table")).toURI());
        try (Stream<Path> files = Files.list(dir)) {
            List<Scenario> scenarios = files.filter(f -> f.toString().endsWith(".yml")).sorted()
                    .map(Scenario::load).toList();
            assertThat(scenarios).as("scenarios in %s", dir).isNotEmpty();
            return scenarios.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void resolvesInputsAsConcourseDoes(Scenario scenario) {
        try (InMemoryStorage storage = new InMemoryStorage()) {
            LoadedDatabase db = LoadedDatabase.load(storage, scenario);
            InputResolver resolver = new InputResolver(storage.history());
            for (int i = 1; i <= scenario.iterations(); i++) {
                Resolution resolution = resolver.resolve(db.jobId(Scenario.CURRENT_JOB), db.inputConfigs());
                assertMatches(scenario, db, resolution, i);
            }
        }
    }

    private static void assertMatches(Scenario scenario, LoadedDatabase db, Resolution resolution, int iteration) {
        Map<String, String> values = new TreeMap<>();
        Map<String, String> errors = new TreeMap<>();
        Map<String, Set<Long>> passedBuilds = new TreeMap<>();
        resolution.inputs().forEach((name, result) -> {
            if (result.error() != null) {
                errors.put(name, result.error());
            } else if (resolution.ok()) {
                values.put(name, db.versionName(result.versionId()));
                passedBuilds.put(name, db.scenarioBuildIds(result.passedBuildIds()));
            }
        });
        String what = "%s (iteration %d): %s".formatted(scenario.file(), iteration, describe(resolution, db));
        assertThat(resolution.ok()).as("ok of " + what).isEqualTo(scenario.expect().ok());
        assertThat(errors).as("errors of " + what).isEqualTo(new TreeMap<>(scenario.expect().errors()));
        assertThat(values).as("values of " + what).isEqualTo(new TreeMap<>(scenario.expect().values()));
        scenario.expect().passedBuilds().forEach((input, expected) -> assertThat(passedBuilds.get(input))
                .as("passed builds of input %s in %s", input, what).isEqualTo(expected));
        if (scenario.expect().hasNext() != null) {
            assertThat(resolution.hasNext()).as("hasNext of " + what).isEqualTo(scenario.expect().hasNext());
        }
    }

    private static String describe(Resolution resolution, LoadedDatabase db) {
        return new TreeMap<>(resolution.inputs()).entrySet().stream().map(e -> {
            InputResult r = e.getValue();
            return e.getKey() + "=" + (r.error() != null ? "error(" + r.error() + ")"
                    : db.versionName(r.versionId()) + " via " + db.scenarioBuildIds(r.passedBuildIds()));
        }).collect(Collectors.joining(", ", "{", "} ok=" + resolution.ok() + " hasNext=" + resolution.hasNext()));
    }

    /** A scenario's rows in a storage, with the ids the storage gave them. */
    private record LoadedDatabase(Map<String, Long> jobIds, Map<String, Long> resourceIds,
            Map<Long, String> versionNames, Map<Long, Long> scenarioBuildIdByOurs, List<InputConfig> inputConfigs) {

        long jobId(String name) {
            return jobIds.get(name);
        }

        String versionName(long versionId) {
            return versionNames.getOrDefault(versionId, "<unknown version id " + versionId + ">");
        }

        Set<Long> scenarioBuildIds(Set<Long> ours) {
            Set<Long> ids = new TreeSet<>();
            for (long id : ours) {
                ids.add(scenarioBuildIdByOurs.getOrDefault(id, -id));
            }
            return ids;
        }

        static LoadedDatabase load(InMemoryStorage storage, Scenario scenario) {
            List<Row> buildRows = Stream.concat(scenario.buildOutputs().stream(), scenario.buildInputs().stream())
                    .toList();
            List<Row> allRows = Stream.concat(scenario.versions().stream(), buildRows.stream()).toList();

            Set<String> jobs = new LinkedHashSet<>();
            buildRows.forEach(r -> jobs.add(r.job()));
            scenario.inputs().forEach(i -> jobs.addAll(i.passed()));
            jobs.add(Scenario.CURRENT_JOB);
            Set<String> resources = new LinkedHashSet<>();
            allRows.forEach(r -> resources.add(r.resource()));
            scenario.inputs().forEach(i -> resources.add(i.resource()));

            storage.teams().createIfAbsent(Team.MAIN);
            long pipelineId = storage.pipelines().save(PIPELINE, pipelineConfig(jobs, resources), -1, false, NOW).id();
            Map<String, Long> jobIds = new HashMap<>();
            for (Job job : storage.pipelines().jobs(pipelineId)) {
                jobIds.put(job.ref().name(), job.id());
            }
            Map<String, Long> resourceIds = new HashMap<>();
            for (Resource resource : storage.pipelines().resources(pipelineId)) {
                resourceIds.put(resource.ref().name(), resource.id());
            }

            // Versions: a version's check order and presence come from the first row naming it.
            Map<String, Map<String, Row>> versionsByResource = new LinkedHashMap<>();
            Map<String, Set<String>> disabled = new HashMap<>();
            for (Row row : allRows) {
                versionsByResource.computeIfAbsent(row.resource(), r -> new LinkedHashMap<>())
                        .putIfAbsent(row.version(), row);
                if (row.disabled()) {
                    disabled.computeIfAbsent(row.resource(), r -> new LinkedHashSet<>()).add(row.version());
                }
            }
            Map<String, Boolean> noScope = new HashMap<>();
            allRows.forEach(r -> noScope.put(r.resource(), r.noScope()));
            scenario.inputs().forEach(i -> noScope.put(i.resource(), i.noScope()));

            Map<Long, String> versionNames = new HashMap<>();
            Map<String, Long> versionIds = new HashMap<>();
            List<String> movedLater = new ArrayList<>();
            for (var entry : versionsByResource.entrySet()) {
                String resource = entry.getKey();
                List<Row> ordered = entry.getValue().values().stream()
                        .sorted(Comparator.comparingLong(Row::checkOrder)).toList();
                boolean someNotInScope = ordered.stream().anyMatch(Row::notInScope);
                if (noScope.get(resource)) {
                    if (ordered.stream().anyMatch(r -> buildRows.contains(r))) {
                        throw new IllegalArgumentException(resource + " has no scope, yet builds used its versions");
                    }
                    continue;
                }
                // Versions missing from the history must have existed once for builds to use them:
                // save them in an older scope, then move the resource to a scope without them.
                List<Row> saved = someNotInScope ? ordered : ordered.stream().filter(r -> !r.noScope()).toList();
                long scope = storage.versions().assignScope(resourceIds.get(resource),
                        resource + (someNotInScope ? "-before" : ""));
                for (ResourceVersion v : storage.versions().saveVersions(scope,
                        saved.stream().map(r -> ver(r.version())).toList(), NOW)) {
                    String name = v.version().fields().get("ver");
                    versionNames.put(v.id(), name);
                    versionIds.put(name, v.id());
                }
                if (someNotInScope) {
                    movedLater.add(resource);
                }
            }

            Map<Long, Long> ourBuildIds = createBuilds(storage, scenario, buildRows, jobIds);
            Map<Long, List<BuildInput>> inputs = new TreeMap<>();
            Map<Long, List<BuildOutput>> outputs = new TreeMap<>();
            for (Row row : scenario.buildInputs()) {
                List<BuildInput> list = inputs.computeIfAbsent(row.build(), b -> new ArrayList<>());
                String name = row.resource() + (list.stream().anyMatch(i -> i.resourceId() == resourceIds
                        .get(row.resource())) ? "-" + (list.size() + 1) : "");
                list.add(new BuildInput(name, resourceIds.get(row.resource()), versionIds.get(row.version()), false));
            }
            for (Row row : scenario.buildOutputs()) {
                outputs.computeIfAbsent(row.build(), b -> new ArrayList<>())
                        .add(new BuildOutput(row.resource(), resourceIds.get(row.resource()),
                                versionIds.get(row.version())));
            }
            Map<Long, List<Long>> pipesTo = new TreeMap<>();
            for (Pipe pipe : scenario.buildPipes()) {
                pipesTo.computeIfAbsent(pipe.to(), b -> new ArrayList<>()).add(ours(ourBuildIds, pipe.from()));
                ours(ourBuildIds, pipe.to());
            }
            Map<Long, String> statuses = new HashMap<>();
            buildRows.forEach(r -> statuses.put(r.build(), r.status()));
            for (var build : ourBuildIds.entrySet()) {
                long scenarioId = build.getKey();
                long ourId = build.getValue();
                if (inputs.containsKey(scenarioId) || pipesTo.containsKey(scenarioId)) {
                    storage.builds().saveInputs(ourId, inputs.getOrDefault(scenarioId, List.of()),
                            pipesTo.getOrDefault(scenarioId, List.of()));
                }
                if (outputs.containsKey(scenarioId)) {
                    storage.builds().saveOutputs(ourId, outputs.get(scenarioId));
                }
                BuildStatus status = BuildStatus.valueOf(
                        statuses.getOrDefault(scenarioId, "failed").toUpperCase(Locale.ROOT));
                if (status != BuildStatus.PENDING && status != BuildStatus.STARTED) {
                    storage.builds().finish(ourId, status, NOW);
                }
            }

            for (String resource : movedLater) {
                long scope = storage.versions().assignScope(resourceIds.get(resource), resource);
                storage.versions().saveVersions(scope, versionsByResource.get(resource).values().stream()
                        .filter(r -> !r.notInScope()).sorted(Comparator.comparingLong(Row::checkOrder))
                        .map(r -> ver(r.version())).toList(), NOW);
            }
            disabled.forEach((resource, names) -> names.forEach(
                    name -> storage.versions().disable(resourceIds.get(resource), versionIds.get(name))));

            Map<Long, Long> scenarioBuildIdByOurs = new HashMap<>();
            ourBuildIds.forEach((scenarioId, ourId) -> scenarioBuildIdByOurs.put(ourId, scenarioId));
            long currentJob = jobIds.get(Scenario.CURRENT_JOB);
            List<InputConfig> configs = new ArrayList<>();
            for (Input input : scenario.inputs()) {
                Set<Long> passed = new LinkedHashSet<>();
                input.passed().forEach(job -> passed.add(jobIds.get(job)));
                configs.add(new InputConfig(input.name(), resourceIds.get(input.resource()), passed, input.every(),
                        input.pinned() == null ? null : Map.of("ver", input.pinned()), true, currentJob));
            }
            return new LoadedDatabase(jobIds, resourceIds, versionNames, scenarioBuildIdByOurs, configs);
        }

        /**
         * Creates the builds in the order of their scenario ids, so that our ids sort the same way,
         * including originals of reruns that no row mentions (as failed builds without versions).
         */
        private static Map<Long, Long> createBuilds(InMemoryStorage storage, Scenario scenario, List<Row> buildRows,
                Map<String, Long> jobIds) {
            Map<Long, String> jobOfBuild = new TreeMap<>();
            Map<Long, Long> rerunOf = new HashMap<>();
            for (Row row : buildRows) {
                String earlier = jobOfBuild.put(row.build(), row.job());
                if (earlier != null && !earlier.equals(row.job())) {
                    throw new IllegalArgumentException("build " + row.build() + " is in jobs " + earlier + " and "
                            + row.job() + " in " + scenario.file());
                }
                if (row.rerunOf() != 0) {
                    rerunOf.put(row.build(), row.rerunOf());
                }
            }
            rerunOf.forEach((rerun, original) -> jobOfBuild.putIfAbsent(original, jobOfBuild.get(rerun)));
            Map<Long, Long> ours = new TreeMap<>();
            jobOfBuild.forEach((scenarioId, job) -> {
                long original = rerunOf.containsKey(scenarioId) ? ours.get(rerunOf.get(scenarioId)) : 0;
                Build build = storage.builds().createJobBuild(jobIds.get(job), false, original, NOW);
                storage.builds().start(build.id(), "{}", NOW);
                ours.put(scenarioId, build.id());
            });
            return ours;
        }

        private static long ours(Map<Long, Long> ourBuildIds, long scenarioId) {
            Long id = ourBuildIds.get(scenarioId);
            if (id == null) {
                throw new IllegalArgumentException("build pipe names build " + scenarioId + ", which no row creates");
            }
            return id;
        }

        private static Version ver(String name) {
            return Version.of("ver", name);
        }

        private static PipelineConfig pipelineConfig(Set<String> jobs, Set<String> resources) {
            List<ResourceConfig> resourceConfigs = resources.stream().map(name -> new ResourceConfig(name, null, false,
                    null, "mock", Map.of(name, "source"), null, null, null, null, null, false)).toList();
            List<JobConfig> jobConfigs = jobs.stream().map(name -> new JobConfig(name, null, false, false, false,
                    false, false, null, 0, null, 0, null, List.of(), null, null, null, null, null)).toList();
            return new PipelineConfig(null, null, resourceConfigs, null, null, jobConfigs, null, null);
        }
    }
}
