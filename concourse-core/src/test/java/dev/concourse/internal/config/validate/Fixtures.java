package dev.concourse.internal.config.validate;

import dev.concourse.config.AcrossStep;
import dev.concourse.config.AcrossVar;
import dev.concourse.config.ConfigFinding;
import dev.concourse.config.DisplayConfig;
import dev.concourse.config.GetStep;
import dev.concourse.config.GroupConfig;
import dev.concourse.config.JobConfig;
import dev.concourse.config.LoadVarStep;
import dev.concourse.config.PipelineConfig;
import dev.concourse.config.PrototypeConfig;
import dev.concourse.config.PutStep;
import dev.concourse.config.ResourceConfig;
import dev.concourse.config.ResourceTypeConfig;
import dev.concourse.config.RunStep;
import dev.concourse.config.SetPipelineStep;
import dev.concourse.config.Step;
import dev.concourse.config.TaskConfig;
import dev.concourse.config.TaskConfig.TaskRunConfig;
import dev.concourse.config.TaskStep;
import dev.concourse.config.VarSourceConfig;
import dev.concourse.internal.config.SourceIndex;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Models built in code for the validator tests. {@link #base()} is a valid pipeline close to
 * the one Concourse's own validate_test.go starts from; tests add the one thing they check.
 */
final class Fixtures {
    final List<GroupConfig> groups = new ArrayList<>();
    final List<VarSourceConfig> varSources = new ArrayList<>();
    final List<ResourceConfig> resources = new ArrayList<>();
    final List<ResourceTypeConfig> resourceTypes = new ArrayList<>();
    final List<PrototypeConfig> prototypes = new ArrayList<>();
    final List<JobConfig> jobs = new ArrayList<>();
    DisplayConfig display;

    /** A valid pipeline: one resource used by "some-job", an empty job, two groups. */
    static Fixtures base() {
        Fixtures f = new Fixtures();
        f.groups.add(new GroupConfig("some-group", List.of("some-job"), List.of("some-resource")));
        f.groups.add(new GroupConfig("some-other-group", List.of("some-empty-*"), List.of()));
        f.resources.add(resource("some-resource", "some-type"));
        f.resourceTypes.add(resourceType("some-resource-type", "some-type"));
        f.prototypes.add(prototype("some-prototype", "some-type"));
        f.jobs.add(job("some-job",
                get("some-input", "some-resource"),
                new LoadVarStep("some_var", "some-input/some-file.json", null, false),
                taskFile("some-task", "some/config/path.yml"),
                put("some-resource"),
                new RunStep("some-message", "some-prototype", Map.of(), false, List.of(), null, null),
                new SetPipelineStep("some-pipeline", "some-file", null, Map.of(), List.of(), Map.of())));
        f.jobs.add(job("some-empty-job"));
        return f;
    }

    /** A pipeline with a single job whose plan is {@code plan}, no groups. */
    static Fixtures withPlan(Step... plan) {
        Fixtures f = base();
        f.groups.clear();
        f.jobs.add(job("some-other-job", plan));
        return f;
    }

    PipelineConfig build() {
        return new PipelineConfig(groups, varSources, resources, resourceTypes, prototypes, jobs, display, null);
    }

    List<ConfigFinding> validate() {
        return PipelineValidator.validate(build(), SourceIndex.empty("pipeline.yml"));
    }

    /** Findings as {@code severity type path: message}. */
    List<String> findings() {
        return render(validate());
    }

    static List<String> render(List<ConfigFinding> findings) {
        return findings.stream()
                .map(f -> f.severity().label() + " " + f.type() + " " + f.describe())
                .toList();
    }

    static ResourceConfig resource(String name, String type) {
        return new ResourceConfig(name, null, false, null, type, Map.of(), null, null, List.of(), Map.of(), null, false);
    }

    static ResourceConfig resource(String name, String type, String checkEvery, String checkTimeout) {
        return new ResourceConfig(name, null, false, null, type, Map.of(), checkEvery, checkTimeout, List.of(),
                Map.of(), null, false);
    }

    static ResourceTypeConfig resourceType(String name, String type) {
        return new ResourceTypeConfig(name, type, Map.of(), Map.of(), false, null, List.of(), Map.of());
    }

    static PrototypeConfig prototype(String name, String type) {
        return new PrototypeConfig(name, type, Map.of(), Map.of(), false, null, List.of(), Map.of());
    }

    static JobConfig job(String name, Step... plan) {
        return new JobConfig(name, null, false, false, false, false, false, List.of(), 0, List.of(), 0, null,
                Arrays.asList(plan), null, null, null, null, null);
    }

    static GetStep get(String name) {
        return get(name, null);
    }

    static GetStep get(String name, String resource, String... passed) {
        return new GetStep(name, resource, null, Map.of(), List.of(passed), false, List.of(), null);
    }

    static GetStep getWithTimeout(String name, String timeout) {
        return new GetStep(name, null, null, Map.of(), List.of(), false, List.of(), timeout);
    }

    static PutStep put(String name) {
        return put(name, null);
    }

    static PutStep put(String name, String resource) {
        return new PutStep(name, resource, Map.of(), null, List.of(), Map.of(), null, false);
    }

    static TaskStep taskFile(String name, String file) {
        return task(name, file, null, null, false);
    }

    static TaskStep taskConfig(String name, TaskConfig config) {
        return task(name, null, config, null, false);
    }

    static TaskStep task(String name, String file, TaskConfig config, String image, boolean hermetic) {
        return new TaskStep(name, false, hermetic, file, null, config, Map.of(), Map.of(), List.of(), Map.of(),
                Map.of(), image, null);
    }

    /** A task config with everything Concourse requires. */
    static TaskConfig taskConfig() {
        return new TaskConfig("linux", null, null, null, Map.of(), run("true"), List.of(), List.of(), List.of());
    }

    static TaskRunConfig run(String path) {
        return new TaskRunConfig(path, List.of(), null, null);
    }

    static AcrossStep across(Step step, AcrossVar... vars) {
        return new AcrossStep(step, List.of(vars), false);
    }

    static AcrossVar acrossVar(String name, AcrossVar.MaxInFlight maxInFlight) {
        return new AcrossVar(name, List.of("a", "b"), maxInFlight);
    }
}
