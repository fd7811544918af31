package dev.concourse.testkit.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.concourse.Build;
import dev.concourse.BuildStatus;
import dev.concourse.Job;
import dev.concourse.JobPreparation;
import dev.concourse.PipelineEngine;
import dev.concourse.PipelineRef;
import dev.concourse.Resource;
import dev.concourse.Team;
import dev.concourse.config.GetStep;
import dev.concourse.config.JobConfig;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.ResourceConfig;
import dev.concourse.config.Step;
import dev.concourse.config.VersionConfig;
import dev.concourse.resource.ResourceVersion;
import dev.concourse.resource.Version;
import dev.concourse.spi.storage.BuildInput;
import dev.concourse.spi.storage.BuildOutput;
import dev.concourse.spi.storage.Storage;
import dev.concourse.testkit.conformance.AlgorithmScenario.Input;
import dev.concourse.testkit.conformance.AlgorithmScenario.Pipe;
import dev.concourse.testkit.conformance.AlgorithmScenario.Row;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Concourse's input-resolution table over the store: each scenario's versions database is written
 * through the storage SPI, and an engine over the store (not started) must resolve the inputs of
 * the job {@code current} as Concourse does, as {@link dev.concourse.Jobs#preparation} reports
 * them: each input's version, or its error. Core checks the same table against the resolver
 * directly (passed builds and {@code hasNext} too); this contract shows that a store's queries
 * give the resolver what it needs.
 */
abstract class AlgorithmTableStorageContract extends StorageContract {
    private static final PipelineRef PIPELINE = PipelineRef.main("algorithm");

    AlgorithmTableStorageContract(Supplier<Storage> storage) {
        super(storage);
    }

    static Stream<String> scenarios() {
        return AlgorithmScenario.files().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.concourse.testkit.conformance.AlgorithmTableStorageContract#scenarios")
    void resolvesInputsAsConcourseDoes(String file) {
        AlgorithmScenario scenario = AlgorithmScenario.load(file);
        load(storage(), scenario);
        JobPreparation preparation;
        try (PipelineEngine engine = PipelineEngine.builder().storage(storage()).build()) {
            preparation = engine.jobs().preparation(PIPELINE.job(AlgorithmScenario.CURRENT_JOB));
        }

        Map<String, String> values = new TreeMap<>();
        Map<String, String> errors = new TreeMap<>();
        for (JobPreparation.Input input : preparation.inputs()) {
            if (input.satisfied()) {
                values.put(input.name(), input.version().fields().get("ver"));
            } else {
                errors.put(input.name(), input.reason());
            }
        }
        String what = scenario + " resolved " + values + ", errors " + errors;
        assertThat(errors.isEmpty()).as("ok of " + what).isEqualTo(scenario.expect().ok());
        if (scenario.expect().ok()) {
            assertThat(values).as("values of " + what).isEqualTo(new TreeMap<>(scenario.expect().values()));
        }
        assertThat(errors.keySet()).as("inputs with errors in " + what)
                .isEqualTo(new TreeMap<>(scenario.expect().errors()).keySet());
        scenario.expect().errors().forEach((input, error) -> assertThat(errors.get(input))
                .as("error of input %s in %s", input, what).startsWith(error));
    }

    /** Writes the scenario's rows through the SPI, as core's table test does, with {@code current}'s gets. */
    private static void load(Storage storage, AlgorithmScenario scenario) {
        List<Row> buildRows = Stream.concat(scenario.buildOutputs().stream(), scenario.buildInputs().stream())
                .toList();
        List<Row> allRows = Stream.concat(scenario.versions().stream(), buildRows.stream()).toList();

        Set<String> jobs = new LinkedHashSet<>();
        buildRows.forEach(r -> jobs.add(r.job()));
        scenario.inputs().forEach(i -> jobs.addAll(i.passed()));
        jobs.remove(AlgorithmScenario.CURRENT_JOB);
        Set<String> resources = new LinkedHashSet<>();
        allRows.forEach(r -> resources.add(r.resource()));
        scenario.inputs().forEach(i -> resources.add(i.resource()));

        storage.teams().createIfAbsent(Team.MAIN);
        long pipelineId = storage.pipelines().save(PIPELINE, pipelineConfig(jobs, resources, scenario.inputs()), -1,
                false, T0).id();
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
            versionsByResource.computeIfAbsent(row.resource(), r -> new LinkedHashMap<>()).putIfAbsent(row.version(),
                    row);
            if (row.disabled()) {
                disabled.computeIfAbsent(row.resource(), r -> new LinkedHashSet<>()).add(row.version());
            }
        }
        Map<String, Boolean> noScope = new HashMap<>();
        allRows.forEach(r -> noScope.put(r.resource(), r.noScope()));
        scenario.inputs().forEach(i -> noScope.put(i.resource(), i.noScope()));

        Map<String, Long> versionIds = new HashMap<>();
        List<String> movedLater = new ArrayList<>();
        for (var entry : versionsByResource.entrySet()) {
            String resource = entry.getKey();
            List<Row> ordered = entry.getValue().values().stream().sorted(Comparator.comparingLong(Row::checkOrder))
                    .toList();
            boolean someNotInScope = ordered.stream().anyMatch(Row::notInScope);
            if (noScope.get(resource)) {
                continue;
            }
            // Versions missing from the history must have existed once for builds to use them:
            // save them in an older scope, then move the resource to a scope without them.
            List<Row> saved = someNotInScope ? ordered : ordered.stream().filter(r -> !r.noScope()).toList();
            long scope = storage.versions().assignScope(resourceIds.get(resource),
                    resource + (someNotInScope ? "-before" : ""));
            for (ResourceVersion v : storage.versions().saveVersions(scope,
                    saved.stream().map(r -> ver(r.version())).toList(), T0)) {
                versionIds.put(v.version().fields().get("ver"), v.id());
            }
            if (someNotInScope) {
                movedLater.add(resource);
            }
        }

        Map<Long, Long> ourBuildIds = createBuilds(storage, buildRows, jobIds);
        Map<Long, List<BuildInput>> inputs = new TreeMap<>();
        Map<Long, List<BuildOutput>> outputs = new TreeMap<>();
        for (Row row : scenario.buildInputs()) {
            List<BuildInput> list = inputs.computeIfAbsent(row.build(), b -> new ArrayList<>());
            String name = row.resource() + (list.stream().anyMatch(i -> i.resourceId() == resourceIds
                    .get(row.resource())) ? "-" + (list.size() + 1) : "");
            list.add(new BuildInput(name, resourceIds.get(row.resource()), versionIds.get(row.version()), false));
        }
        for (Row row : scenario.buildOutputs()) {
            outputs.computeIfAbsent(row.build(), b -> new ArrayList<>()).add(new BuildOutput(row.resource(),
                    resourceIds.get(row.resource()), versionIds.get(row.version())));
        }
        Map<Long, List<Long>> pipesTo = new TreeMap<>();
        for (Pipe pipe : scenario.buildPipes()) {
            pipesTo.computeIfAbsent(pipe.to(), b -> new ArrayList<>()).add(ourBuildIds.get(pipe.from()));
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
            BuildStatus status = BuildStatus.valueOf(statuses.getOrDefault(scenarioId, "failed")
                    .toUpperCase(Locale.ROOT));
            if (status != BuildStatus.PENDING && status != BuildStatus.STARTED) {
                storage.builds().finish(ourId, status, T0);
            }
        }

        for (String resource : movedLater) {
            long scope = storage.versions().assignScope(resourceIds.get(resource), resource);
            storage.versions().saveVersions(scope, versionsByResource.get(resource).values().stream()
                    .filter(r -> !r.notInScope()).sorted(Comparator.comparingLong(Row::checkOrder))
                    .map(r -> ver(r.version())).toList(), T0);
        }
        disabled.forEach((resource, names) -> names.forEach(
                name -> storage.versions().disable(resourceIds.get(resource), versionIds.get(name))));
    }

    /**
     * Creates the builds in the order of their scenario ids, so that the store's ids sort the same
     * way, including originals of reruns that no row mentions (as failed builds without versions).
     */
    private static Map<Long, Long> createBuilds(Storage storage, List<Row> buildRows, Map<String, Long> jobIds) {
        Map<Long, String> jobOfBuild = new TreeMap<>();
        Map<Long, Long> rerunOf = new HashMap<>();
        for (Row row : buildRows) {
            jobOfBuild.put(row.build(), row.job());
            if (row.rerunOf() != 0) {
                rerunOf.put(row.build(), row.rerunOf());
            }
        }
        rerunOf.forEach((rerun, original) -> jobOfBuild.putIfAbsent(original, jobOfBuild.get(rerun)));
        Map<Long, Long> ours = new TreeMap<>();
        jobOfBuild.forEach((scenarioId, job) -> {
            long original = rerunOf.containsKey(scenarioId) ? ours.get(rerunOf.get(scenarioId)) : 0;
            Build build = storage.builds().createJobBuild(jobIds.get(job), false, original, T0);
            storage.builds().start(build.id(), "{}", T0);
            ours.put(scenarioId, build.id());
        });
        return ours;
    }

    private static Version ver(String name) {
        return Version.of("ver", name);
    }

    private static PipelineConfig pipelineConfig(Set<String> jobs, Set<String> resources, List<Input> inputs) {
        List<ResourceConfig> resourceConfigs = resources.stream().map(name -> new ResourceConfig(name, null, false,
                null, "mock", Map.of(name, "source"), "never", null, null, null, null, false)).toList();
        List<JobConfig> jobConfigs = new ArrayList<>(jobs.stream().map(name -> job(name, List.of())).toList());
        List<Step> gets = inputs.stream().<Step>map(i -> new GetStep(i.name(), i.resource(),
                i.pinned() != null ? VersionConfig.pinned(Map.of("ver", i.pinned()))
                        : i.every() ? VersionConfig.EVERY : VersionConfig.LATEST,
                null, i.passed(), false, null, null)).toList();
        jobConfigs.add(job(AlgorithmScenario.CURRENT_JOB, gets));
        return new PipelineConfig(null, null, resourceConfigs, null, null, jobConfigs, null, null);
    }

    private static JobConfig job(String name, List<Step> plan) {
        return new JobConfig(name, null, false, false, false, false, false, null, 0, null, 0, null, plan, null, null,
                null, null, null);
    }
}
